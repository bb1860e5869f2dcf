"""Keras exports with a dynamic batch: shape arithmetic on static shapes.

A Keras model whose batch dimension is None converts with the batch left
open (shape_signature [-1, ...], shape [1, ...]), so every Flatten, Reshape
or tf.shape becomes SHAPE -> STRIDED_SLICE / UNPACK -> PACK -> RESHAPE in the
flatbuffer, computed at run time. With a fixed batch (every other fixture)
the converter folds them away. For edgec the shapes are static, so the chain
folds to a constant shape tensor (issue 4).

Constructs that do NOT make usable fixtures, because TensorFlow Lite Micro
cannot run the result (checked with tflite-micro 0.dev20261023182759):
  * tf.gather on a shape: TFLM's GATHER has no int32 input.
  * Dense on a rank-3 input, or tf.reduce_prod of a shape: REDUCE_PROD,
    which TFLM does not register.
  * tf.reshape(t, [tf.shape(t)[0], -1]), or a dimension computed with MUL:
    the converter stores the RESHAPE's static output shape as [1, 1] and
    TFLM's Prepare rejects it (128 != 1 elements).
edgec folds the chains (FOLDED_OPS in make_fixtures.py); without that these
fixtures would go to the manifest's "pending_ops" list, out of the tests.
"""

from __future__ import annotations

import tensorflow as tf

from fixtures_convert import InputRange
from fixtures_specs import BOTH, INT8, Spec, _inputs

keras = tf.keras
L = keras.layers


def _dynamic(shape, body):
    def build():
        (x,) = _inputs(shape, batch=None)
        return keras.Model(x, body(x))

    return build


def flatten(x):  # CONV_2D, SHAPE, STRIDED_SLICE, PACK, RESHAPE, FULLY_CONNECTED
    y = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    return L.Dense(10)(L.Flatten()(y))


def reshape_4d(x):  # Reshape to another rank-4 shape between two convolutions
    y = L.Conv2D(8, 1, activation="relu")(x)
    return L.Conv2D(4, 3, padding="same")(L.Reshape((2, 8, 8))(y))


def unstack(x):  # b, h, w, c = tf.unstack(tf.shape(t)): SHAPE, UNPACK, PACK, RESHAPE
    def flat(t):
        b, _, _, _ = tf.unstack(tf.shape(t))
        return tf.reshape(t, tf.stack([b, 128]))

    y = L.Conv2D(8, 1)(x)
    return L.Dense(6)(L.Lambda(flat, output_shape=(128,))(y))


def dscnn(x):  # a small keyword-spotting network exported with batch None
    y = L.Conv2D(16, (5, 3), strides=2, padding="same", activation="relu")(x)
    for _ in range(2):
        y = L.DepthwiseConv2D(3, padding="same", activation="relu")(y)
        y = L.Conv2D(16, 1, activation="relu")(y)
    y = L.AveragePooling2D(pool_size=(y.shape[1], y.shape[2]))(y)
    return L.Softmax()(L.Dense(8)(L.Flatten()(y)))


KERAS_SHAPE_SPECS: list[Spec] = [
    Spec("keras_shape_flatten", "batch None: Flatten between CONV_2D and Dense becomes SHAPE, STRIDED_SLICE, "
         "PACK, RESHAPE", _dynamic((4, 4, 8), flatten), conversions=BOTH),
    Spec("keras_shape_reshape_4d", "batch None: Reshape((2,8,8)) between two CONV_2D becomes SHAPE, "
         "STRIDED_SLICE, PACK, RESHAPE", _dynamic((4, 4, 8), reshape_4d), conversions=(INT8,)),
    Spec("keras_shape_unstack", "batch None: tf.unstack(tf.shape(x)) and tf.stack into a RESHAPE "
         "(SHAPE, UNPACK, PACK, RESHAPE)", _dynamic((4, 4, 8), unstack), conversions=(INT8,)),
    Spec("keras_shape_dscnn", "batch None: small DS-CNN (CONV_2D, 2 depthwise-separable blocks, AVERAGE_POOL_2D, "
         "Flatten as SHAPE/STRIDED_SLICE/PACK/RESHAPE, FULLY_CONNECTED, SOFTMAX)",
         _dynamic((25, 10, 1), dscnn), (InputRange(scale=2.0),), varied_rows=True, conversions=(INT8,)),
]

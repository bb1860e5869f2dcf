"""Fixtures that are whole networks, or that exist for QUANTIZE/DEQUANTIZE:
four small end-to-end models and the int8 models with float I/O or an
inserted requantization. The DS-CNN also becomes the bundled demo model.
"""

from __future__ import annotations

import tensorflow as tf

from fixtures_convert import InputRange
from fixtures_specs import BOTH, FLOAT_IO, INT8, Spec, _inputs

keras = tf.keras
L = keras.layers


def _bn_relu(x):
    return L.ReLU()(L.BatchNormalization()(x))


def ds_cnn(channels: int = 64, blocks: int = 3, labels: int = 12):
    """Keyword spotting in the style of the MLPerf Tiny DS-CNN: a 10x4 stride-2
    convolution over 49x10 MFCC frames, depthwise-separable blocks, average
    pooling over the whole map, one dense layer and softmax."""

    def build():
        (x,) = _inputs((49, 10, 1))
        y = _bn_relu(L.Conv2D(channels, (10, 4), strides=2, padding="same")(x))
        for _ in range(blocks):
            y = _bn_relu(L.DepthwiseConv2D(3, padding="same")(y))
            y = _bn_relu(L.Conv2D(channels, 1)(y))
        y = L.AveragePooling2D(pool_size=(y.shape[1], y.shape[2]))(y)
        y = L.Flatten()(y)
        y = L.Softmax()(L.Dense(labels)(y))
        return keras.Model(x, y)

    return build


def resnet():
    """Two residual stages (the second downsamples with a 1x1 shortcut)."""

    def build():
        (x,) = _inputs((12, 12, 3))
        y = _bn_relu(L.Conv2D(8, 3, padding="same")(x))
        r = _bn_relu(L.Conv2D(8, 3, padding="same")(y))
        r = L.BatchNormalization()(L.Conv2D(8, 3, padding="same")(r))
        y = L.ReLU()(L.Add()([y, r]))
        r = _bn_relu(L.Conv2D(16, 3, strides=2, padding="same")(y))
        r = L.BatchNormalization()(L.Conv2D(16, 3, padding="same")(r))
        s = L.Conv2D(16, 1, strides=2)(y)
        y = L.ReLU()(L.Add()([s, r]))
        y = L.GlobalAveragePooling2D()(y)
        y = L.Softmax()(L.Dense(10)(y))
        return keras.Model(x, y)

    return build


def _correct_pad(size: int, kernel: int):
    """keras.applications' correct_pad: the ZeroPadding2D before a stride-2
    VALID depthwise convolution, ((0, 1), (0, 1)) on an even map."""
    adjust = 1 - size % 2
    half = kernel // 2
    return ((half - adjust, half), (half - adjust, half))


def _inverted_residual(x, expansion: int, filters: int, stride: int):
    """MobileNetV2's block as keras.applications builds it: 1x1 expansion,
    BN, ReLU6; ZeroPadding2D + VALID depthwise 3x3 when the stride is 2 (SAME
    otherwise), BN, ReLU6; linear 1x1 projection, BN; the residual ADD when
    the shapes match."""
    channels = x.shape[-1]
    y = x
    if expansion != 1:
        y = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(channels * expansion, 1, use_bias=False)(y)))
    if stride == 2:
        y = L.ZeroPadding2D(_correct_pad(y.shape[1], 3))(y)
    y = L.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False)(y)
    y = L.ReLU(6.0)(L.BatchNormalization()(y))
    y = L.BatchNormalization()(L.Conv2D(filters, 1, use_bias=False)(y))
    return L.Add()([x, y]) if stride == 1 and channels == filters else y


# (expansion, output channels, stride) per block: MobileNetV2's sequence at a
# small width for a 64x64 input; five of the ten blocks end in a residual ADD.
MOBILENETV2_BLOCKS = [
    (1, 8, 1),
    (6, 12, 2), (6, 12, 1),
    (6, 16, 2), (6, 16, 1), (6, 16, 1),
    (6, 24, 2), (6, 24, 1),
    (6, 32, 1), (6, 32, 1),
]


def mobilenetv2(labels: int = 10):
    def build():
        (x,) = _inputs((64, 64, 3))
        y = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(x)))
        for expansion, filters, stride in MOBILENETV2_BLOCKS:
            y = _inverted_residual(y, expansion, filters, stride)
        y = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(128, 1, use_bias=False)(y)))
        y = L.GlobalAveragePooling2D()(y)
        return keras.Model(x, L.Softmax()(L.Dense(labels)(y)))

    return build


def autoencoder():
    """A dense autoencoder in the style of the MLPerf Tiny anomaly detector."""

    def build():
        (x,) = _inputs((64,))
        y = x
        for width in (32, 16, 8, 16, 32):
            y = _bn_relu(L.Dense(width)(y))
        y = L.Dense(64)(y)
        return keras.Model(x, y)

    return build


def conv_for_float_io():
    def build():
        (x,) = _inputs((6, 6, 2))
        y = L.Conv2D(4, 3, padding="same", activation="relu")(x)
        return keras.Model(x, L.Dense(3)(L.Flatten()(y)))

    return build


def requantize():
    """CONCATENATION wants one scale for all its operands, but LOGISTIC's output
    scale is fixed at 1/256: the converter requantizes it (int8 -> int8) to the
    scale of the wide second input."""

    def build():
        a, b = _inputs((4, 4, 3), (4, 4, 3))
        return keras.Model([a, b], L.Concatenate()([L.Activation("sigmoid")(a), b]))

    return build


def two_outputs():
    """A graph with two outputs (and a shared input), for multi-output handling."""

    def build():
        (x,) = _inputs((6, 6, 4))
        conv = L.Conv2D(3, 1, activation="relu")(x)
        pool = L.MaxPooling2D(2)(x)
        return keras.Model(x, [conv, pool])

    return build


NETWORKS: list[Spec] = [
    Spec("net_dscnn", "DS-CNN keyword spotting: CONV_2D 10x4 s2, 3 depthwise-separable blocks (folded BN), "
         "AVERAGE_POOL_2D, FULLY_CONNECTED, SOFTMAX", ds_cnn(), (InputRange(scale=2.0),), varied_rows=True),
    Spec("net_resnet", "ResNet-style: residual ADDs, stride-2 stage with 1x1 shortcut, MEAN, "
         "FULLY_CONNECTED, SOFTMAX", resnet(), varied_rows=True),
    Spec("net_autoencoder", "dense autoencoder 64-32-16-8-16-32-64 with folded BN", autoencoder(),
         varied_rows=True),
    Spec("net_mobilenetv2", "MobileNetV2-style, 64x64x3: CONV_2D s2, 10 inverted-residual blocks (expansion 6, "
         "ZeroPadding2D + VALID depthwise on stride 2, which the converter turns into one SAME depthwise, linear "
         "projection, 5 residual ADDs), MEAN, FULLY_CONNECTED, SOFTMAX", mobilenetv2(), varied_rows=True, conversions=(INT8,),
         measure_arena=True, max_model_bytes=160 * 1024),
    Spec("two_outputs", "two graph outputs: CONV_2D 1x1 RELU and MAX_POOL_2D 2x2 of one input", two_outputs()),
    Spec("quant_dequant", "int8 model with float32 I/O: QUANTIZE at the input, DEQUANTIZE at the output",
         conv_for_float_io(), conversions=(FLOAT_IO,)),
    Spec("quant_dequant_softmax", "int8 SOFTMAX with float32 I/O",
         lambda: keras.Model(*(lambda x: (x, L.Softmax()(x)))(_inputs((10,))[0])),
         (InputRange(scale=3.0),), conversions=(FLOAT_IO,)),
    Spec("requantize_concat", "LOGISTIC output requantized (QUANTIZE int8->int8) to join a wide input in CONCATENATION",
         requantize(), (InputRange(scale=2.0), InputRange(scale=8.0)), conversions=(*BOTH, FLOAT_IO)),
]

DEMO = (NETWORKS[0], INT8)


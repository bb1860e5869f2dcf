"""The fixture models: one small Keras model per operator variant.

Each Spec says what it covers, how to build the model, how its inputs are
distributed (calibration and float test inputs alike) and which conversions
it gets. Models have a fixed batch dimension so every shape is static.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import tensorflow as tf

from fixtures_convert import Conversion, InputRange

keras = tf.keras
L = keras.layers

INT8 = Conversion("int8")
FLOAT = Conversion("float32")
BOTH = (INT8, FLOAT)
PER_TENSOR = Conversion("int8", per_tensor=True, dense_per_tensor=True)
FLOAT_IO = Conversion("int8", float_io=True)


@dataclass(frozen=True)
class Spec:
    name: str
    covers: str
    build: Callable[[], keras.Model]
    ranges: tuple[InputRange, ...] = (InputRange(),)
    # int8 inputs: each row uniform over its own random sub-range of
    # [-128, 127] instead of the full range. Networks that average over the
    # whole map give nearly the same answer for every i.i.d. full-range row.
    varied_rows: bool = False
    conversions: tuple[Conversion, ...] = BOTH
    patch: Callable | None = None  # edits the converted flatbuffer (ModelT) in place
    # int8: record TFLM's arena in the manifest, so `make bench` can compare
    # without running TFLM.
    measure_arena: bool = False
    # make_fixtures.py warns above this: fixtures are committed, keep them small.
    max_model_bytes: int = 60 * 1024


class Operand(L.Layer):
    """x (+ or *) a constant tensor, so the converter keeps a constant operand."""

    def __init__(self, shape, op, **kwargs):
        super().__init__(**kwargs)
        self.operand_shape = tuple(shape)
        self.op = op

    def build(self, input_shape):
        self.operand = self.add_weight(name="operand", shape=self.operand_shape)

    def call(self, x):
        return x + self.operand if self.op == "add" else x * self.operand


def set_softmax_beta(beta: float):
    """No Keras or TF graph converts to a SOFTMAX with beta != 1, so set it."""

    def patch(model) -> None:
        from tensorflow.lite.tools import flatbuffer_utils

        for op in model.subgraphs[0].operators:
            if flatbuffer_utils.opcode_to_name(model, op.opcodeIndex) == "SOFTMAX":
                op.builtinOptions.beta = beta

    return patch


def _inputs(*shapes, batch=1):
    return [keras.Input(shape, batch_size=batch, name=f"in{i}") for i, shape in enumerate(shapes)]


def single(shape, layers, batch=1):
    """A chain of layers on one input."""

    def build():
        (x,) = _inputs(shape, batch=batch)
        y = x
        for layer in layers():
            y = layer(y)
        return keras.Model(x, y)

    return build


def binary(shape_a, shape_b, op, relu_max=None):
    """op(in0, in1), optionally followed by a ReLU (capped at `relu_max` if
    given) that the converter fuses; 0 means an uncapped ReLU."""

    def build():
        a, b = _inputs(shape_a, shape_b)
        y = L.Add()([a, b]) if op == "add" else L.Multiply()([a, b])
        if relu_max is not None:
            y = L.ReLU(max_value=relu_max or None)(y)
        return keras.Model([a, b], y)

    return build


def binary_specs(op: str) -> list[Spec]:
    OP = op.upper()
    wide, narrow = InputRange(scale=4.0), InputRange(scale=0.5)
    return [
        Spec(f"{op}_two_inputs", f"{OP} of two graph inputs with different scales",
             binary((4, 4, 8), (4, 4, 8), op), (narrow, wide)),
        Spec(f"{op}_bcast_channel", f"{OP} broadcasting [1,4,4,8] with [1,1,1,8]",
             binary((4, 4, 8), (1, 1, 8), op), (wide, narrow)),
        Spec(f"{op}_bcast_spatial", f"{OP} broadcasting [1,4,4,8] with [1,4,4,1]",
             binary((4, 4, 8), (4, 4, 1), op), (narrow, wide)),
        Spec(f"{op}_relu", f"{OP} of two graph inputs with fused RELU",
             binary((4, 4, 8), (4, 4, 8), op, relu_max=0), (InputRange(), InputRange(scale=2.0))),
        Spec(f"{op}_relu6", f"{OP} of two graph inputs with fused RELU6",
             binary((4, 4, 8), (4, 4, 8), op, relu_max=6.0), (InputRange(scale=3.0), InputRange(scale=2.0))),
        Spec(f"{op}_const", f"{OP} with a constant operand of shape [8]",
             single((4, 4, 8), lambda: [Operand((8,), op)])),
    ]


def conv_specs() -> list[Spec]:
    def conv(shape, *args, **kw):
        return single(shape, lambda: [L.Conv2D(*args, **kw)])

    return [
        Spec("conv_same_s1_relu", "CONV_2D 3x3 SAME stride 1, RELU, 3->8 channels",
             conv((6, 6, 3), 8, 3, padding="same", activation="relu")),
        Spec("conv_same_s1_relu_pt", "CONV_2D 3x3 SAME stride 1, RELU, per-tensor weights",
             conv((6, 6, 3), 8, 3, padding="same", activation="relu"), conversions=(PER_TENSOR,)),
        Spec("conv_valid_s2", "CONV_2D 3x3 VALID stride 2, no activation, 4->6 channels",
             conv((9, 9, 4), 6, 3, strides=2, padding="valid")),
        Spec("conv_same_s2_even", "CONV_2D 3x3 SAME stride 2 on an even input (asymmetric padding), RELU6",
             conv((8, 8, 2), 5, 3, strides=2, padding="same", activation="relu6")),
        Spec("conv_dilation2", "CONV_2D 3x3 SAME dilation 2, RELU6, 3->4 channels",
             conv((8, 8, 3), 4, 3, dilation_rate=2, padding="same", activation="relu6")),
        Spec("conv_valid_dilation2", "CONV_2D 3x3 VALID dilation 2, 2->3 channels",
             conv((9, 9, 2), 3, 3, dilation_rate=2, padding="valid")),
        Spec("conv_nobias_nonsquare", "CONV_2D 3x2 kernel, stride (2,1), SAME, use_bias=False (converted with an all-zero bias), 5->7 channels",
             conv((7, 9, 5), 7, (3, 2), strides=(2, 1), padding="same", use_bias=False)),
        Spec("conv_nobias_nonsquare_pt", "CONV_2D 1x4 kernel VALID, use_bias=False (converted with an all-zero bias), per-tensor weights",
             conv((6, 8, 4), 3, (1, 4), padding="valid", use_bias=False), conversions=(PER_TENSOR,)),
        Spec("conv_1x1_16ch", "CONV_2D 1x1 pointwise 16->16 channels, RELU",
             conv((4, 4, 16), 16, 1, activation="relu")),
        Spec("conv_1ch_in", "CONV_2D 5x5 SAME from 1 channel, 1->2 channels",
             conv((8, 6, 1), 2, 5, padding="same")),
    ]


def dwconv_specs() -> list[Spec]:
    def dw(shape, *args, **kw):
        return single(shape, lambda: [L.DepthwiseConv2D(*args, **kw)])

    return [
        Spec("dw_m1_same_relu6", "DEPTHWISE_CONV_2D 3x3 SAME multiplier 1, RELU6, 8 channels",
             dw((6, 6, 8), 3, padding="same", activation="relu6")),
        Spec("dw_m1_same_relu6_pt", "DEPTHWISE_CONV_2D 3x3 SAME multiplier 1, RELU6, per-tensor weights",
             dw((6, 6, 8), 3, padding="same", activation="relu6"), conversions=(PER_TENSOR,)),
        Spec("dw_m2_valid", "DEPTHWISE_CONV_2D 3x3 VALID multiplier 2, 4->8 channels",
             dw((7, 7, 4), 3, depth_multiplier=2, padding="valid")),
        Spec("dw_s2_same", "DEPTHWISE_CONV_2D 3x3 SAME stride 2, RELU, 6 channels",
             dw((7, 7, 6), 3, strides=2, padding="same", activation="relu")),
        Spec("dw_s2_valid_m2", "DEPTHWISE_CONV_2D 3x3 VALID stride 2 multiplier 2, use_bias=False (converted with an all-zero bias)",
             dw((8, 8, 3), 3, strides=2, depth_multiplier=2, padding="valid", use_bias=False)),
        Spec("dw_dilation2", "DEPTHWISE_CONV_2D 3x3 SAME dilation 2, 4 channels",
             dw((8, 8, 4), 3, dilation_rate=2, padding="same")),
    ]


def dense_specs() -> list[Spec]:
    def dense(shape, *args, batch=1, **kw):
        return single(shape, lambda: [L.Dense(*args, **kw)], batch=batch)

    return [
        Spec("fc_bias_relu", "FULLY_CONNECTED 16->8 with bias, RELU",
             dense((16,), 8, activation="relu")),
        Spec("fc_bias_relu_pt", "FULLY_CONNECTED 16->8 with bias, RELU, per-tensor weights",
             dense((16,), 8, activation="relu"), conversions=(PER_TENSOR,)),
        Spec("fc_nobias", "FULLY_CONNECTED 20->10 without bias",
             dense((20,), 10, use_bias=False)),
        Spec("fc_batch4", "FULLY_CONNECTED on a [4,16] input (batch 4) -> 8",
             dense((16,), 8, batch=4)),
        Spec("fc_rank3", "FULLY_CONNECTED (Dense) on a rank-3 [1,5,12] input -> 6",
             dense((5, 12), 6)),
        Spec("fc_rank3_pt", "FULLY_CONNECTED (Dense) on a rank-3 [1,5,12] input, per-tensor weights",
             dense((5, 12), 6), conversions=(PER_TENSOR,)),
    ]


def pool_specs() -> list[Spec]:
    def pool(kind, shape, size, strides, padding):
        layer = L.AveragePooling2D if kind == "avg" else L.MaxPooling2D
        return single(shape, lambda: [layer(size, strides=strides, padding=padding)])

    specs = []
    for kind, OP in (("avg", "AVERAGE_POOL_2D"), ("max", "MAX_POOL_2D")):
        specs += [
            Spec(f"{kind}pool_2x2_valid_s2", f"{OP} 2x2 VALID stride 2",
                 pool(kind, (8, 8, 4), 2, 2, "valid")),
            Spec(f"{kind}pool_3x3_same_s1", f"{OP} 3x3 SAME stride 1 (edge windows are partial)",
                 pool(kind, (6, 6, 3), 3, 1, "same")),
            Spec(f"{kind}pool_3x3_same_s2", f"{OP} 3x3 SAME stride 2 on an odd input",
                 pool(kind, (7, 7, 5), 3, 2, "same")),
            Spec(f"{kind}pool_3x3_valid_s2", f"{OP} 3x3 VALID stride 2",
                 pool(kind, (9, 9, 2), 3, 2, "valid")),
        ]
    return specs


def mean_specs() -> list[Spec]:
    def mean(shape, axis, keepdims):
        return single(shape, lambda: [L.Lambda(lambda t: keras.ops.mean(t, axis=axis, keepdims=keepdims))])

    return [
        Spec("mean_gap", "MEAN over axes [1,2] from GlobalAveragePooling2D",
             single((5, 5, 8), lambda: [L.GlobalAveragePooling2D()])),
        Spec("mean_axes12_keep", "MEAN over axes [1,2] keepdims true",
             mean((4, 6, 3), (1, 2), True)),
        Spec("mean_last_keep", "MEAN over axis -1 keepdims true",
             mean((4, 4, 6), -1, True)),
        Spec("mean_last", "MEAN over axis -1 keepdims false",
             mean((4, 4, 6), -1, False)),
    ]


def misc_specs() -> list[Spec]:
    def concat(axis, shapes, ranges):
        def build():
            ins = _inputs(*shapes)
            return keras.Model(ins, L.Concatenate(axis=axis)(ins))

        return build

    return [
        Spec("reshape_flatten", "RESHAPE [1,4,4,8] -> [1,128]",
             single((4, 4, 8), lambda: [L.Flatten()])),
        Spec("reshape_3d", "RESHAPE [1,6,8] -> [1,4,12]",
             single((6, 8), lambda: [L.Reshape((4, 12))])),
        Spec("softmax_rank2", "SOFTMAX beta 1 on [1,10]",
             single((10,), lambda: [L.Softmax()]), (InputRange(scale=3.0),)),
        Spec("softmax_rank4", "SOFTMAX beta 1 on [1,2,3,10] over the last axis",
             single((2, 3, 10), lambda: [L.Softmax()]), (InputRange(scale=3.0),)),
        Spec("softmax_scaled_input", "MUL by a scalar constant, then SOFTMAX (the converter does not fold it into beta)",
             single((12,), lambda: [L.Lambda(lambda t: tf.nn.softmax(t * 0.5))]), (InputRange(scale=4.0),)),
        Spec("softmax_beta", "SOFTMAX with beta 0.5 on [1,12] (beta set in the flatbuffer after conversion)",
             single((12,), lambda: [L.Softmax()]), (InputRange(scale=4.0),), patch=set_softmax_beta(0.5)),
        Spec("logistic", "LOGISTIC on [1,32]",
             single((32,), lambda: [L.Activation("sigmoid")]), (InputRange(scale=3.0),)),
        Spec("logistic_4d", "LOGISTIC on [1,3,3,4]",
             single((3, 3, 4), lambda: [L.Activation("sigmoid")]), (InputRange(uniform=(-8.0, 8.0)),)),
        Spec("pad_symmetric", "PAD ZeroPadding2D 1 on each side",
             single((5, 5, 3), lambda: [L.ZeroPadding2D(1)])),
        Spec("pad_asymmetric", "PAD ZeroPadding2D ((1,2),(0,3)), inputs away from zero",
             single((4, 5, 3), lambda: [L.ZeroPadding2D(((1, 2), (0, 3)))]), (InputRange(uniform=(0.5, 3.0)),)),
        Spec("concat_channels", "CONCATENATION on the channel axis of two inputs",
             concat(-1, [(4, 4, 3), (4, 4, 5)], None), (InputRange(), InputRange())),
        Spec("concat_axis1", "CONCATENATION on axis 1 of three inputs",
             concat(1, [(2, 4, 3), (3, 4, 3), (1, 4, 3)], None), (InputRange(),) * 3),
    ]


SPECS: list[Spec] = [
    *conv_specs(),
    *dwconv_specs(),
    *dense_specs(),
    *binary_specs("add"),
    *binary_specs("mul"),
    *pool_specs(),
    *mean_specs(),
    *misc_specs(),
]

"""Fixtures for the memory passes (issue 4): residual ADDs fused into a
convolution, element-wise ops written in place, PAD folded into the next
convolution or pooling. Each pattern comes with the variants where the pass
must NOT fire (the skip is what the convolution reads, the convolution's
output has another reader, the operands broadcast, the PAD cannot be
expressed as the consumer's padding), since the committed TFLM outputs are
what proves a pass bit-exact, or proves that it stayed away.

The converter itself folds a ZeroPadding2D into the next VALID convolution
or depthwise convolution when the padding is exactly what SAME would add
(keras.applications' correct_pad before a stride-2 layer is), so the PAD
fixtures use amounts SAME cannot express: symmetric padding before a
stride-2 layer on an even map (as PyTorch exports have), less or more than
SAME, uneven sides, or a SAME layer after the PAD.
"""

from __future__ import annotations

import tensorflow as tf

from fixtures_convert import InputRange
from fixtures_specs import Spec, _inputs

keras = tf.keras
L = keras.layers


def _conv(channels, kernel=3, strides=1, relu=False, padding="same"):
    return L.Conv2D(channels, kernel, strides=strides, padding=padding, activation="relu" if relu else None)


def _model(shapes, body):
    """A model on inputs of `shapes`; `body` maps the input tensors to the output(s)."""

    def build():
        ins = _inputs(*shapes)
        outs = body(*ins)
        return keras.Model(ins if len(ins) > 1 else ins[0], outs)

    return build


def residual_specs() -> list[Spec]:
    def basic(x):  # stem, then a ResNet basic block with the conv output first in the ADD
        y = _conv(8, relu=True)(x)
        r = _conv(8)(_conv(8, relu=True)(y))
        return L.ReLU()(L.Add()([r, y]))

    def downsample(x):  # both ADD operands are convolution outputs
        y = _conv(8, relu=True)(x)
        r = _conv(16)(_conv(16, strides=2, relu=True)(y))
        s = _conv(16, kernel=1, strides=2)(y)
        return L.ReLU()(L.Add()([s, r]))

    def skip_is_conv_input(kernel):
        def body(x):  # z = y + conv(y): writing over y would corrupt the convolution's own input
            y = _conv(8, relu=True)(x)
            return L.Add()([y, _conv(8, kernel=kernel)(y)])

        return body

    def conv_output_shared(x):  # the ADD's conv operand is also read by another convolution
        y = _conv(8, relu=True)(x)
        c = _conv(8)(y)
        z = L.Add()([c, y])
        w = _conv(8, kernel=1)(c)
        return L.Add()([z, w])

    def skip_read_later(x):  # the skip is read again after the ADD
        y = _conv(8, relu=True)(x)
        z = L.Add()([_conv(8)(_conv(8, relu=True)(y)), y])
        return L.Concatenate()([z, y])

    def bcast_skip(x):  # conv output [1,8,8,8] + skip [1,1,1,8]
        y = _conv(8, relu=True)(x)
        g = L.GlobalAveragePooling2D(keepdims=True)(y)
        return L.Add()([_conv(8)(y), g])

    def bcast_conv(x):  # skip [1,8,8,8] + conv output [1,1,1,8]
        y = _conv(8, relu=True)(x)
        c = _conv(8, kernel=1)(L.GlobalAveragePooling2D(keepdims=True)(y))
        return L.Add()([y, c])

    def input_skip(x):  # the skip is the graph input itself
        r = _conv(8)(_conv(8, relu=True)(x))
        return L.ReLU()(L.Add()([x, r]))

    def two_inputs(a, b):  # conv(conv(a)) + b, b a second graph input
        r = _conv(8)(_conv(8, relu=True)(a))
        return L.ReLU()(L.Add()([r, b]))

    def chain(x):  # two basic blocks back to back, then the classifier
        y = _conv(8, relu=True)(x)
        for _ in range(2):
            r = _conv(8)(_conv(8, relu=True)(y))
            y = L.ReLU()(L.Add()([y, r]))
        y = L.GlobalAveragePooling2D()(y)
        return L.Dense(10)(y)

    shape = (8, 8, 8)
    return [
        Spec("res_basic", "residual ADD (RELU) of CONV_2D(CONV_2D(y)) and its skip y, conv output first: "
             "fusible into the second CONV_2D", _model([shape], basic)),
        Spec("res_downsample", "stride-2 residual block, 1x1 stride-2 shortcut CONV_2D: both ADD operands "
             "are CONV_2D outputs", _model([shape], downsample)),
        Spec("res_skip_is_conv_input", "y + CONV_2D 3x3(y): the skip is the convolution's input, "
             "so fusing must not write over it", _model([shape], skip_is_conv_input(3))),
        Spec("res_skip_is_conv_input_1x1", "y + CONV_2D 1x1(y): the skip is the pointwise convolution's "
             "input (every output channel reads every input channel at that pixel)",
             _model([shape], skip_is_conv_input(1))),
        Spec("res_conv_output_shared", "ADD whose CONV_2D operand is also read by a later CONV_2D: "
             "fusion must not fire", _model([shape], conv_output_shared)),
        Spec("res_skip_read_later", "residual ADD whose skip is read again afterwards (CONCATENATION): "
             "writing over the skip must wait or not happen", _model([shape], skip_read_later)),
        Spec("res_bcast_skip", "ADD of a CONV_2D output [1,8,8,8] and a broadcast MEAN [1,1,1,8]: "
             "must not fuse", _model([shape], bcast_skip)),
        Spec("res_bcast_conv", "ADD of a skip [1,8,8,8] and a broadcast CONV_2D output [1,1,1,8]: "
             "must not fuse", _model([shape], bcast_conv)),
        Spec("res_input_skip", "residual block on the graph input: the skip is the graph input",
             _model([shape], input_skip)),
        Spec("res_two_inputs", "CONV_2D(CONV_2D(a)) + b with RELU, a and b graph inputs",
             _model([shape, shape], two_inputs), (InputRange(), InputRange(scale=2.0))),
        Spec("res_chain2", "stem, two residual basic blocks back to back, MEAN, FULLY_CONNECTED",
             _model([(10, 10, 3)], chain), varied_rows=True),
    ]


def inplace_specs() -> list[Spec]:
    def add_mul(x):  # s = a + b (a dies, b lives on); p = s * b (both die); q = p + x (x, an input, dies)
        a = L.AveragePooling2D(3, strides=1, padding="same")(x)
        b = L.MaxPooling2D(3, strides=1, padding="same")(x)
        s = L.Add()([a, b])
        p = L.Multiply()([s, b])
        return L.Add()([p, x])

    def bcast_small_dies(x):  # x + MEAN(x): the small operand dies, the big one lives on
        g = L.GlobalAveragePooling2D(keepdims=True)(x)
        z = L.Add()([x, g])
        return L.Multiply()([z, x])

    def swish(x):  # c * sigmoid(c): LOGISTIC reads c, then MUL where both die
        c = _conv(8, kernel=1)(x)
        s = L.Activation("sigmoid")(c)
        return _conv(8, kernel=1)(L.Multiply()([c, s]))

    shape = (6, 6, 8)
    return [
        Spec("inplace_add_mul", "ADD/MUL chain: an operand that dies beside one that lives on, both dying, "
             "and a graph input dying last", _model([shape], add_mul)),
        Spec("inplace_bcast_small_dies", "ADD of x [1,6,6,8] and MEAN(x) [1,1,1,8] where only the small "
             "operand dies, then MUL by x", _model([shape], bcast_small_dies)),
        Spec("inplace_swish", "CONV_2D, LOGISTIC of it, MUL of the two (swish), CONV_2D",
             _model([shape], swish), (InputRange(scale=2.0),)),
    ]


def pad_specs() -> list[Spec]:
    def pad_then(shape, pad, layer):
        return _model([shape], lambda x: layer()(L.ZeroPadding2D(pad)(x)))

    def pad_channels(x):  # PAD on the channel axis: no convolution padding expresses it
        p = L.Lambda(lambda t: tf.pad(t, [[0, 0], [0, 0], [0, 0], [1, 2]]))(x)
        return _conv(6, padding="valid")(p)

    def pad_two_readers(x):  # one PAD read by a 3x3 VALID and a 1x1 convolution
        p = L.ZeroPadding2D(1)(x)
        return [_conv(4, padding="valid")(p), _conv(4, kernel=1)(p)]

    def pad_add(a, b):  # PAD into an ADD: nothing to fold into
        return L.Add()([L.ZeroPadding2D(1)(a), b])

    negative = InputRange(uniform=(-3.0, -0.25))
    return [
        Spec("padfold_conv_s2_sym", "PAD 1 then CONV_2D 3x3 VALID stride 2 on an even input (PyTorch-style "
             "symmetric padding; SAME would pad (0,1), so the converter keeps the PAD), RELU",
             pad_then((8, 8, 3), 1, lambda: _conv(6, strides=2, relu=True, padding="valid"))),
        Spec("padfold_conv_5x5", "PAD 1 then CONV_2D 5x5 VALID: less padding than SAME's 2",
             pad_then((7, 7, 4), 1, lambda: _conv(6, kernel=5, padding="valid"))),
        Spec("padfold_conv_same", "PAD 1 then CONV_2D 3x3 SAME: explicit and implicit padding add up",
             pad_then((6, 6, 3), 1, lambda: _conv(5))),
        Spec("padfold_conv_wide", "PAD 3 then CONV_2D 3x3 VALID: corner windows lie wholly in the padding",
             pad_then((5, 5, 2), 3, lambda: _conv(4, padding="valid"))),
        Spec("padfold_dw_s2_sym", "PAD 1 then DEPTHWISE_CONV_2D 3x3 VALID stride 2 on an even input, RELU6 "
             "(SAME would pad (0,1))",
             pad_then((8, 8, 6), 1, lambda: L.DepthwiseConv2D(3, strides=2, padding="valid", activation="relu6"))),
        Spec("padfold_dw_asym", "PAD ((2,0),(1,3)) then DEPTHWISE_CONV_2D 3x3 VALID multiplier 2",
             pad_then((6, 5, 4), ((2, 0), (1, 3)), lambda: L.DepthwiseConv2D(3, depth_multiplier=2))),
        Spec("padfold_avgpool", "PAD 1 then AVERAGE_POOL_2D 3x3 VALID stride 2: the padding counts in the "
             "divisor, unlike the pool's own SAME padding",
             pad_then((7, 7, 3), 1, lambda: L.AveragePooling2D(3, strides=2))),
        Spec("padfold_maxpool", "PAD 1 then MAX_POOL_2D 3x3 VALID stride 2",
             pad_then((7, 7, 3), 1, lambda: L.MaxPooling2D(3, strides=2))),
        Spec("padfold_maxpool_negative", "PAD 1 then MAX_POOL_2D 3x3 VALID stride 1 on negative inputs: "
             "the padded zeros win every border window, unlike the pool's own SAME padding",
             pad_then((6, 6, 3), 1, lambda: L.MaxPooling2D(3, strides=1)), (negative,)),
        Spec("pad_channels", "PAD on the channel axis [1,2] then CONV_2D 3x3 VALID: not a spatial padding",
             _model([(6, 6, 3)], pad_channels)),
        Spec("pad_two_readers", "one PAD read by a CONV_2D 3x3 VALID and a CONV_2D 1x1 (two outputs)",
             _model([(6, 6, 3)], pad_two_readers)),
        Spec("pad_add", "PAD 1 of one input, ADD to a second input: no consumer to fold into",
             _model([(4, 4, 3), (6, 6, 3)], pad_add), (InputRange(), InputRange())),
    ]


MEMORY_SPECS: list[Spec] = [*residual_specs(), *inplace_specs(), *pad_specs()]

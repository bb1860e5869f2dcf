"""Golden cases for the element-wise operators of issue 6: RSQRT,
HARD_SWISH, GELU (erf and tanh forms), SQUARED_DIFFERENCE, SUB and NEG.
Unary int8 cases feed every int8 value under several input/output
quantizations (odd scales, extreme zero points, saturating ranges); binary
int8 cases feed random values, including broadcasts and a constant operand.
RSQRT, HARD_SWISH, SQUARED_DIFFERENCE, SUB and NEG run through TFLM; GELU,
which TFLM lacks, through LiteRT's reference kernels (as tools/oracle.py
selects them). Checked into TransformerElementwiseTests.swift.

    .venv/bin/python tools/golden/transformer_elementwise.py
"""
import numpy as np

from elementwise_common import ACTIVATIONS, Case, Operand, fb, int8_sweep, write_golden

rng = np.random.default_rng(20261128)


class LiteRTCase(Case):
    """A case whose peer is LiteRT's reference kernels (GELU: not in TFLM)."""

    def run_tflm(self) -> np.ndarray:  # write_golden calls this name
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        interpreter = Interpreter(model_content=self.model(),
                                  experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        interpreter.allocate_tensors()
        for detail, x in zip(interpreter.get_input_details(), self.feeds):
            interpreter.set_tensor(detail["index"], x)
        interpreter.invoke()
        return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def q8(shape, scale, zero_point, data=None):
    return Operand("int8", shape, scale, zero_point, data)


def f32(shape, data=None):
    return Operand("float32", shape, data=data)


def unary(name, kind, code, qi=None, qo=None, x=None, options=".none", fb_options=(0, None), cls=Case):
    shape = [256]
    inp, out = (f32(shape), f32(shape)) if qi is None else (q8(shape, *qi), q8(shape, *qo))
    c = cls(name, kind, code, [inp], out, options, fb_options)
    c.feeds = [int8_sweep(shape) if x is None else x]
    return c


def gelu(name, approximate, qi=None, qo=None, x=None):
    opt = fb.GeluOptionsT()
    opt.approximate = approximate
    options = f".gelu(approximate: {'true' if approximate else 'false'})"
    return unary(name, "gelu", fb.BuiltinOperator.GELU, qi, qo, x, options,
                 (fb.BuiltinOptions.GeluOptions, opt), LiteRTCase)


def binary(name, kind, a, b, out, activation="none"):
    if kind == "sub":
        opt = fb.SubOptionsT()
        opt.fusedActivationFunction = ACTIVATIONS[activation]
        code, fb_options, options = (fb.BuiltinOperator.SUB, (fb.BuiltinOptions.SubOptions, opt),
                                     f".activation(.{activation})")
    else:
        code, fb_options, options = fb.BuiltinOperator.SQUARED_DIFFERENCE, (0, None), ".none"
    c = Case(name, kind, code, [a, b], out, options, fb_options)
    c.feeds = [rng.integers(-128, 128, size=t.shape).astype(np.int8) if t.type == "int8"
               else rng.normal(0, 2.5, size=t.shape).astype(np.float32)
               for t in c.inputs if t.data is None]
    return c


RSQRT, HSWISH = fb.BuiltinOperator.RSQRT, fb.BuiltinOperator.HARD_SWISH
positive = np.linspace(0.01, 50, 256).astype(np.float32)
around = np.linspace(-8, 8, 256).astype(np.float32)
cases = [
    # RSQRT: inputs below the zero point make TFLM fail, so the sweeps use
    # zero point -128 (every input valid; -128 itself is v = 0 -> 127).
    unary("rsqrt int8 LayerNorm variance scale", "rsqrt", RSQRT, (0.0021, -128), (0.11, -128)),
    unary("rsqrt int8 coarse input, fine output", "rsqrt", RSQRT, (0.3, -128), (0.004, -100)),
    unary("rsqrt int8 tiny input scale (saturates)", "rsqrt", RSQRT, (1e-5, -128), (0.9, 0)),
    unary("rsqrt int8 input scale 1, v up to 255", "rsqrt", RSQRT, (1.0, -128), (0.0039, -128)),
    unary("rsqrt float32", "rsqrt", RSQRT, x=positive),
    unary("hard_swish int8 symmetric", "hardSwish", HSWISH, (0.05, 0), (0.03, -10)),
    unary("hard_swish int8 MobileNetV3-like", "hardSwish", HSWISH, (0.1, 20), (0.07, -100)),
    unary("hard_swish int8 wide input (reluish left shift)", "hardSwish", HSWISH, (0.6, -5), (0.9, -128)),
    unary("hard_swish int8 narrow input (reluish right shift)", "hardSwish", HSWISH, (0.001, 3), (0.0008, 7)),
    unary("hard_swish int8 zero point 127", "hardSwish", HSWISH, (0.04, 127), (0.02, 100)),
    unary("hard_swish float32", "hardSwish", HSWISH, x=around),
    gelu("gelu int8 erf", False, (0.05, -3), (0.03, -110)),
    gelu("gelu int8 erf, wide", False, (0.2, 60), (0.15, -90)),
    gelu("gelu int8 erf, fine", False, (0.004, -128), (0.0035, -128)),
    # The negative tail resolved: 1 + erf(x) cancels where erfc(-x) does not.
    gelu("gelu int8 erf, tail resolved (erfc form)", False, (0.045, 127), (3e-7, 100)),
    gelu("gelu int8 erf, tail resolved 2", False, (0.03, 90), (1e-6, 127)),
    gelu("gelu int8 tanh", True, (0.05, -3), (0.03, -110)),
    gelu("gelu int8 tanh, wide", True, (0.2, 60), (0.15, -90)),
    gelu("gelu int8 tanh, output saturates", True, (0.1, 0), (0.01, 0)),
    gelu("gelu float32 erf", False, x=around),
    gelu("gelu float32 tanh", True, x=around),
    binary("squared_difference int8 same shape", "squaredDifference",
           q8([2, 3, 16], 0.05, -3), q8([2, 3, 16], 0.08, 10), q8([2, 3, 16], 0.3, -128)),
    binary("squared_difference int8 LayerNorm (x - mean)", "squaredDifference",
           q8([1, 17, 64], 0.1, 5), q8([1, 17, 1], 0.02, -7), q8([1, 17, 64], 0.04, -128)),
    binary("squared_difference int8 scales 30x apart, output multiplier above one", "squaredDifference",
           q8([4, 8], 0.3, 0), q8([8], 0.01, -100), q8([4, 8], 0.02, -128)),
    binary("squared_difference float32 broadcast", "squaredDifference", f32([2, 1, 8]), f32([3, 1]), f32([2, 3, 8])),
    binary("sub int8 same shape", "sub", q8([2, 3, 16], 0.05, -3), q8([2, 3, 16], 0.08, 10), q8([2, 3, 16], 0.1, -20)),
    binary("sub int8 token broadcast, relu", "sub",
           q8([1, 17, 64], 0.1, 5), q8([1, 17, 1], 0.02, -7), q8([1, 17, 64], 0.12, 0), "relu"),
    binary("sub int8 constant minuend, relu6", "sub",
           q8([1], 0.01, 0, [100]), q8([3, 5], 0.03, 4), q8([3, 5], 0.02, -128), "relu6"),
    binary("sub int8 both broadcast, reluN1To1", "sub",
           q8([2, 1, 3], 0.5, 0), q8([1, 4, 1], 0.02, -100), q8([2, 4, 3], 0.009, 3), "reluN1To1"),
    binary("sub float32 broadcast, relu6", "sub", f32([2, 1, 3]), f32([1, 4, 1]), f32([2, 4, 3]), "relu6"),
    unary("neg float32", "neg", fb.BuiltinOperator.NEG, x=around),
]

write_golden("TransformerElementwiseTests.swift", "transformer_elementwise.py", "transformerElementwiseGolden", cases)

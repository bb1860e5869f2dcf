"""Golden cases for ADD and MUL (int8 and float32, fused activations,
broadcasting, a constant operand), checked into ElementwiseTests.swift.

    .venv/bin/python tools/golden/elementwise.py
"""
import numpy as np

from elementwise_common import ACTIVATIONS, Case, Operand, fb, write_golden

rng = np.random.default_rng(20260601)


def feed(t: Operand) -> np.ndarray:
    if t.type == "int8":
        return rng.integers(-128, 128, size=t.shape).astype(np.int8)
    return rng.normal(0, 2.5, size=t.shape).astype(np.float32)


def binary(name, kind, a: Operand, b: Operand, out: Operand, activation="none") -> Case:
    if kind == "add":
        opt = fb.AddOptionsT()
        code, opt_type = fb.BuiltinOperator.ADD, fb.BuiltinOptions.AddOptions
    else:
        opt = fb.MulOptionsT()
        code, opt_type = fb.BuiltinOperator.MUL, fb.BuiltinOptions.MulOptions
    opt.fusedActivationFunction = ACTIVATIONS[activation]
    c = Case(name, kind, code, [a, b], out, f".activation(.{activation})", (opt_type, opt))
    c.feeds = [feed(t) for t in c.inputs if t.data is None]
    return c


def q8(shape, scale, zero_point, data=None):
    return Operand("int8", shape, scale, zero_point, data)


def f32(shape, data=None):
    return Operand("float32", shape, data=data)


cases = [
    binary("add int8 same shape, relu", "add",
           q8([2, 3, 4], 0.05, -3), q8([2, 3, 4], 0.08, 10), q8([2, 3, 4], 0.1, -20), "relu"),
    binary("add int8 channel broadcast, relu6", "add",
           q8([1, 2, 3, 4], 0.04, 5), q8([4], 0.02, -7), q8([1, 2, 3, 4], 0.05, -128), "relu6"),
    binary("add int8 both broadcast, scales 25x apart", "add",
           q8([2, 1, 3], 0.5, 0), q8([1, 4, 1], 0.02, -100), q8([2, 4, 3], 0.6, 3)),
    binary("add int8 constant scalar, reluN1To1", "add",
           q8([3, 4], 0.01, 2), q8([1], 0.004, 0, [-77]), q8([3, 4], 0.009, 1), "reluN1To1"),
    binary("add int8 six-axis broadcast", "add",
           q8([2, 1, 3, 1, 2, 3], 0.03, 1), q8([1, 2, 1, 2, 2, 1], 0.07, -2), q8([2, 2, 3, 2, 2, 3], 0.09, 4)),
    binary("mul int8 same shape, relu", "mul",
           q8([2, 3, 4], 0.05, -3), q8([2, 3, 4], 0.08, 10), q8([2, 3, 4], 0.2, -20), "relu"),
    binary("mul int8 both broadcast, multiplier above one", "mul",
           q8([2, 1, 3], 0.5, 0), q8([1, 4, 1], 0.4, -100), q8([2, 4, 3], 0.1, 3)),
    binary("mul int8 constant, relu6", "mul",
           q8([1, 2, 2, 3], 0.03, 7), q8([3], 0.01, 0, [100, -50, 127]), q8([1, 2, 2, 3], 0.02, -128), "relu6"),
    binary("add float32 broadcast, relu6", "add", f32([2, 1, 3]), f32([1, 4, 1]), f32([2, 4, 3]), "relu6"),
    binary("mul float32 broadcast, reluN1To1", "mul", f32([2, 3, 4]), f32([4]), f32([2, 3, 4]), "reluN1To1"),
]

write_golden("ElementwiseTests.swift", "elementwise.py", "elementwiseGolden", cases)

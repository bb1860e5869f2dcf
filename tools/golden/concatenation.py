"""Golden cases for CONCATENATION (int8 and float32, first, middle, last and
negative axes, three and four inputs), checked into ConcatenationTests.swift.

    .venv/bin/python tools/golden/concatenation.py
"""
import numpy as np

from elementwise_common import Case, Operand, fb, write_golden

rng = np.random.default_rng(20260604)


def concat(name, shapes, axis, out_shape, type="int8") -> Case:
    q = (0.1, 3) if type == "int8" else (None, 0)
    inputs = [Operand(type, s, *q) for s in shapes]
    opt = fb.ConcatenationOptionsT()
    opt.axis = axis
    c = Case(name, "concatenation", fb.BuiltinOperator.CONCATENATION, inputs, Operand(type, out_shape, *q),
             f".concatenation(axis: {axis}, activation: .none)", (fb.BuiltinOptions.ConcatenationOptions, opt))
    c.feeds = [rng.integers(-128, 128, size=s).astype(np.int8) if type == "int8" else
               rng.normal(0, 3, size=s).astype(np.float32) for s in shapes]
    return c


cases = [
    concat("concatenation int8 middle axis", [[2, 3, 2], [2, 1, 2]], 1, [2, 4, 2]),
    concat("concatenation int8 last axis (negative), three inputs", [[2, 2, 1], [2, 2, 3], [2, 2, 2]], -1, [2, 2, 6]),
    concat("concatenation int8 first axis", [[1, 2, 3], [2, 2, 3]], 0, [3, 2, 3]),
    concat("concatenation float32 channels, four inputs", [[1, 2, 2, 1], [1, 2, 2, 2], [1, 2, 2, 1], [1, 2, 2, 3]],
           3, [1, 2, 2, 7], "float32"),
]

write_golden("ConcatenationTests.swift", "concatenation.py", "concatenationGolden", cases)

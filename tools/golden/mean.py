"""Golden cases for MEAN (int8 and float32; kept and dropped axes, negative
and duplicate axes, same and different quantization, a 300-element
reduction), checked into MeanTests.swift.

    .venv/bin/python tools/golden/mean.py
"""
import numpy as np

from elementwise_common import Case, Operand, fb, write_golden

rng = np.random.default_rng(20260602)


def mean(name, shape, axes, keep, qi=None, qo=None, type="int8") -> Case:
    rank = len(shape)
    reduced = {a % rank for a in axes}
    out_shape = [1 if i in reduced else d for i, d in enumerate(shape)] if keep else \
        [d for i, d in enumerate(shape) if i not in reduced]
    x = Operand(type, shape, *(qi or (None, 0)))
    axis = Operand("int32", [len(axes)], data=list(axes))
    y = Operand(type, out_shape, *(qo or (None, 0)))
    opt = fb.ReducerOptionsT()
    opt.keepDims = keep
    c = Case(name, "mean", fb.BuiltinOperator.MEAN, [x, axis], y,
             f".reducer(keepDims: {'true' if keep else 'false'})", (fb.BuiltinOptions.ReducerOptions, opt))
    if type == "int8":
        c.feeds = [rng.integers(-128, 128, size=shape).astype(np.int8)]
    else:
        c.feeds = [rng.normal(0, 3, size=shape).astype(np.float32)]
    return c


cases = [
    mean("mean int8 H and W, keep dims", [1, 4, 5, 3], [1, 2], True, (0.05, -3), (0.02, 7)),
    mean("mean int8 same quantization", [2, 3, 6], [2], False, (0.1, 12), (0.1, 12)),
    mean("mean int8 negative and duplicate axes", [2, 3, 4, 2], [-1, 0, 3], False, (0.03, -128), (0.04, 5)),
    mean("mean int8 output scale much smaller", [1, 3, 7], [1], True, (0.9, 0), (0.001, 20)),
    mean("mean int8 large reduction", [1, 300, 3], [1], False, (0.001, -10), (0.5, 7)),
    mean("mean float32 H and W, keep dims", [2, 3, 4, 5], [1, 2], True, type="float32"),
    mean("mean float32 first and last axes", [3, 4, 5], [0, -1], False, type="float32"),
]

write_golden("MeanTests.swift", "mean.py", "meanGolden", cases)

"""Golden cases for SOFTMAX (int8 → int8 with several input scales and betas,
rows where differences fall below diff_min; float32), checked into
SoftmaxTests.swift.

    .venv/bin/python tools/golden/softmax.py
"""
import numpy as np

from elementwise_common import Case, Operand, fb, int8_sweep, write_golden

rng = np.random.default_rng(20260603)


def softmax(name, shape, beta, qi=None, x=None) -> Case:
    if qi is None:
        inp, out = Operand("float32", shape), Operand("float32", shape)
    else:
        inp, out = Operand("int8", shape, *qi), Operand("int8", shape, 1.0 / 256, -128)
    opt = fb.SoftmaxOptionsT()
    opt.beta = beta
    c = Case(name, "softmax", fb.BuiltinOperator.SOFTMAX, [inp], out,
             f".softmax(beta: {beta})", (fb.BuiltinOptions.SoftmaxOptions, opt))
    if x is None:
        x = rng.integers(-128, 128, size=shape).astype(np.int8) if qi else \
            rng.normal(0, 3, size=shape).astype(np.float32)
    c.feeds = [x]
    return c


cases = [
    softmax("softmax int8 scale 0.1", [3, 10], 1.0, (0.1, 5)),
    softmax("softmax int8 small scale, beta 2.7", [2, 3, 16], 2.7, (0.0039, -20)),
    softmax("softmax int8 large scale (diff_min cuts)", [4, 8], 1.0, (0.6, 127)),
    softmax("softmax int8 every input value", [2, 256], 0.5, (0.05, 0), int8_sweep([2, 256])),
    softmax("softmax float32 beta 0.7", [3, 9], 0.7),
]

write_golden("SoftmaxTests.swift", "softmax.py", "softmaxGolden", cases)

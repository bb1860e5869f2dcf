"""Golden cases for LOGISTIC: every int8 input value under several input
quantizations (including ones whose radius saturates most inputs, and an
output scale TFLM ignores), and float32 across both cutoffs. Checked into
LogisticTests.swift.

    .venv/bin/python tools/golden/logistic.py
"""
import numpy as np

from elementwise_common import Case, Operand, fb, int8_sweep, write_golden


def logistic(name, qi=None, qo=(1.0 / 256, -128), x=None) -> Case:
    shape = [256]
    if qi is None:
        inp, out = Operand("float32", shape), Operand("float32", shape)
    else:
        inp, out = Operand("int8", shape, *qi), Operand("int8", shape, *qo)
    c = Case(name, "logistic", fb.BuiltinOperator.LOGISTIC, [inp], out)
    c.feeds = [int8_sweep(shape) if x is None else x]
    return c


cases = [
    logistic("logistic int8 scale 0.1", (0.1, 5)),
    logistic("logistic int8 scale 1/32", (0.03125, 0)),
    logistic("logistic int8 scale 0.004", (0.004, -20)),
    logistic("logistic int8 scale 0.6 (radius saturates)", (0.6, 127)),
    logistic("logistic int8 output scale 0.01, as TFLM ignores it", (0.05, 0), (0.01, -128)),
    logistic("logistic float32", x=np.linspace(-20, 20, 256).astype(np.float32)),
]

write_golden("LogisticTests.swift", "logistic.py", "logisticGolden", cases)

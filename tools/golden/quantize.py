"""Golden cases for QUANTIZE (float32 → int8 with exact ties, values far out
of range, infinities and NaN; int8 → int8 requantization) and DEQUANTIZE
(every int8 value), checked into QuantizeTests.swift.

    .venv/bin/python tools/golden/quantize.py
"""
import numpy as np

from elementwise_common import Case, Operand, fb, int8_sweep, write_golden

rng = np.random.default_rng(20260605)


def quantize(name, scale, zero_point) -> Case:
    c = Case(name, "quantize", fb.BuiltinOperator.QUANTIZE, [Operand("float32", [64])],
             Operand("int8", [64], scale, zero_point))
    x = rng.normal(0, 60 * scale, size=64)
    x[:16] = (np.arange(-8, 8) + 0.5) * scale          # ties: round half away from zero
    x[16:24] = [1e12, -1e12, np.inf, -np.inf, np.nan, 0.0, -0.0, 3e9 * scale]
    c.feeds = [x.astype(np.float32)]
    return c


def requantize(name, qi, qo) -> Case:
    c = Case(name, "quantize", fb.BuiltinOperator.QUANTIZE, [Operand("int8", [256], *qi)],
             Operand("int8", [256], *qo))
    c.feeds = [int8_sweep([256])]
    return c


def dequantize(name, qi) -> Case:
    c = Case(name, "dequantize", fb.BuiltinOperator.DEQUANTIZE, [Operand("int8", [256], *qi)],
             Operand("float32", [256]))
    c.feeds = [int8_sweep([256])]
    return c


cases = [
    quantize("quantize float32 to int8, scale 0.5, zero point 3", 0.5, 3),
    quantize("quantize float32 to int8, scale 0.02, zero point -128", 0.02, -128),
    quantize("quantize float32 to int8, negative zero point wraps", 0.5, -5),
    requantize("requantize int8, scale halves", (0.1, 3), (0.05, -7)),
    requantize("requantize int8, scale grows 300x", (0.001, 0), (0.3, -128)),
    requantize("requantize int8, zero point only", (0.02, 0), (0.02, 10)),
    dequantize("dequantize int8, scale 0.1", (0.1, 3)),
    dequantize("dequantize int8, scale 3.7", (3.7, 127)),
]

write_golden("QuantizeTests.swift", "quantize.py", "quantizeGolden", cases)

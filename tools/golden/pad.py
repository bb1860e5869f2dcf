#!/usr/bin/env python3
"""Golden PAD cases for Tests/EdgeReferenceTests/PadTests.swift."""

import golden_common as g

L = g.tf.keras.layers


def padded(paddings):
    return lambda x: L.Lambda(lambda t: g.tf.pad(t, paddings))(x)


SPECS = [
    # Calibrated on [0, 3]: the zero point (the pad value) is -128.
    ("int8_rank4_zero_point", lambda x: L.ZeroPadding2D(((1, 2), (0, 3)))(x), (1, 3, 2, 2), True),
    ("int8_rank3_all_axes", padded([[1, 0], [2, 1], [0, 2]]), (1, 3, 2), True),
    ("float_rank4", padded([[0, 0], [2, 1], [1, 1], [0, 1]]), (1, 2, 3, 2), False),
    ("float_rank2", padded([[0, 0], [3, 2]]), (2, 4), False),
]


def main() -> None:
    cases = []
    for seed, (name, layer, shape, quantize) in enumerate(SPECS, start=41):
        data_range = (0.0, 3.0) if name == "int8_rank4_zero_point" else (-1.5, 1.5)
        model = g.convert(layer, shape, quantize=quantize, seed=seed, data_range=data_range)
        x = g.seeded_input(model, seed)
        cases.append(g.swift_case(name, model, x, {"tflm": g.run_tflm(model, x)}))
    g.write_golden("PadTests.swift", "padGolden", cases, "pad.py")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Golden AVERAGE_POOL_2D and MAX_POOL_2D cases for Tests/EdgeReferenceTests/Pool2DTests.swift."""

import golden_common as g

L = g.tf.keras.layers
SPECS = [
    ("avg_int8_same_stride2_3x3", lambda x: L.AveragePooling2D(3, strides=2, padding="same")(x), (1, 7, 6, 3), True),
    ("avg_int8_valid_2x2", lambda x: L.AveragePooling2D(2)(x), (1, 6, 6, 2), True),
    ("avg_int8_same_stride1_2x3", lambda x: L.AveragePooling2D((2, 3), strides=1, padding="same")(x), (1, 4, 5, 2), True),
    ("max_int8_same_stride2_3x3", lambda x: L.MaxPooling2D(3, strides=2, padding="same")(x), (1, 7, 6, 3), True),
    ("max_int8_valid_2x2", lambda x: L.MaxPooling2D(2)(x), (1, 6, 6, 2), True),
    ("avg_float_same_stride2_3x3", lambda x: L.AveragePooling2D(3, strides=2, padding="same")(x), (1, 7, 6, 3), False),
    ("max_float_same_stride1_3x2", lambda x: L.MaxPooling2D((3, 2), strides=1, padding="same")(x), (1, 5, 4, 2), False),
]


def main() -> None:
    cases = []
    for seed, (name, layer, shape, quantize) in enumerate(SPECS, start=31):
        model = g.convert(layer, shape, quantize=quantize, seed=seed)
        x = g.seeded_input(model, seed)
        cases.append(g.swift_case(name, model, x, {"tflm": g.run_tflm(model, x)}))
    g.write_golden("Pool2DTests.swift", "pool2DGolden", cases, "pool2d.py")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Golden CONV_2D cases for Tests/EdgeReferenceTests/Conv2DTests.swift (see golden_common)."""

import golden_common as g

L = g.tf.keras.layers
BIAS = dict(bias_initializer="random_normal")
SPECS = [
    # name, layer, input shape, quantize, per-tensor weights
    ("int8_per_channel_same_relu", lambda x: L.Conv2D(3, 3, padding="same", activation="relu", **BIAS)(x), (1, 5, 5, 2), True, False),
    ("int8_per_tensor_valid_stride2_zero_bias", lambda x: L.Conv2D(2, (3, 2), strides=2, dilation_rate=1, padding="valid", use_bias=False)(x), (1, 7, 6, 3), True, True),
    ("int8_per_channel_same_dilation2_relu6", lambda x: L.ReLU(6.0)(L.Conv2D(2, 3, dilation_rate=2, padding="same", **BIAS)(x)), (1, 6, 5, 2), True, False),
    ("int8_per_channel_same_stride2_odd", lambda x: L.Conv2D(3, (3, 4), strides=(2, 3), padding="same", **BIAS)(x), (1, 6, 7, 2), True, False),
    ("float_same_stride2_relu6", lambda x: L.ReLU(6.0)(L.Conv2D(3, 3, strides=2, padding="same", **BIAS)(x)), (1, 6, 5, 2), False, False),
    ("float_valid_dilation2", lambda x: L.Conv2D(2, 2, dilation_rate=2, padding="valid", **BIAS)(x), (1, 5, 5, 2), False, False),
    # Grouped: the filter's input depth (2) is a quarter of the input's (8).
    ("int8_grouped_same", lambda x: L.Conv2D(4, 3, groups=4, padding="same", **BIAS)(x), (1, 3, 3, 8), True, False),
    ("float_grouped_valid", lambda x: L.Conv2D(4, 2, groups=2, padding="valid", **BIAS)(x), (1, 3, 4, 4), False, False),
]


# Hybrid (float activations, int8 weights): TFLM cannot run these, so the
# expected output is LiteRT's reference kernel's. Per-channel scales that
# differ take LiteRT's asymmetric path; per-tensor its symmetric one.
HYBRID_SPECS = [
    ("hybrid_per_channel_same_relu", lambda x: L.Conv2D(16, 3, padding="same", activation="relu", **BIAS)(x), (1, 4, 3, 8), False),
    ("hybrid_per_tensor_valid", lambda x: L.Conv2D(16, 3, padding="valid", **BIAS)(x), (1, 5, 4, 8), True),
]


def main() -> None:
    cases = []
    for seed, (name, layer, shape, quantize, per_tensor) in enumerate(SPECS, start=1):
        model = g.convert(layer, shape, quantize=quantize, per_tensor=per_tensor, seed=seed)
        x = g.seeded_input(model, seed)
        cases.append(g.swift_case(name, model, x, {"tflm": g.run_tflm(model, x)}))
    for seed, (name, layer, shape, per_tensor) in enumerate(HYBRID_SPECS, start=51):
        model = g.convert(layer, shape, quantize=False, dynamic=True, per_tensor=per_tensor, seed=seed)
        x = g.seeded_input(model, seed)
        cases.append(g.swift_case(name, model, x, {"litert_ref": g.run_litert_reference(model, x)}))
    g.write_golden("Conv2DTests.swift", "conv2DGolden", cases, "conv2d.py")


if __name__ == "__main__":
    main()

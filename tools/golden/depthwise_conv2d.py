#!/usr/bin/env python3
"""Golden DEPTHWISE_CONV_2D cases for Tests/EdgeReferenceTests/DepthwiseConv2DTests.swift."""

import golden_common as g

L = g.tf.keras.layers
BIAS = dict(bias_initializer="random_normal")
SPECS = [
    ("int8_per_channel_same_multiplier2", lambda x: L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", **BIAS)(x), (1, 5, 4, 3), True, False),
    ("int8_per_tensor_valid_stride2_relu6", lambda x: L.ReLU(6.0)(L.DepthwiseConv2D(3, strides=2, padding="valid", **BIAS)(x)), (1, 7, 7, 2), True, True),
    ("int8_per_channel_same_dilation2_relu", lambda x: L.DepthwiseConv2D((3, 2), dilation_rate=2, padding="same", activation="relu", **BIAS)(x), (1, 6, 6, 3), True, False),
    ("float_same_stride2_multiplier3", lambda x: L.DepthwiseConv2D(3, strides=2, depth_multiplier=3, padding="same", **BIAS)(x), (1, 5, 6, 2), False, False),
    ("float_valid_dilation2_relu", lambda x: L.DepthwiseConv2D(2, dilation_rate=2, padding="valid", activation="relu", **BIAS)(x), (1, 6, 5, 3), False, False),
]


def main() -> None:
    cases = []
    for seed, (name, layer, shape, quantize, per_tensor) in enumerate(SPECS, start=11):
        model = g.convert(layer, shape, quantize=quantize, per_tensor=per_tensor, seed=seed)
        x = g.seeded_input(model, seed)
        cases.append(g.swift_case(name, model, x, {"tflm": g.run_tflm(model, x)}))
    g.write_golden("DepthwiseConv2DTests.swift", "depthwiseConv2DGolden", cases, "depthwise_conv2d.py")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Golden FULLY_CONNECTED cases for Tests/EdgeReferenceTests/FullyConnectedTests.swift.

int8 cases carry two expected outputs: TFLM's (double rounding, the default)
and LiteRT's reference kernel's (one rounding in double precision, what
`--rounding litert` reproduces). Each int8 case's input is chosen, among
seeded candidates, so that the two peers differ on at least one element.
"""

import numpy as np

import golden_common as g

L = g.tf.keras.layers
BIAS = dict(bias_initializer="random_normal")
SPECS = [
    ("int8_per_channel_batches", lambda x: L.Dense(5, **BIAS)(x), (8, 24), True, False),
    ("int8_per_tensor_relu", lambda x: L.Dense(6, activation="relu", **BIAS)(x), (8, 20), True, True),
    ("float_relu", lambda x: L.Dense(4, activation="relu", **BIAS)(x), (3, 10), False, False),
    ("float_no_bias", lambda x: L.Dense(3, use_bias=False)(x), (2, 7), False, False),
]


def main() -> None:
    cases = []
    for seed, (name, layer, shape, quantize, per_tensor) in enumerate(SPECS, start=21):
        model = g.convert(layer, shape, quantize=quantize, per_tensor=per_tensor, seed=seed)
        if not quantize:
            x = g.seeded_input(model, seed)
            cases.append(g.swift_case(name, model, x, {"tflm": g.run_tflm(model, x)}))
            continue
        for attempt in range(1000):
            x = g.seeded_input(model, seed * 1000 + attempt)
            tflm, litert = g.run_tflm(model, x), g.run_litert_reference(model, x)
            if np.any(tflm != litert):
                break
        else:
            raise SystemExit(f"{name}: TFLM and LiteRT agreed on 1000 inputs")
        cases.append(g.swift_case(name, model, x, {"tflm": tflm, "litert_ref": litert}))
    g.write_golden("FullyConnectedTests.swift", "fullyConnectedGolden", cases, "fully_connected.py")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes Tests/Fixtures/ptq_float16_cnn: a small Keras CNN converted with
float16 weights (each weight a float16 constant behind DEQUANTIZE, what
`Optimize.DEFAULT` + `supported_types=[tf.float16]` makes), 10 inputs in
[0, 1) and LiteRT's float outputs for them. The quantize-int8 tests
calibrate on the inputs and compare the int8 outputs with these.

Run from the repository root: .venv/bin/python tools/make_float16_fixture.py
"""
import os

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

OUT = "Tests/Fixtures/ptq_float16_cnn"


def main():
    tf.random.set_seed(0)
    model = tf.keras.Sequential([
        tf.keras.Input((16, 16, 3), batch_size=1),
        tf.keras.layers.Conv2D(8, 3, activation="relu"),
        tf.keras.layers.DepthwiseConv2D(3, padding="same"),
        tf.keras.layers.GlobalAveragePooling2D(),
        tf.keras.layers.Dense(4),
        tf.keras.layers.Softmax(),
    ])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "model.tflite")
    with open(path, "wb") as f:
        f.write(converter.convert())
    x = np.random.default_rng(1).uniform(0, 1, (10, 1, 16, 16, 3)).astype(np.float32)
    interpreter = Interpreter(model_path=path)
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0]["index"], interpreter.get_output_details()[0]["index"]
    ys = []
    for sample in x:
        interpreter.set_tensor(inp, sample)
        interpreter.invoke()
        ys.append(interpreter.get_tensor(out).copy())
    np.save(os.path.join(OUT, "x.npy"), x)
    np.save(os.path.join(OUT, "y_litert.npy"), np.stack(ys))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Train the two small float models of issue 5's accuracy benchmark on
scikit-learn's digits dataset (1,797 8x8 images; it ships with the package,
nothing is downloaded) and write them to Examples/digits/:

  cnn_float.tflite  Conv2D 16 3x3 relu -> Conv2D 32 3x3 relu -> MaxPool 2x2
                    -> Flatten -> Dense 64 relu -> Dense 10 (logits)
  ae_float.tflite   Flatten -> Dense 32 relu -> Dense 16 relu -> Dense 32 relu
                    -> Dense 64 -> Reshape 8x8x1 (linear reconstruction)
  x_calib.npy       [200, 8, 8, 1] float32, the calibration samples
  x_test.npy        [597, 8, 8, 1] float32, the held-out test images
  y_test.npy        [597] int64, their labels

Both models take the same [1, 8, 8, 1] float32 input (pixels scaled from
0..16 to 0..1), so one calibration file and one test file serve both. The
remaining 1,000 images train them; the split is a seeded permutation.

Determinism: numpy, Python and TensorFlow seeds fixed, TensorFlow op
determinism on, one CPU thread. Re-running on the same machine and versions
gives the same .tflite bytes; `--check` re-trains into a temporary folder
and reports how far the new files are from the committed ones.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Examples" / "digits"
SEED = 20261127
TRAIN, CALIB, TEST = 1000, 200, 597
EPOCHS_CNN, EPOCHS_AE = 40, 120


def load_splits() -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[..., None]  # [1797, 8, 8, 1]
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(SEED).permutation(len(x))
    if len(order) != TRAIN + CALIB + TEST:
        raise SystemExit(f"error: the digits dataset has {len(order)} images, expected {TRAIN + CALIB + TEST}")
    train, calib, test = np.split(order, [TRAIN, TRAIN + CALIB])
    return {
        "x_train": x[train], "y_train": y[train],
        "x_calib": x[calib], "y_calib": y[calib],
        "x_test": x[test], "y_test": y[test],
    }


def make_deterministic(tf) -> None:
    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)


def build_cnn(tf):
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 1), batch_size=1, name="image"),
        layers.Conv2D(16, 3, activation="relu"),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10),
    ], name="digits_cnn")


def build_ae(tf):
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 1), batch_size=1, name="image"),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(64),
        layers.Reshape((8, 8, 1)),
    ], name="digits_ae")


def train(tf, model, x, y, epochs: int, loss) -> None:
    # The Input's batch of 1 is what the .tflite keeps; training feeds larger
    # batches through a copy of the same layers without the fixed batch.
    trainable = tf.keras.Sequential([tf.keras.Input((8, 8, 1))] + model.layers)
    trainable.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=loss)
    trainable.fit(x, y, batch_size=32, epochs=epochs, shuffle=True, verbose=0)


def to_tflite(tf, model) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    with contextlib.redirect_stdout(io.StringIO()):  # the SavedModel export's listing
        return converter.convert()


def run_tflite(model: bytes, x: np.ndarray) -> np.ndarray:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interp = Interpreter(model_content=model, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    ys = []
    for sample in x:
        interp.set_tensor(inp["index"], sample[None].astype(np.float32))
        interp.invoke()
        ys.append(interp.get_tensor(out["index"])[0].copy())
    return np.stack(ys)


def make(out: Path) -> dict:
    import tensorflow as tf

    make_deterministic(tf)
    s = load_splits()
    cnn = build_cnn(tf)
    train(tf, cnn, s["x_train"], s["y_train"], EPOCHS_CNN,
          tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ae = build_ae(tf)
    train(tf, ae, s["x_train"], s["x_train"], EPOCHS_AE, "mse")

    out.mkdir(parents=True, exist_ok=True)
    cnn_bytes, ae_bytes = to_tflite(tf, cnn), to_tflite(tf, ae)
    (out / "cnn_float.tflite").write_bytes(cnn_bytes)
    (out / "ae_float.tflite").write_bytes(ae_bytes)
    for name in ("x_calib", "x_test", "y_test"):
        np.save(out / f"{name}.npy", s[name])

    # Scored through LiteRT's reference kernels on the .tflite files, the
    # same path tools/ptq_compare.py scores the int8 models on.
    logits = run_tflite(cnn_bytes, s["x_test"])
    recon = run_tflite(ae_bytes, s["x_test"])
    return {
        "cnn_test_accuracy": float(np.mean(np.argmax(logits, axis=1) == s["y_test"])),
        "ae_test_mse": float(np.mean((recon - s["x_test"]) ** 2)),
    }


def compare(a: Path, b: Path) -> None:
    """How close a re-run came: bytes equal, else the largest weight change."""
    for name in ("cnn_float.tflite", "ae_float.tflite", "x_calib.npy", "x_test.npy", "y_test.npy"):
        x, y = (a / name).read_bytes(), (b / name).read_bytes()
        if x == y:
            print(f"{name}: identical ({len(x)} bytes)")
            continue
        if name.endswith(".tflite"):
            from ai_edge_litert.interpreter import Interpreter

            worst = 0.0
            ia, ib = Interpreter(model_content=x), Interpreter(model_content=y)
            for da, db in zip(ia.get_tensor_details(), ib.get_tensor_details()):
                try:
                    ta, tb = ia.get_tensor(da["index"]), ib.get_tensor(db["index"])
                except ValueError:
                    continue  # activations have no data before invoke
                if ta.shape == tb.shape and ta.dtype == np.float32:
                    worst = max(worst, float(np.max(np.abs(ta - tb), initial=0.0)))
            print(f"{name}: differs, largest constant difference {worst:.3g}")
        else:
            print(f"{name}: differs")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(OUT), help="where to write the files (default Examples/digits)")
    ap.add_argument("--check", action="store_true",
                    help="re-train into a temporary folder and compare with --out instead of writing it")
    args = ap.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            scores = make(Path(tmp))
            print(json.dumps(scores, indent=2))
            compare(Path(args.out), Path(tmp))
        return 0
    scores = make(Path(args.out))
    print(json.dumps(scores, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Seeded weights and TFLite conversion for the fixture models.

Everything that decides the bytes of a fixture is drawn from numpy
generators seeded from the fixture's name, so adding or reordering fixtures
never changes the others, and two runs give the same files.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import zlib
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

SEED = 20261127
CALIBRATION_SAMPLES = 64


@dataclass(frozen=True)
class InputRange:
    """How one graph input's float values are drawn: normal(0, scale), or
    uniform over [low, high] when `uniform` is given."""

    scale: float = 1.0
    uniform: tuple[float, float] | None = None

    def draw(self, rng: np.random.Generator, shape: list[int]) -> np.ndarray:
        if self.uniform is not None:
            low, high = self.uniform
            return rng.uniform(low, high, size=shape).astype(np.float32)
        return (rng.standard_normal(size=shape) * self.scale).astype(np.float32)


@dataclass(frozen=True)
class Conversion:
    """One way of converting a model: float32, or full-integer int8."""

    kind: str  # "int8" or "float32"
    per_tensor: bool = False  # int8: one weight scale per tensor, not per channel
    dense_per_tensor: bool = False  # int8: FULLY_CONNECTED weights per tensor
    float_io: bool = False  # int8: keep float32 graph inputs/outputs (QUANTIZE/DEQUANTIZE)
    extra: dict = field(default_factory=dict)


def name_seed(name: str) -> int:
    return (SEED ^ zlib.crc32(name.encode())) & 0x7FFFFFFF


def seed_everything(name: str) -> None:
    tf.keras.utils.set_random_seed(name_seed(name))


def set_weights(model: tf.keras.Model, name: str, ranges: list[InputRange]) -> None:
    """Give every weight a seeded value that exercises the arithmetic: kernels
    scaled by fan-in with per-channel spreads, non-zero biases, and batch-norm
    layers with random gamma/beta whose statistics are then matched to the data
    (see _fit_batchnorm), so that the folded per-channel scales differ."""
    rng = np.random.default_rng(name_seed(name + "/weights"))
    for layer in model.layers:
        for var in layer.weights:
            shape = tuple(var.shape)
            tag = var.path.split("/")[-1]
            if tag in ("kernel", "depthwise_kernel", "w", "operand"):
                fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
                if tag == "depthwise_kernel":
                    fan_in = shape[0] * shape[1]
                # Per-channel spreads make per-channel and per-tensor scales differ.
                spread = rng.uniform(0.3, 1.5, size=shape[-1:]) if len(shape) > 1 else 1.0
                value = rng.standard_normal(shape) * spread / np.sqrt(max(fan_in, 1)) * 1.5
            elif tag == "bias":
                value = rng.standard_normal(shape) * 0.3
            elif tag == "gamma":
                value = rng.uniform(0.5, 1.8, size=shape)
            elif tag == "beta":
                value = rng.standard_normal(shape) * 0.3
            elif tag == "moving_mean":
                value = rng.standard_normal(shape) * 0.3
            elif tag == "moving_variance":
                value = rng.uniform(0.3, 2.5, size=shape)
            else:
                raise ValueError(f"no seeded initial value for weight '{var.path}' of {name}")
            var.assign(value.astype(np.float32))
    _fit_batchnorm(model, name, ranges)


def _fit_batchnorm(model: tf.keras.Model, name: str, ranges: list[InputRange]) -> None:
    """Set each batch-norm's moving mean and variance near the statistics of
    its input on sample data, as a little training would. With arbitrary
    statistics the constant terms swamp the signal after a few layers, and
    every input gives the same output."""
    layers = [layer for layer in model.layers if isinstance(layer, tf.keras.layers.BatchNormalization)]
    if not layers:
        return
    rng = np.random.default_rng(name_seed(name + "/batchnorm"))
    batch = [r.draw(rng, [32, *t.shape[1:]]) for r, t in zip(ranges, model.inputs)]
    for layer in layers:  # in graph order: each one sees the already fitted ones before it
        probe = tf.keras.Model(model.inputs, layer.input)
        acts = np.asarray(probe(batch), dtype=np.float64)
        axes = tuple(range(acts.ndim - 1))
        mean, var = acts.mean(axis=axes), acts.var(axis=axes) + 1e-3
        channels = mean.shape[0]
        layer.moving_mean.assign((mean + rng.standard_normal(channels) * 0.2 * np.sqrt(var)).astype(np.float32))
        layer.moving_variance.assign((var * rng.uniform(0.6, 1.6, size=channels)).astype(np.float32))


def calibration_data(name: str, model: tf.keras.Model, ranges: list[InputRange]):
    """The representative dataset: a fixed list of samples in a fixed order."""
    rng = np.random.default_rng(name_seed(name + "/calibration"))
    # A dynamic batch (None, the keras_shape_* fixtures) is calibrated with batch 1.
    shapes = [[1 if d is None else d for d in t.shape] for t in model.inputs]
    samples = [
        [r.draw(rng, shape) for r, shape in zip(ranges, shapes)]
        for _ in range(CALIBRATION_SAMPLES)
    ]

    def generator():
        for sample in samples:
            yield sample

    return generator


def convert(model: tf.keras.Model, name: str, ranges: list[InputRange], conversion: Conversion,
            patch=None) -> bytes:
    """Convert, keeping the converter's chatter (stdout prints from the Keras
    export, C++ logs on stderr) out of the way unless it fails."""
    with tempfile.TemporaryFile() as log, _quiet(log):
        try:
            model_bytes = _convert(model, name, ranges, conversion)
        except Exception:
            log.seek(0)
            os.write(2, log.read())
            raise
    if patch is not None:
        from tensorflow.lite.tools import flatbuffer_utils

        flat = flatbuffer_utils.read_model_from_bytearray(model_bytes)
        patch(flat)
        model_bytes = bytes(flatbuffer_utils.convert_object_to_bytearray(flat))
    return model_bytes


@contextlib.contextmanager
def _quiet(log):
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _convert(model: tf.keras.Model, name: str, ranges: list[InputRange], conversion: Conversion) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if conversion.kind == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = calibration_data(name, model, ranges)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if not conversion.float_io:
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        if conversion.per_tensor:
            converter._experimental_disable_per_channel = True
        if conversion.dense_per_tensor:
            converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    elif conversion.kind != "float32":
        raise ValueError(f"unknown conversion kind {conversion.kind}")
    for key, value in conversion.extra.items():
        setattr(converter, key, value)
    return converter.convert()

"""Generated inputs for the float MLPerf Tiny models (tools/ptq_compare.py).

No data set ships with the models, so calibration and held-out inputs are
drawn. Each recipe is derived from the int8 sibling model's input
quantization, i.e. the float range its authors calibrated on:

  kws      MFCCs, int8 range [-123.4, 25.7] (scale 0.585, zero point 83):
           per coefficient a normal around its own mean, the first (energy)
           coefficient low and wide, the others near the top of the range;
           smoothed over the 49 frames as speech features are.
  vww      RGB in [0, 1] (scale 1/255, zero point -128): a coarse 12x12
           random picture upsampled 8x (nearest) plus pixel noise 0.05.
  resnet8  RGB in [0, 255] (scale 1, zero point -128): a coarse 8x8 picture
           upsampled 4x plus pixel noise 10.
  ad01     5 frames of 128 log-mel energies, int8 range [-84.9, 14.9] (scale
           0.391, zero point 89): one smooth spectrum per record around -35
           (sd 12 across bins), repeated over the frames with noise sd 3.

All are clipped to the int8 sibling's range. Different seeds for
calibration and held-out draws keep the two sets apart.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Recipe:
    shape: tuple[int, ...]  # one record, without the batch dimension
    low: float
    high: float
    kind: str  # "mfcc", "image", "spectrum"
    coarse: int = 1  # image: upsampling factor of the coarse picture
    noise: float = 0.0

    def describe(self) -> str:
        return f"generated {self.kind} in [{self.low:g}, {self.high:g}]"


MLPERF_INPUTS = {
    "kws": Recipe((49, 10, 1), -123.37, 25.73, "mfcc"),
    "vww": Recipe((96, 96, 3), 0.0, 1.0, "image", coarse=8, noise=0.05),
    "resnet8": Recipe((32, 32, 3), 0.0, 255.0, "image", coarse=4, noise=10.0),
    "ad01": Recipe((640,), -84.85, 14.86, "spectrum"),
}


def draw(recipe: Recipe, count: int, seed: str) -> np.ndarray:
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    if recipe.kind == "image":
        h, w, c = recipe.shape
        k = recipe.coarse
        coarse = rng.uniform(recipe.low, recipe.high, size=(count, h // k, w // k, c))
        x = coarse.repeat(k, axis=1).repeat(k, axis=2) + rng.normal(0, recipe.noise, size=(count, h, w, c))
    elif recipe.kind == "mfcc":
        frames, coefficients, _ = recipe.shape
        means = np.concatenate([[-70.0], np.linspace(5.0, 0.0, coefficients - 1)])
        sds = np.concatenate([[25.0], np.linspace(12.0, 4.0, coefficients - 1)])
        raw = rng.normal(size=(count, frames + 2, coefficients))
        smooth = (raw[:, :-2] + raw[:, 1:-1] + raw[:, 2:]) / np.sqrt(3.0)  # 3-frame moving sum, unit variance
        x = (means + sds * smooth)[..., None]
    elif recipe.kind == "spectrum":
        frames, bins = 5, recipe.shape[0] // 5
        walk = np.cumsum(rng.normal(0, 1, size=(count, bins)), axis=1)
        walk = (walk - walk.mean(axis=1, keepdims=True)) / (walk.std(axis=1, keepdims=True) + 1e-6)
        spectrum = -35.0 + 12.0 * walk + rng.normal(0, 8, size=(count, 1))
        x = spectrum[:, None, :] + rng.normal(0, 3, size=(count, frames, bins))
        x = x.reshape(count, frames * bins)
    else:
        raise ValueError(f"unknown input kind {recipe.kind!r}")
    return np.clip(x, recipe.low, recipe.high).astype(np.float32)

"""The low-rank table of `make bench` (issue 5, item 8): ad01_float's weight
bytes against output SQNR for --low-rank energy 0.90, 0.95 and 0.99, float
and with --quantize int8 on top.

SQNR is the decomposed model's output against the original float model's,
both run by `edgec simulate` (the generated C on the host) on 200 seeded
uniform inputs in [-84.9, 14.9] (ad01's input range); --quantize calibrates
on 100 other such inputs. Weight bytes are report.json's `weights_bytes`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

ENERGIES = ["0.90", "0.95", "0.99"]


def low_rank_table(edgec: str, model: Path, tmp: Path) -> list[dict]:
    tmp.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(5)
    x, cal = tmp / "x.npy", tmp / "cal.npy"
    np.save(x, rng.uniform(-84.9, 14.9, size=(200, 1, 640)).astype(np.float32))
    np.save(cal, rng.uniform(-84.9, 14.9, size=(100, 1, 640)).astype(np.float32))
    quantize = ["--quantize", "int8", "--calibration", str(cal)]

    def measure(label: str, flags: list[str], reference: np.ndarray | None) -> tuple[dict, np.ndarray]:
        out, y = tmp / label, tmp / f"{label}.npy"
        try:
            subprocess.run([edgec, "compile", str(model), "--target", "host", "-o", str(out), *flags],
                           check=True, capture_output=True, text=True)
            subprocess.run([edgec, "simulate", str(model), "--input", str(x), "--output", str(y), *flags],
                           check=True, capture_output=True, text=True)
        except subprocess.CalledProcessError as e:
            return {"model": label, "error": (e.stderr or "").strip()[-300:]}, np.zeros(0)
        weights = json.loads((out / "report.json").read_text())["weights_bytes"]
        values = np.load(y).astype(np.float64)
        sqnr = None
        if reference is not None:
            noise = ((values - reference) ** 2).sum()
            sqnr = round(float(10 * np.log10((reference**2).sum() / noise)), 2) if noise > 0 else float("inf")
        return {"model": label, "weights_bytes": weights, "sqnr_db": sqnr}, values

    original, reference = measure("ad01_float", [], None)
    rows = [original]
    if "error" in original:
        return rows
    rows.append(measure("ad01_float int8", quantize, reference)[0])
    for energy in ENERGIES:
        low_rank = ["--low-rank", f"energy={energy}"]
        rows.append(measure(f"ad01_float energy={energy}", low_rank, reference)[0])
        rows.append(measure(f"ad01_float energy={energy} int8", low_rank + quantize, reference)[0])
    return rows

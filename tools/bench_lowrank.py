"""The low-rank table of `make bench` (issue 5, item 8): ad01_float's weight
bytes against output SQNR for --low-rank energy 0.90, 0.95 and 0.99, float
and with --quantize int8 on top.

SQNR is the decomposed model's output against the original float model's,
both run by `edgec simulate` (the generated C on the host) on 200 seeded
uniform inputs in [-84.9, 14.9] (ad01's input range); 100 other such inputs
are the calibration data, which both --low-rank (its factors are whitened by
each layer's inputs, so the energy kept is of the layer's outputs) and
--quantize use. Weight bytes are report.json's `weights_bytes`.

Below that: the digits half of `make bench-quality` (tools/ptq_compare.py's
second table): the flash-budget runs at 50 % of the int8 weight bytes and
the table's formatting.
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
        # Without calibration data the factors keep the weights (plain SVD);
        # with it they keep each layer's outputs on that data.
        rows.append(measure(f"ad01_float energy={energy} (weights SVD)", low_rank, reference)[0])
        rows.append(measure(f"ad01_float energy={energy}", [*low_rank, "--calibration", str(cal)], reference)[0])
        rows.append(measure(f"ad01_float energy={energy} int8", low_rank + quantize, reference)[0])
    return rows


# --- digits (issue 5, item 7): the compressed columns of tools/ptq_compare.py.
# At 50 % of the int8 weight bytes, `--flash-budget` picks each layer's rank
# (and, unless --weights int8 fixes it, its width) by measured output noise.
HALF = 0.5


def weights_bytes(edgec: str, model: Path, flags: list[str], out: Path) -> tuple[int, str]:
    """report.json's weights_bytes of `edgec compile MODEL --target host FLAGS`, and its stderr."""
    run = subprocess.run([edgec, "compile", str(model), "--target", "host", "--no-measure-code", "-o", str(out), *flags],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError((run.stderr or f"exit {run.returncode}").strip().splitlines()[-1])
    return int(json.loads((out / "report.json").read_text())["weights_bytes"]), run.stderr


def budget_setting(report: dict) -> str:
    """What the flash-budget search chose, from report.json: 'op 1 r14 int4, op 4 r12'."""
    layers = report.get("compression", {}).get("flash_budget", {}).get("layers")
    if layers is None:
        return report.get("compression", {}).get("weights", "")
    parts = []
    for layer in layers:
        bits = [f"op {layer['op']}"]
        if layer.get("rank") is not None:
            bits.append(f"r{layer['rank']}")
        if layer.get("weights") == "int4":
            bits.append("int4")
        parts.append(" ".join(bits))
    return ", ".join(parts) or "unchanged"


def fmt_task(task: str | None, v: float | None) -> str:
    if v is None:
        return "—"
    return f"{100 * v:.2f} %" if task == "accuracy" else f"{v:.5f}"


def target(task: str, reference: float | None, value: float | None, points: float) -> str:
    """Accuracy within `points` of float. MSE has no points: its cell gives
    the relative increase over float and no verdict."""
    if value is None or reference is None:
        return "—"
    if task == "accuracy":
        drop = 100 * (reference - value)
        return f"{'yes' if drop <= points else 'NO'} ({0.0 - drop:+.2f} pt)"
    return f"n/a (MSE {100 * (value / reference - 1):+.1f} %)"


def compression_table(rows: list[dict], method: str) -> str:
    """Float, int8 and the compressed forms side by side, with issue 5's
    targets: int8 within 0.5 points of float, int8 + low rank at 50 % weight
    bytes within 2. `method` names the int8 column (the calibration method
    the compressed forms used too)."""
    rows = [r for r in rows if r.get("compressed")]
    if not rows:
        return ""
    head = ["model", "score", "float", "edgec int8", "int8 weight B",
            "int8 + low rank", "its weight B (share)", "ranks + int4", "its weight B (share)",
            "int4 weights", "its weight B (share)", "int8 within 0.5 pt", "50 % low rank within 2 pt"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    settings = []
    for r in rows:
        c, task = r["compressed"], r["task"]
        int8 = r["edgec"].get(method, {}).get("task")

        def cells(key: str) -> list[str]:
            entry = c.get(key, {})
            if "error" in entry:
                return [entry["error"], "—"]
            b = entry["weights_bytes"]
            return [fmt_task(task, entry["task"]), f"{b} ({100 * b / c['int8_bytes']:.1f} %)"]

        for key in ("low_rank", "budget"):
            if c.get(key, {}).get("setting"):
                settings.append(f"{r['model']} {key.replace('_', ' ')} at {c['half_bytes']} B: {c[key]['setting']}")
        lines.append("| " + " | ".join([
            r["model"], "test accuracy" if task == "accuracy" else "reconstruction MSE",
            fmt_task(task, r["float_task"]), fmt_task(task, int8), str(c["int8_bytes"]),
            *cells("low_rank"), *cells("budget"), *cells("int4"),
            target(task, r["float_task"], int8, 0.5),
            target(task, r["float_task"], c.get("low_rank", {}).get("task"), 2.0)]) + " |")
    return "\n".join(lines + [""] + [f"* {s}" for s in settings])

"""The low-rank table of `make bench` (issue 5, item 8): ad01_float's weight
bytes against output SQNR for --low-rank energy 0.90, 0.95 and 0.99, float
and with --quantize int8 on top.

SQNR is the decomposed model's output against the original float model's,
both run by `edgec simulate` (the generated C on the host) on 200 seeded
uniform inputs in [-84.9, 14.9] (ad01's input range); --quantize calibrates
on 100 other such inputs. Weight bytes are report.json's `weights_bytes`.

Below that: the digits half of `make bench-quality` (tools/ptq_compare.py's
second table), the search for the --low-rank rank at 50 % of the int8
weight bytes and the table's formatting.
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


# --- digits (issue 5, item 7): the compressed columns of tools/ptq_compare.py.
# One global `--low-rank rank=N` applies to every FULLY_CONNECTED and CONV_2D
# layer (the pass keeps a layer whose factors would not be smaller), so the
# search below tries every rank and keeps the largest whose int8 weight bytes
# are at most half the plain int8 model's.

HALF = 0.5


def weights_bytes(edgec: str, model: Path, flags: list[str], out: Path) -> tuple[int, str]:
    """report.json's weights_bytes of `edgec compile MODEL --target host FLAGS`, and its stderr."""
    run = subprocess.run([edgec, "compile", str(model), "--target", "host", "--no-measure-code", "-o", str(out), *flags],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError((run.stderr or f"exit {run.returncode}").strip().splitlines()[-1])
    return int(json.loads((out / "report.json").read_text())["weights_bytes"]), run.stderr


def half_weights_rank(edgec: str, model: Path, quantize: list[str], tmp: Path, max_rank: int = 64) -> dict:
    """The largest rank whose int8 weight bytes are <= 50 % of plain int8's,
    with the bytes of every rank tried (weight bytes only grow with rank)."""
    int8, _ = weights_bytes(edgec, model, quantize, tmp / "int8")
    tried, best = {}, None
    for rank in range(1, max_rank + 1):
        size, log = weights_bytes(edgec, model, ["--low-rank", f"rank={rank}", *quantize], tmp / f"rank{rank}")
        tried[rank] = size
        if size > HALF * int8:
            break
        best = {"rank": rank, "weights_bytes": size, "log": log}
    return {"int8_bytes": int8, "tried": tried, "best": best}


def kept_layers(log: str) -> list[str]:
    """The layers of the low-rank summary that stayed whole (no bytes saved)."""
    return [line.strip().split(":")[0] for line in log.splitlines() if "(kept: no bytes saved)" in line]


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
    """Float, int8 and the two compressed forms side by side, with issue 5's
    targets: int8 within 0.5 points of float, 50 % weight bytes within 2.
    `method` names the int8 column (the calibration method the compressed
    forms used too)."""
    rows = [r for r in rows if r.get("compressed")]
    if not rows:
        return ""
    head = ["model", "score", "float", "edgec int8", "int8 weight B", "low rank (setting)", "low rank float",
            "low rank + int8",
            "its weight B (share)", "int4 weights", "its weight B (share)", "int8 within 0.5 pt",
            "50 % within 2 pt"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for r in rows:
        c, task = r["compressed"], r["task"]
        int8 = r["edgec"].get(method, {}).get("task")
        low = c["low_rank"]
        share = lambda b: f"{b} ({100 * b / c['int8_bytes']:.1f} %)"
        if "error" in low:
            low_cells, low_score = ["—", low["error"], "—", "—"], None
        else:
            low_cells = [low["setting"], fmt_task(task, low["float_task"]), fmt_task(task, low["task"]),
                         share(low["weights_bytes"])]
            low_score = low["task"]
            if low["kept"]:
                notes.append(f"{r['model']} {low['setting']}: kept whole (factors not smaller): {', '.join(low['kept'])}")
        lines.append("| " + " | ".join([
            r["model"], "test accuracy" if task == "accuracy" else "reconstruction MSE",
            fmt_task(task, r["float_task"]), fmt_task(task, int8), str(c["int8_bytes"]), *low_cells,
            fmt_task(task, c["int4"]["task"]), share(c["int4"]["weights_bytes"]),
            target(task, r["float_task"], int8, 0.5), target(task, r["float_task"], low_score, 2.0)]) + " |")
    return "\n".join(lines + [""] + [f"* {n}" for n in notes])

#!/usr/bin/env python3
"""`make bench`: edgec on the MLPerf Tiny models next to TensorFlow Lite Micro.

For each int8 model in ../shared/models/mlperf-tiny, compiles it for the
target (default stm32f746) and prints compile time, ops, MACs, weight bytes,
flash, peak SRAM and its lower bound, TFLM's arena from
../shared/baselines/tflm-cmsis-nn-cortex-m7.json, and the ratio of the two.
Figures are measured on every run; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MODELS = ["kws_int8", "vww_int8", "resnet8_int8", "ad01_int8"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgec", required=True)
    ap.add_argument("--target", default="stm32f746")
    ap.add_argument("--json", help="also write the tables as JSON here")
    ap.add_argument("--run-target", default="mps2-an500", help="QEMU board for instruction counts ('' to skip)")
    args = ap.parse_args()
    models = SHARED / "models" / "mlperf-tiny"
    if not models.exists():
        print(f"{models} is absent: nothing to benchmark")
        return 0
    baseline = json.loads((SHARED / "baselines" / "tflm-cmsis-nn-cortex-m7.json").read_text())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in MODELS:
            out = Path(tmp) / name
            start = time.perf_counter()
            p = subprocess.run([args.edgec, "compile", str(models / f"{name}.tflite"), "--target", args.target, "-o", str(out)],
                               capture_output=True, text=True)
            seconds = time.perf_counter() - start
            if p.returncode != 0:
                print(f"{name}: compile failed: {p.stderr.strip()}")
                rows.append({"model": name, "error": p.stderr.strip()})
                continue
            r = json.loads((out / "report.json").read_text())
            tflm = baseline.get(f"{name}.tflite", {})
            rows.append({
                "model": name, "compile_s": round(seconds, 2), "ops": r["ops"], "macs": r["macs"],
                "weights_bytes": r["weights_bytes"], "code_bytes": r["code_bytes_estimate"],
                "flash_bytes": r["flash_bytes"], "peak_sram_bytes": r["peak_sram_bytes"],
                "lower_bound_bytes": r["lower_bound_bytes"], "tflm_arena_bytes": tflm.get("arena_bytes"),
                "tflm_macs": tflm.get("macs"),
                "sram_ratio": round(r["peak_sram_bytes"] / tflm["arena_bytes"], 3) if tflm.get("arena_bytes") else None,
            })
    header = ["model", "compile s", "ops", "MACs", "weights B", "flash B", "peak SRAM B", "lower bound B", "TFLM arena B", "SRAM / TFLM"]
    keys = ["model", "compile_s", "ops", "macs", "weights_bytes", "flash_bytes", "peak_sram_bytes", "lower_bound_bytes", "tflm_arena_bytes", "sram_ratio"]
    print(f"edgec on MLPerf Tiny, target {args.target}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        if "error" in row:
            print(f"| {row['model']} | " + " | ".join("error" for _ in header[1:]) + " |")
            continue
        cells = [f"{row[k]:,}" if isinstance(row[k], int) else str(row[k]) for k in keys]
        print("| " + " | ".join(cells) + " |")
    runs = run_table(args.edgec, models, baseline, args.run_target) if args.run_target else []
    if args.json:
        Path(args.json).write_text(json.dumps({"compile": rows, "run": runs}, indent=1) + "\n")
    return 0 if all("error" not in r for r in rows + runs) else 1


def run_table(edgec: str, models: Path, baseline: dict, target: str) -> list[dict]:
    """Instructions per inference under QEMU (`edgec run --json`) next to TFLM + CMSIS-NN."""
    rows = []
    for name in MODELS:
        p = subprocess.run([edgec, "run", str(models / f"{name}.tflite"), "--target", target, "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            rows.append({"model": name, "error": (p.stderr or p.stdout).strip()[-200:]})
            continue
        r = json.loads(p.stdout)
        tflm = baseline.get(f"{name}.tflite", {})
        n = r["instructions_per_inference"]
        macs = tflm.get("macs") or 1
        tflm_flash = (tflm.get("firmware_text_bytes") or 0)
        rows.append({
            "model": name, "instructions": n, "instructions_per_mac": round(n / macs, 2),
            "tflm_instructions": tflm.get("instructions_per_inference"),
            "instruction_ratio": round(n / tflm["instructions_per_inference"], 3) if tflm.get("instructions_per_inference") else None,
            "flash_bytes": r.get("flash_bytes"), "tflm_flash_bytes": tflm_flash + (tflm.get("firmware_rodata_bytes") or 0),
            "ram_bytes": r.get("ram_bytes"), "tflm_arena_bytes": tflm.get("arena_bytes"),
        })
    header = ["model", "instructions", "instr/MAC", "TFLM+CMSIS-NN", "ratio", "flash B", "TFLM flash B", "RAM B", "TFLM arena B"]
    keys = ["model", "instructions", "instructions_per_mac", "tflm_instructions", "instruction_ratio", "flash_bytes", "tflm_flash_bytes", "ram_bytes", "tflm_arena_bytes"]
    print(f"\nedgec run on {target} (QEMU, -icount shift=0), next to TFLM + CMSIS-NN\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        if "error" in row:
            print(f"| {row['model']} | error: {row['error']} |")
            continue
        print("| " + " | ".join(f"{row[k]:,}" if isinstance(row[k], int) else str(row[k]) for k in keys) + " |")
    return rows


if __name__ == "__main__":
    sys.exit(main())

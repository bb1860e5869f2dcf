#!/usr/bin/env python3
"""`make bench`: edgec on the MLPerf Tiny models next to TensorFlow Lite Micro.

For each int8 model in ../shared/models/mlperf-tiny, compiles it for the
target (default stm32f746) and prints compile time, ops, MACs, weight bytes,
flash, peak SRAM and its lower bound, TFLM's arena from
../shared/baselines/tflm-cmsis-nn-cortex-m7.json, and the ratio of the two.
Then the memory table (issue 4) for those models and the MobileNetV2-style
fixture (Tests/Fixtures/net_mobilenetv2_int8, whose TFLM arena the fixture
generator measured and stored in the manifest): peak SRAM, arena, the lower
bound of the chosen order, fragmentation and the schedule from plan.json.
Then instructions per inference under QEMU, and ad01_float's weight bytes
against output SQNR under --low-rank (tools/bench_lowrank.py). Figures are measured on every
run; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_lowrank import low_rank_table
from bench_vit import vit_memory_table, vit_run_table

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "Tests" / "Fixtures"
MODELS = ["kws_int8", "vww_int8", "resnet8_int8", "ad01_int8"]
# (model, --sram-budget) pairs compiled again under the budget.
BUDGET_RUNS = [("vww_int8", 45_000), ("vww_int8", 43_000), ("net_mobilenetv2_int8", 45_000)]
FIXTURE_MODELS = ["net_mobilenetv2_int8"]


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
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    fixtures = {e["name"]: e for e in manifest["fixtures"]}
    with tempfile.TemporaryDirectory() as tmp:
        compiled = {name: compile_model(args.edgec, models / f"{name}.tflite", args.target, Path(tmp) / name)
                    for name in MODELS}
        compiled |= {name: compile_model(args.edgec, FIXTURES / name / "model.tflite", args.target, Path(tmp) / name)
                     for name in FIXTURE_MODELS if name in fixtures}
        # The same models squeezed under an SRAM budget: patch-based
        # inference of the first stage, and what it costs in MACs.
        for name, budget in BUDGET_RUNS:
            path = models / f"{name}.tflite" if name in MODELS else FIXTURES / name / "model.tflite"
            if path.exists():
                compiled[f"{name} @ {budget:,} B budget"] = compile_model(
                    args.edgec, path, args.target, Path(tmp) / f"{name}_{budget}", ["--sram-budget", str(budget)])
        rows = compile_table(compiled, baseline, args.target)
        memory = memory_table(compiled, baseline, fixtures, args.target)
    vit = vit_memory_table(args.edgec, FIXTURES, args.target, print_table)
    runs = run_table(args.edgec, models, baseline, args.run_target) if args.run_target else []
    vit_runs = vit_run_table(args.edgec, FIXTURES, manifest, args.run_target, print_table) if args.run_target else []
    low_rank = []
    if (models / "ad01_float.tflite").exists():
        with tempfile.TemporaryDirectory() as tmp:
            low_rank = low_rank_table(args.edgec, models / "ad01_float.tflite", Path(tmp))
        print("\nLow-rank decomposition of ad01_float (SQNR against the float original, 200 random inputs)\n")
        print_table(["model", "weight bytes", "output SQNR (dB)"], ["model", "weights_bytes", "sqnr_db"], low_rank)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"compile": rows, "memory": memory, "vit_memory": vit, "run": runs, "vit_run": vit_runs,
                        "low_rank": low_rank}, indent=1) + "\n")
    return 0 if all("error" not in r for r in rows + memory + vit + runs + vit_runs + low_rank) else 1


def compile_model(edgec: str, model: Path, target: str, out: Path, extra: list[str] | None = None) -> dict:
    """`edgec compile`: the seconds it took and report.json / plan.json, or the error."""
    start = time.perf_counter()
    p = subprocess.run([edgec, "compile", str(model), "--target", target, "-o", str(out)] + (extra or []),
                       capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines() or ["(no message)"]
        print(f"{model}: compile failed: {lines[0]}" + (f" (+{len(lines) - 1} lines)" if len(lines) > 1 else ""))
        return {"error": p.stderr.strip()}
    return {"seconds": round(seconds, 2), "report": json.loads((out / "report.json").read_text()),
            "plan": json.loads((out / "plan.json").read_text())}


def print_table(header: list[str], keys: list[str], rows: list[dict]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        if "error" in row:
            print(f"| {row['model']} | " + " | ".join("error" for _ in header[1:]) + " |")
            continue
        cells = [f"{row[k]:,}" if isinstance(row[k], int) else ("n/a" if row[k] is None else str(row[k])) for k in keys]
        print("| " + " | ".join(cells) + " |")


def compile_table(compiled: dict, baseline: dict, target: str) -> list[dict]:
    rows = []
    for name in MODELS:
        c = compiled[name]
        if "error" in c:
            rows.append({"model": name, "error": c["error"]})
            continue
        r, tflm = c["report"], baseline.get(f"{name}.tflite", {})
        rows.append({
            "model": name, "compile_s": c["seconds"], "ops": r["ops"], "macs": r["macs"],
            "weights_bytes": r["weights_bytes"], "code_bytes": r["code_bytes_estimate"],
            "flash_bytes": r["flash_bytes"], "peak_sram_bytes": r["peak_sram_bytes"],
            "lower_bound_bytes": r["lower_bound_bytes"], "tflm_arena_bytes": tflm.get("arena_bytes"),
            "tflm_macs": tflm.get("macs"),
            "sram_ratio": round(r["peak_sram_bytes"] / tflm["arena_bytes"], 3) if tflm.get("arena_bytes") else None,
        })
    print(f"edgec on MLPerf Tiny, target {target}\n")
    print_table(["model", "compile s", "ops", "MACs", "weights B", "flash B", "peak SRAM B", "lower bound B", "TFLM arena B", "SRAM / TFLM"],
                ["model", "compile_s", "ops", "macs", "weights_bytes", "flash_bytes", "peak_sram_bytes", "lower_bound_bytes", "tflm_arena_bytes", "sram_ratio"],
                rows)
    return rows


def memory_table(compiled: dict, baseline: dict, fixtures: dict, target: str) -> list[dict]:
    """Issue 4: what the plan achieves, next to TFLM's arena. A key that
    report.json or plan.json does not (yet) have prints as n/a."""
    rows = []
    for name, c in compiled.items():
        if "error" in c:
            rows.append({"model": name, "error": c["error"]})
            continue
        r, plan = c["report"], c["plan"]
        base = name.split(" @ ")[0]
        if base in MODELS:
            tflm, source = baseline.get(f"{base}.tflite", {}).get("arena_bytes"), "M7"
        else:
            tflm, source = fixtures.get(base, {}).get("tflm_arena", {}).get("total_bytes"), "host"
        peak = r.get("peak_sram_bytes")
        rows.append({
            "model": name, "peak_sram_bytes": peak, "arena_bytes": plan.get("arena_bytes"),
            "lower_bound_bytes": plan.get("lower_bound_bytes"), "fragmentation_bytes": plan.get("fragmentation_bytes"),
            "kernel_stack_bytes": r.get("kernel_stack_bytes"), "schedule": plan.get("schedule"),
            "patches": describe_patches(r),
            "tflm_arena_bytes": tflm, "tflm_arena_source": source,
            "tflm_ratio": round(peak / tflm, 3) if tflm and peak is not None else None,
        })
    print(f"\nedgec memory plan (issue 4), target {target}\n")
    print_table(["model", "peak SRAM B", "arena B", "lower bound B", "fragmentation B", "kernel stack B", "schedule",
                 "patches", "TFLM arena B", "peak / TFLM"],
                ["model", "peak_sram_bytes", "arena_bytes", "lower_bound_bytes", "fragmentation_bytes", "kernel_stack_bytes",
                 "schedule", "patches", "tflm_arena_bytes", "tflm_ratio"],
                [dict(row, tflm_arena_bytes=f"{row['tflm_arena_bytes']:,} ({row['tflm_arena_source']})"
                      if row.get("tflm_arena_bytes") else None) for row in rows])
    print("\npeak SRAM and kernel stack (the kernels' call frames, on the application's stack): report.json "
          "peak_sram_bytes and kernel_stack_bytes; arena, lower bound (most bytes live at once in the chosen "
          "order), fragmentation and schedule: plan.json.")
    print("TFLM arena (M7): arena_used_bytes() of TFLM + CMSIS-NN on the Cortex-M7, ../shared/baselines.")
    for name in compiled:
        arena = fixtures.get(name, {}).get("tflm_arena")
        if arena:
            print(f"TFLM arena (host) of {name}: the tflite-micro Python package's RecordingMicroAllocator total "
                  f"(host build: 64-bit pointers, reference kernels), measured by tools/make_fixtures.py: head "
                  f"{arena['head_bytes']:,} B (the tensors TFLM plans) + tail {arena['tail_bytes']:,} B (persistent "
                  "structures, larger on a 64-bit host than on a Cortex-M).")
    return rows


def describe_patches(report: dict) -> str | None:
    """report.json's patches: the first layers run in row bands, and the MACs
    the halos cost; "none" when the whole plan fits without them."""
    if "patches" not in report:
        return None
    p = report["patches"]
    if not p:
        return "none"
    return f"{p['layers']} layers x {p['bands']} bands, +{p['extra_macs']:,} MACs ({p['extra_macs_percent']:.1f}%)"


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

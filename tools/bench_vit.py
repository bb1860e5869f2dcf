"""`make bench`'s ViT memory table (issue 6): each ViT fixture's arena planned
plain (`edgec plan --plain`) and with attention head by head / MLPs in
token-row chunks (the default), next to TFLM's arena. TFLM's figures are
docs/transformer-ops.md's (the tflite-micro host build; the GELU models with
GELU patched to HARD_SWISH, the same shapes and types, as TFLM has no GELU).
Measured on every run; nothing here is asserted."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

VIT_FIXTURES = ["vit_tiny_hswish_int8", "vit_tiny_int8", "vit_2block_int8", "vit_4block_int8"]
# TFLM arena (total = head + tail), docs/transformer-ops.md "Attention shapes and memory".
TFLM_ARENA = {"vit_tiny_hswish_int8": 42_864, "vit_tiny_int8": 42_864, "vit_2block_int8": 85_568,
              "vit_4block_int8": 126_368}


def plan(edgec: str, model: Path, target: str, plain: bool) -> dict:
    cmd = [edgec, "plan", str(model), "--target", target, "--json"] + (["--plain"] if plain else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.stderr or p.stdout).strip()[-200:]}
    return json.loads(p.stdout)


def vit_memory_table(edgec: str, fixtures: Path, target: str, print_table) -> list[dict]:
    rows = []
    for name in VIT_FIXTURES:
        model = fixtures / name / "model.tflite"
        if not model.exists():
            continue
        plain, split = plan(edgec, model, target, True), plan(edgec, model, target, False)
        if "error" in plain or "error" in split:
            rows.append({"model": name, "error": plain.get("error") or split.get("error")})
            continue
        t = split.get("token_memory") or {}
        applied = ", ".join(filter(None, [
            f"attention by head x{t['attention_by_head']}" if t.get("attention_by_head") else None,
            f"MLP in {t['mlp_chunks']} row chunks x{t['mlp_chunked']}" if t.get("mlp_chunked") else None,
        ])) or "none"
        tflm = TFLM_ARENA.get(name)
        rows.append({
            "model": name, "plain_arena_bytes": plain["arena_bytes"], "arena_bytes": split["arena_bytes"],
            "lower_bound_bytes": split["lower_bound_bytes"], "token_memory": applied, "tflm_arena_bytes": tflm,
            "tflm_ratio": round(split["arena_bytes"] / tflm, 3) if tflm else None,
        })
    print(f"\nViT memory (issue 6): plain plan against attention by head / MLP row chunks, target {target}\n")
    print_table(["model", "plain arena B", "arena B", "lower bound B", "token memory", "TFLM arena B (host)",
                 "arena / TFLM"],
                ["model", "plain_arena_bytes", "arena_bytes", "lower_bound_bytes", "token_memory", "tflm_arena_bytes",
                 "tflm_ratio"], rows)
    print("TFLM arena (host): docs/transformer-ops.md, the tflite-micro package's host build (64-bit pointers); "
          "the GELU models with GELU patched to HARD_SWISH.")
    return rows


def vit_run_table(edgec: str, fixtures: Path, manifest: dict, target: str, print_table) -> list[dict]:
    """Instructions per inference of the ViT fixtures under QEMU (`edgec run
    --json`), in the arithmetic of the peer each is checked against: TFLM's,
    or LiteRT's (`--rounding litert`) for the GELU models TFLM cannot run.
    The fixture's first input row; outputs are compared with the host
    simulator by `edgec run` itself (and with the peers by `make test`)."""
    entries = {e["name"]: e for e in manifest.get("fixtures", [])}
    rows = []
    for name in VIT_FIXTURES:
        entry, model = entries.get(name), fixtures / name / "model.tflite"
        if entry is None or not model.exists():
            continue
        rounding = "tflm" if "tflm" in entry.get("peers", ["tflm", "litert"]) else "litert"
        p = subprocess.run([edgec, "run", str(model), "--target", target, "--rounding", rounding, "--json"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            rows.append({"model": name, "error": (p.stderr or p.stdout).strip()[-200:]})
            continue
        r = json.loads(p.stdout)
        rows.append({"model": name, "parameters": entry.get("parameters"), "rounding": rounding,
                     "instructions": r["instructions_per_inference"], "flash_bytes": r.get("flash_bytes"),
                     "ram_bytes": r.get("ram_bytes")})
    print(f"\nViT instructions per inference on {target} (QEMU, -icount shift=0)\n")
    print_table(["model", "parameters", "rounding", "instructions", "flash B", "RAM B"],
                ["model", "parameters", "rounding", "instructions", "flash_bytes", "ram_bytes"], rows)
    return rows

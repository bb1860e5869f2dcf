#!/usr/bin/env python3
"""Live conformance: edgec's emitted C against the real peers.

For each MLPerf Tiny model in ../shared/models/mlperf-tiny (when present):
  int8   N seeded inputs through `edgec simulate` must equal TensorFlow Lite
         Micro's outputs bit for bit, and with `--rounding litert` LiteRT's
         reference kernels (BUILTIN_REF) bit for bit;
  float  within a relative error of 1e-4 of LiteRT's reference kernels.
Then every committed fixture (Tests/Fixtures/manifest.json) is re-run through
TFLM live and compared with edgec, which also proves the committed outputs
still match the installed peers.

Export: every fixture is written back by `edgec export` and the exported
file is run in TFLM and LiteRT (BUILTIN_REF) on the fixture's inputs: the
outputs must equal the committed y_tflm / y_litert bit for bit (int8) or
within the float tolerance (float32; the count of bit-identical ones is
reported). Each MLPerf Tiny model is exported too: both peers on the
exported file must give what they give on the original (seeded inputs), and
`edgec simulate` on the exported int8 file must equal TFLM on it bit for bit
(float MLPerf models: LiteRT only, as TFLM refuses the originals).

Prints one line per check and exits non-zero if any fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import oracle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "models" / "mlperf-tiny"
FLOAT_TOLERANCE = 1e-4


def relative_error(got: np.ndarray, ref: np.ndarray) -> float:
    """max |got - ref| / max(|ref|, 1e-6 max|ref|): the accept script's measure."""
    ref64, got64 = ref.astype(np.float64), got.astype(np.float64)
    floor = 1e-6 * float(np.max(np.abs(ref64))) + 1e-12
    return float(np.max(np.abs(got64 - ref64) / (np.abs(ref64) + floor)))


def simulate(edgec: str, model: Path, inputs: list[np.ndarray], names: list[str], work: Path, extra: list[str]) -> list[np.ndarray]:
    args = [edgec, "simulate", str(model)]
    for i, x in enumerate(inputs):
        path = work / f"x_{i}.npy"
        np.save(path, x)
        args += ["--input", f"{i}={path}" if len(inputs) > 1 else str(path)]
    y = work / "y.npy"
    args += ["--output", str(y)] + extra
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError((p.stderr or p.stdout).strip().splitlines()[-1] if (p.stderr or p.stdout).strip() else f"exit {p.returncode}")
    outs = []
    for k in range(len(names)):
        path = y if k == 0 else work / f"y_{k}.npy"
        outs.append(np.load(path))
    return outs


def compare(label: str, got: list[np.ndarray], ref: list[np.ndarray], exact: bool) -> bool:
    ok = True
    details = []
    for k, (g, r) in enumerate(zip(got, ref)):
        g = g.reshape(r.shape)
        if exact:
            bad = int(np.sum(g != r))
            details.append(f"output {k}: {bad} of {r.size} differ")
            ok &= bad == 0
        else:
            # NaN where the peer has NaN (RSQRT of a negative input) is the
            # same answer; NaN anywhere else, or a number where it has NaN, is not.
            nan_g, nan_r = np.isnan(g), np.isnan(r)
            if np.any(nan_g != nan_r):
                details.append(f"output {k}: NaN in {int(np.sum(nan_g != nan_r))} places the peer has none (or the reverse)")
                ok = False
                continue
            err = relative_error(np.where(nan_r, 0, g), np.where(nan_r, 0, r))
            shared = f", {int(np.sum(nan_r))} NaN as the peer" if np.any(nan_r) else ""
            details.append(f"output {k}: max relative error {err:.2e}{shared}")
            ok &= err <= FLOAT_TOLERANCE
    print(f"{'PASS' if ok else 'FAIL'} {label}: {'; '.join(details)}", flush=True)
    return ok


def check_model(edgec: str, model: Path, n: int, seed: int, peers: list[tuple[str, list[str], bool]], work: Path) -> bool:
    data = model.read_bytes()
    ins, outs = oracle.model_io(data)
    xs = oracle.draw_inputs(ins, n, seed)
    ok = True
    for peer, extra, exact in peers:
        shown = model.parent.name if model.name == "model.tflite" else model.name
        label = f"{shown} ({n} inputs) vs {peer}{' ' + ' '.join(extra) if extra else ''}"
        try:
            got = simulate(edgec, model, xs, [o["name"] for o in outs], work, extra)
        except RuntimeError as e:
            print(f"FAIL {label}: edgec: {e}", flush=True)
            ok = False
            continue
        ok &= compare(label, got, oracle.run(peer, data, xs), exact)
    return ok


def export(edgec: str, model: Path, work: Path) -> Path:
    out = work / "exported.tflite"
    p = subprocess.run([edgec, "export", str(model), "-o", str(out)], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError((p.stderr or p.stdout).strip() or f"exit {p.returncode}")
    return out


def check_exported_fixture(edgec: str, fixture: dict, work: Path, tally: dict) -> bool:
    """The exported fixture in both peers against the committed outputs."""
    directory = ROOT / "Tests" / "Fixtures" / fixture["name"]
    exact = fixture.get("dtype") != "float32"
    try:
        data = export(edgec, directory / "model.tflite", work).read_bytes()
    except RuntimeError as e:
        print(f"FAIL export {fixture['name']}: edgec export: {e}", flush=True)
        return False
    xs = [np.load(directory / spec["file"]) for spec in fixture["inputs"]]
    ok = True
    # A fixture only LiteRT can run (GELU: TFLM has no kernel) lists its peers.
    for peer in fixture.get("peers", ["tflm", "litert"]):
        refs = [np.load(directory / spec[f"{peer}_file"]) for spec in fixture["outputs"]]
        label = f"export {fixture['name']} ({xs[0].shape[0]} inputs) in {peer}"
        try:
            got = oracle.run(peer, data, xs)
        except Exception as e:  # a peer that refuses the file is the failure we look for
            print(f"FAIL {label}: {type(e).__name__}: {e}", flush=True)
            ok = False
            continue
        passed = compare(label, got, refs, exact)
        ok &= passed
        tally["checks"] += 1
        tally["passed"] += passed
        tally["bit_identical"] += all(np.array_equal(g.reshape(r.shape), r) for g, r in zip(got, refs))
    return ok


def check_exported_mlperf(edgec: str, model: Path, n: int, seed: int, work: Path) -> bool:
    """The exported MLPerf model: both peers agree with themselves on the original,
    and edgec's simulator on the exported int8 file agrees with TFLM on it."""
    try:
        exported = export(edgec, model, work)
    except RuntimeError as e:
        print(f"FAIL export {model.name}: edgec export: {e}", flush=True)
        return False
    original, data = model.read_bytes(), exported.read_bytes()
    xs = oracle.draw_inputs(oracle.model_io(original)[0], n, seed)
    exact = "int8" in model.name
    ok = True
    # TFLM refuses the float MLPerf models themselves (kws_float: "hybrid
    # models are not supported"), so float models are checked in LiteRT only.
    for peer in ["tflm", "litert"] if exact else ["litert"]:
        ok &= compare(f"export {model.name} ({n} inputs) in {peer} vs the original in {peer}",
                      oracle.run(peer, data, xs), oracle.run(peer, original, xs), exact)
    if exact:
        names = [o["name"] for o in oracle.model_io(data)[1]]
        try:
            got = simulate(edgec, exported, xs, names, work, [])
            ok &= compare(f"export {model.name} ({n} inputs): edgec simulate vs tflm", got, oracle.run("tflm", data, xs), True)
        except RuntimeError as e:
            print(f"FAIL export {model.name}: edgec simulate: {e}", flush=True)
            ok = False
    return ok


QUANTIZED_EXPORTS = ["net_dscnn_f32", "net_resnet_f32", "net_autoencoder_f32"]
INT4_EXPORTS = ["net_dscnn_f32", "net_resnet_f32", "net_autoencoder_f32"]


def check_quantized_export(edgec: str, model: Path, label: str, xs: list[np.ndarray], work: Path,
                           weights: str = "int8") -> bool:
    """A float model quantized by edgec (calibrated on `xs`, weights of
    width `weights`) and exported: TFLM and LiteRT on the exported file give
    what `edgec simulate --quantize` gives on `xs`, bit for bit (LiteRT with
    --rounding litert)."""
    if len(xs) != 1:
        return True
    x = work / "calibration.npy"
    np.save(x, xs[0])
    ptq = ["--quantize", "int8", "--calibration", str(x)] + (["--weights", weights] if weights != "int8" else [])
    label += f" --weights {weights}" if weights != "int8" else ""
    out = work / "quantized.tflite"
    p = subprocess.run([edgec, "export", str(model), "-o", str(out)] + ptq, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"FAIL quantized export {label}: {(p.stderr or p.stdout).strip()}", flush=True)
        return False
    names = [o["name"] for o in oracle.model_io(out.read_bytes())[1]]
    ok = True
    for peer, rounding in [("tflm", "tflm"), ("litert", "litert")]:
        try:
            got = simulate(edgec, model, xs, names, work, ptq + ["--rounding", rounding])
            ref = oracle.run(peer, out.read_bytes(), xs)
        except Exception as e:
            print(f"FAIL quantized export {label} in {peer}: {type(e).__name__}: {e}", flush=True)
            ok = False
            continue
        ok &= compare(f"quantized export {label} ({xs[0].shape[0]} inputs) in {peer} vs edgec simulate --quantize",
                      got, ref, True)
    return ok


def export_section(edgec: str, n: int, seed: int, work: Path) -> bool:
    ok = True
    if SHARED.exists():
        for name in ["kws", "vww", "resnet8", "ad01"]:
            for kind in ["int8", "float"]:
                ok &= check_exported_mlperf(edgec, SHARED / f"{name}_{kind}.tflite", n, seed, work)
    manifest = ROOT / "Tests" / "Fixtures" / "manifest.json"
    fixtures = json.loads(manifest.read_text())["fixtures"] if manifest.exists() else []
    tally = {"checks": 0, "passed": 0, "bit_identical": 0}
    for fixture in fixtures:
        ok &= check_exported_fixture(edgec, fixture, work, tally)
    print(f"export: {len(fixtures)} fixtures exported, {tally['passed']} of {tally['checks']} peer runs passed "
          f"({tally['bit_identical']} bit-identical to the committed outputs)", flush=True)
    for fixture in fixtures:
        if fixture["name"] in QUANTIZED_EXPORTS:
            directory = ROOT / "Tests" / "Fixtures" / fixture["name"]
            xs = [np.load(directory / spec["file"]) for spec in fixture["inputs"]]
            ok &= check_quantized_export(edgec, directory / "model.tflite", fixture["name"], xs, work)
        if fixture["name"] in INT4_EXPORTS:  # packed int4 weights (TFLite INT4), unpacked by TFLM
            directory = ROOT / "Tests" / "Fixtures" / fixture["name"]
            xs = [np.load(directory / spec["file"]) for spec in fixture["inputs"]]
            ok &= check_quantized_export(edgec, directory / "model.tflite", fixture["name"], xs, work, "int4")
    if SHARED.exists():
        for name in ["kws", "vww", "resnet8", "ad01"]:
            model = SHARED / f"{name}_float.tflite"
            xs = oracle.draw_inputs(oracle.model_io(model.read_bytes())[0], n, seed)
            ok &= check_quantized_export(edgec, model, model.name, xs, work)
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edgec", required=True, help="path to the edgec binary")
    ap.add_argument("-n", type=int, default=200, help="inputs per int8 model (default 200)")
    ap.add_argument("--float-n", type=int, default=50, help="inputs per float model (default 50)")
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--export-only", action="store_true", help="run only the export section")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ok &= export_section(args.edgec, 20, args.seed, work)
        if args.export_only:
            print("conformance (export):", "all passed" if ok else "FAILURES", flush=True)
            return 0 if ok else 1
        if SHARED.exists():
            for name in ["kws", "vww", "resnet8", "ad01"]:
                ok &= check_model(args.edgec, SHARED / f"{name}_int8.tflite", args.n, args.seed,
                                  [("tflm", [], True), ("litert", ["--rounding", "litert"], True)], work)
                ok &= check_model(args.edgec, SHARED / f"{name}_float.tflite", args.float_n, args.seed,
                                  [("litert", [], False)], work)
        else:
            print(f"note: {SHARED} is absent; the shared MLPerf Tiny models are skipped", flush=True)
        manifest = ROOT / "Tests" / "Fixtures" / "manifest.json"
        fixtures = json.loads(manifest.read_text())["fixtures"] if manifest.exists() else []
        for fixture in fixtures:
            model = ROOT / "Tests" / "Fixtures" / fixture["name"] / "model.tflite"
            exact = fixture.get("dtype") != "float32"
            peers = [("tflm", [], True), ("litert", ["--rounding", "litert"], True)] if exact else [("litert", [], False)]
            peers = [p for p in peers if p[0] in fixture.get("peers", ["tflm", "litert"])]
            ok &= check_model(args.edgec, model, 20, args.seed, peers, work)
    print("conformance:", "all passed" if ok else "FAILURES", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

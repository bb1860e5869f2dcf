#!/usr/bin/env python3
"""Regenerate Tests/Fixtures: small TFLite models with the peers' answers.

For every spec in fixtures_specs.py (and the end-to-end networks in
fixtures_networks.py) and each of its conversions, writes
Tests/Fixtures/<fixture>/:

  model.tflite              the converted model
  x.npy | x_<i>.npy         N seeded inputs per graph input, [N, *shape]
  y_tflm.npy | y_tflm_<i>   TensorFlow Lite Micro's outputs, stacked
  y_litert.npy | ..._<i>    LiteRT's reference kernels' outputs, stacked

and Tests/Fixtures/manifest.json describing all of them. Also writes the
bundled demo model under Examples/models/. Deterministic: run it twice and
the bytes are the same.

Issue 6's specs (fixtures_ops6.py: one operator per model; fixtures_vit.py:
the ViTs and the streaming ring) convert their own models and may add to a
manifest entry:

  "peers": ["litert"]   which peers produced outputs (absent: both). TFLM
                        has no GELU, so a GELU model has y_litert only and
                        no "tflm_file" on its outputs.
  "rounding": "litert"  present when TFLM gave no outputs: compare int8
                        against y_litert with edgec's --rounding litert
                        (LoweringOptions(rounding: .litert)).
  "stateful": true      the model keeps state in resource variables: the N
                        rows are consecutive calls of ONE interpreter per
                        peer (state carried over, never reset between rows),
                        so a consumer must run them in order through one
                        instance (the C model's state initialized once, no
                        reset between rows). Without it rows are independent.
  "n"                   rows per input: N below, or the spec's own (100
                        frames for the streaming ring, 4 for vit_4block).

A FOLDED_OPS operator reading a run-time tensor (a STRIDED_SLICE of an
activation, a GATHER from one) needs a kernel, so such a fixture stays
pending on it until SUPPORTED_OPS gains the operator.

A fixture whose model holds an operator edgec neither runs (SUPPORTED_OPS)
nor folds at compile time (FOLDED_OPS) goes to the manifest's "pending_ops"
list instead of "fixtures" (the list the tests iterate over); it moves over
when one of the sets gains the operator and the fixture is regenerated.

Run with the project venv: .venv/bin/python tools/make_fixtures.py
  --only res_basic,net_mobilenetv2   regenerate these specs alone; every other
                                     fixture and manifest entry stays as it is
  --pending                          the same for every spec with a "pending_ops"
                                     entry: after adding an operator to
                                     SUPPORTED_OPS, moves its fixtures over
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # the same float arithmetic on every x86 CPU
os.environ["PYTHONHASHSEED"] = "0"

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.get_logger().setLevel("ERROR")

import fixtures_arena  # noqa: E402
import fixtures_inspect  # noqa: E402
import oracle  # noqa: E402
from fixtures_convert import SEED, convert, name_seed, seed_everything, set_weights  # noqa: E402
from fixtures_keras_shape import KERAS_SHAPE_SPECS  # noqa: E402
from fixtures_memory import MEMORY_SPECS  # noqa: E402
from fixtures_networks import DEMO, NETWORKS  # noqa: E402
from fixtures_ops6 import OP6_SPECS  # noqa: E402
from fixtures_specs import SPECS  # noqa: E402
from fixtures_vit import STREAM_FIXTURES, VIT_FIXTURES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
N = 20
DEMO_N = 8
SUPPORTED_OPS = {
    "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL",
    "AVERAGE_POOL_2D", "MAX_POOL_2D", "MEAN", "RESHAPE", "SOFTMAX",
    "LOGISTIC", "PAD", "CONCATENATION", "QUANTIZE", "DEQUANTIZE",
    # issue 6, helper stream: resource variables (state buffer + <model>_reset)
    "CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE",
    # issue 6, helper ops2: run-time kernels (STRIDED_SLICE/GATHER also fold on constants)
    "BATCH_MATMUL", "TRANSPOSE", "STRIDED_SLICE", "GATHER", "SPLIT", "SPLIT_V",
    # issue 6, helper ops1 (GELU: LiteRT-only fixtures). gelu_tanh stays
    # pending: its float32 output is LiteRT's Eigen tanh approximation, up to
    # 1e-6 from tanhf, above the float tolerance for GELU's small outputs.
    "SUB", "SQUARED_DIFFERENCE", "RSQRT", "NEG", "HARD_SWISH", "GELU",
}
# Shape arithmetic edgec evaluates at compile time (the fold-constants pass):
# no kernel, so not in the coverage check, but a model holding them compiles.
FOLDED_OPS = {
    "SHAPE", "RANK", "STRIDED_SLICE", "SLICE", "PACK", "UNPACK", "GATHER", "REDUCE_PROD", "CAST",
    "SQUEEZE", "EXPAND_DIMS", "FILL",
}
ALL_SPECS = [*SPECS, *MEMORY_SPECS, *NETWORKS, *KERAS_SHAPE_SPECS, *OP6_SPECS, *VIT_FIXTURES, *STREAM_FIXTURES]
PEERS = ("tflm", "litert")
_DUPLICATES = sorted({s.name for s in ALL_SPECS if sum(t.name == s.name for t in ALL_SPECS) > 1})
if _DUPLICATES:  # two specs of one name would write one directory
    raise SystemExit(f"make_fixtures.py: spec names used twice: {_DUPLICATES}")


NOTES = {
    "layout": "<name>/model.tflite; x.npy (or x_<i>.npy per graph input, graph order), [n, *input_shape], "
              "the input's dtype; y_tflm.npy and y_litert.npy (or _<i> per graph output) stacked the same way",
    "peers": "tflm: TensorFlow Lite Micro's Python interpreter; litert: ai-edge-litert with "
             "OpResolverType.BUILTIN_REF (reference kernels)",
    "tflm_vs_litert": "bit_exact and mismatched_elements compare every output element; max_rel_diff is "
                      "max |a-b| / max(|a|,|b|) over elements where either is non-zero",
    "float_io": "int8 models converted without inference_input/output_type: QUANTIZE float32->int8 at each "
                "input, DEQUANTIZE at each output. They are where QUANTIZE and DEQUANTIZE meet float32 data, "
                "since a float32 model has neither",
    "folded_ops": "operators edgec evaluates at compile time on static shapes (no kernel): a fixture may "
                  "hold them (the keras_shape_* exports)",
    "pending_ops": "fixtures whose models hold operators edgec does not support yet (their extra_ops: "
                   "neither supported nor folded, or a folded one on run-time data); the tests do not "
                   "iterate over them",
    "issue6_fields": "peers: the peers that produced outputs (absent: tflm and litert); rounding: 'litert' "
                     "when TFLM gave none (GELU): int8 compares with y_litert under --rounding litert; "
                     "stateful: true when the rows are consecutive calls of one interpreter with its "
                     "resource variables carried over (run them in order, no reset between rows)",
    "tflm_arena": "where present: the RecordingMicroAllocator's figures of the tflite-micro Python package "
                  "(host build: 64-bit pointers, reference kernels) after one invoke; total = head (the "
                  "tensors TFLM's greedy planner places) + tail (persistent: eval tensors, node structs, "
                  "kernel data)",
    "inputs": "int8 inputs uniform over [-128, 127], except the net_* fixtures, whose rows are each uniform "
              "over a random sub-range at least 64 wide (whole-map averaging makes i.i.d. full-range rows "
              "all give the same answer); float32 inputs drawn like the calibration data "
              "(normal(0, scale) or uniform, per fixture)",
}


def fixture_name(spec_name: str, conversion) -> str:
    if conversion.kind == "float32":
        return f"{spec_name}_f32"
    if conversion.extra.get("_experimental_variable_quantization"):
        return f"{spec_name}_int8_qvar"
    return f"{spec_name}_int8_floatio" if conversion.float_io else f"{spec_name}_int8"


def build_model(spec, fixture: str):
    tf.keras.backend.clear_session()  # layer names (and so tensor names) restart per model
    seed_everything(fixture)
    model = spec.build()
    set_weights(model, spec.name, list(spec.ranges))  # the int8 and float32 fixtures share weights
    return model


def draw_x(name: str, spec, ins: list[dict], n: int = N) -> list[np.ndarray]:
    rng = np.random.default_rng(name_seed(name + "/x"))
    xs = []
    for d, r in zip(ins, spec.ranges):
        shape = [n, *d["shape"]]
        if d["dtype"] == "float32":
            xs.append(r.draw(rng, shape))
        elif d["dtype"] == "int8" and spec.varied_rows:
            xs.append(np.stack([varied_row(rng, shape[1:]) for _ in range(n)]))
        else:
            xs.append(oracle.draw(rng, d["dtype"], shape))
    return xs


def varied_row(rng: np.random.Generator, shape: list[int]) -> np.ndarray:
    """One int8 row uniform over a random sub-range at least 64 wide."""
    width = int(rng.integers(64, 256, endpoint=True))
    low = int(rng.integers(-128, 128 - width, endpoint=True))
    return rng.integers(low, low + width - 1, size=shape, endpoint=True).astype(np.int8)


def agreement(a: list[np.ndarray], b: list[np.ndarray]) -> dict:
    mismatched = sum(int(np.count_nonzero(x != y)) for x, y in zip(a, b))
    total = sum(x.size for x in a)
    max_abs = max(float(np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)), initial=0)) for x, y in zip(a, b))
    max_rel = 0.0
    for x, y in zip(a, b):
        x, y = x.astype(np.float64), y.astype(np.float64)
        denom = np.maximum(np.abs(x), np.abs(y))
        diff = np.abs(x - y)
        rel = np.divide(diff, denom, out=np.zeros_like(diff), where=denom > 0)
        max_rel = max(max_rel, float(np.max(rel, initial=0)))
    return {
        "bit_exact": mismatched == 0,
        "mismatched_elements": mismatched,
        "elements": total,
        "max_abs_diff": max_abs,
        "max_rel_diff": max_rel,
    }


def numbered(stem: str, i: int, count: int) -> str:
    return f"{stem}.npy" if count == 1 else f"{stem}_{i}.npy"


def runtime_folded_ops(model_bytes: bytes) -> set[str]:
    """The FOLDED_OPS operators of the main subgraph that read run-time data
    (a STRIDED_SLICE of an activation, a GATHER from one): those need a
    kernel. Static: constants, SHAPE/RANK outputs (static shapes), and what a
    folded operator computes from static tensors alone."""
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.read_model_from_bytearray(model_bytes)
    graph = model.subgraphs[0]
    static = {i for i, t in enumerate(graph.tensors)
              if t.buffer > 0 and model.buffers[t.buffer].data is not None and len(model.buffers[t.buffer].data)}
    runtime = set()
    for op in graph.operators:
        name = flatbuffer_utils.opcode_to_name(model, op.opcodeIndex)
        if name in ("SHAPE", "RANK") or (name in FOLDED_OPS and all(i < 0 or i in static for i in op.inputs)):
            static.update(int(o) for o in op.outputs)
        elif name in FOLDED_OPS:
            runtime.add(name)
    return runtime


def make_fixture(spec, conversion, out_dir: Path) -> dict:
    name = fixture_name(spec.name, conversion)
    if hasattr(spec, "model_bytes"):  # fixtures_ops6 / fixtures_vit: tf.function and converter of their own
        model_bytes = spec.model_bytes(conversion, name)
    else:
        model = build_model(spec, name)
        model_bytes = convert(model, spec.name, list(spec.ranges), conversion, spec.patch)
    ins, outs = oracle.model_io(model_bytes)
    ops = oracle.model_ops(model_bytes)
    details = fixtures_inspect.operators(model_bytes)
    for d in details:  # VAR_HANDLE's container and shared_name are bytes
        d.get("options", {}).update({k: v.decode() for k, v in d.get("options", {}).items() if isinstance(v, bytes)})
    if [d["op"] for d in details] != ops:
        raise RuntimeError(f"{name}: the flatbuffer and LiteRT disagree on the operators")
    n = getattr(spec, "n", N)
    xs = spec.inputs(name, ins) if hasattr(spec, "inputs") else draw_x(name, spec, ins, n)
    # Every row through one interpreter per peer, in order (oracle.run): for a
    # stateful model the rows are consecutive calls, the state carried over.
    peers = getattr(spec, "peers", PEERS)
    ys = {peer: oracle.run(peer, model_bytes, xs) for peer in peers}

    directory = out_dir / name
    directory.mkdir(parents=True)
    (directory / "model.tflite").write_bytes(model_bytes)
    for i, (d, x) in enumerate(zip(ins, xs)):
        d["file"] = numbered("x", i, len(xs))
        np.save(directory / d["file"], x)
    for i, d in enumerate(outs):
        for peer in peers:
            d[f"{peer}_file"] = numbered(f"y_{peer}", i, len(outs))
            np.save(directory / d[f"{peer}_file"], ys[peer][i])

    unique_ops = list(dict.fromkeys(ops))
    runtime = runtime_folded_ops(model_bytes) if hasattr(spec, "model_bytes") else set()
    entry = {
        "name": name,
        "spec": spec.name,
        "covers": spec.covers,
        "dtype": conversion.kind,
        "float_io": conversion.float_io,
        "ops": unique_ops,
        "extra_ops": [op for op in unique_ops if op not in SUPPORTED_OPS and (op not in FOLDED_OPS or op in runtime)],
        "operators": details,
        "model_bytes": len(model_bytes),
        "n": n,
        "inputs": ins,
        "outputs": outs,
    }
    if set(PEERS) <= set(peers):
        entry["tflm_vs_litert"] = agreement(ys["tflm"], ys["litert"])
    if hasattr(spec, "peers"):
        entry["peers"] = list(peers)
        if "tflm" not in peers:
            entry["rounding"] = "litert"
    if getattr(spec, "stateful", False):
        entry["stateful"] = True
    if hasattr(spec, "manifest_extras"):
        entry.update(spec.manifest_extras(conversion))
    if spec.measure_arena and conversion.kind == "int8":
        entry["tflm_arena"] = fixtures_arena.tflm_arena(model_bytes, xs)
    return entry


def make_demo(out_dir: Path) -> None:
    spec, conversion = DEMO
    name = fixture_name(spec.name, conversion)
    model = build_model(spec, name)
    model_bytes = convert(model, spec.name, list(spec.ranges), conversion, spec.patch)
    ins, _ = oracle.model_io(model_bytes)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "kws_dscnn_int8.tflite").write_bytes(model_bytes)
    np.save(out_dir / "kws_dscnn_x.npy", draw_x("demo", spec, ins, DEMO_N)[0])


def previous_manifest(out_dir: Path) -> dict:
    manifest = out_dir / "manifest.json"
    return json.loads(manifest.read_text()) if manifest.exists() else {}


def clear_previous(out_dir: Path, names: list[str]) -> None:
    """Remove the directories of the fixtures about to be written (and only
    those: other tests may keep their own files beside the fixtures)."""
    for name in names:
        if (out_dir / name).is_dir():
            shutil.rmtree(out_dir / name)
    out_dir.mkdir(parents=True, exist_ok=True)


def merged(fresh: list[dict], kept: list[dict], order: list[str]) -> list[dict]:
    """The fresh entries and the kept ones (their manifest text untouched), in
    spec order; kept entries no spec makes any more are dropped."""
    by_name = {e["name"]: e for e in kept}
    by_name.update({e["name"]: e for e in fresh})
    return [by_name[name] for name in order if name in by_name]


def versions() -> dict:
    from importlib.metadata import version

    return {p: version(p) for p in ("tensorflow-cpu", "tflite-micro", "ai-edge-litert", "numpy")}


def check_coverage(entries: list[dict], budgets: dict[str, int]) -> list[str]:
    problems = []
    for dtype in ("int8", "float32"):
        seen = {op for e in entries if e["dtype"] == dtype for op in e["ops"]}
        if dtype == "float32":
            # A float32 model has no QUANTIZE/DEQUANTIZE of its own; their
            # float sides are the float I/O of the int8 *_floatio fixtures.
            seen |= {op for e in entries if e["float_io"] for op in e["ops"]}
        missing = sorted(SUPPORTED_OPS - seen)
        if missing:
            problems.append(f"no {dtype} fixture contains {missing}")
    for e in entries:
        if e["model_bytes"] > budgets.get(e["spec"], 0):
            problems.append(f"{e['name']} is {e['model_bytes']} bytes (budget {budgets.get(e['spec'])})")
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "Tests" / "Fixtures")
    parser.add_argument("--demo-out", type=Path, default=ROOT / "Examples" / "models")
    parser.add_argument("--only", default="",
                        help="comma-separated spec names: regenerate those fixtures and their manifest "
                             "entries, keep every other one as it is (no demo model)")
    parser.add_argument("--pending", action="store_true",
                        help="regenerate every spec that has a pending_ops entry (as --only does)")
    args = parser.parse_args(argv)
    if args.pending:
        pending_specs = [e["spec"] for e in previous_manifest(args.out).get("pending_ops", [])]
        args.only = ",".join(dict.fromkeys([*filter(None, args.only.split(",")), *pending_specs]))
        if not args.only:
            print("no pending fixtures", file=sys.stderr)
            return 0

    all_items = [(s, c) for s in ALL_SPECS for c in s.conversions]
    only = {x for x in args.only.split(",") if x}
    unknown = only - {s.name for s in ALL_SPECS}
    if unknown:
        parser.error(f"no spec named {sorted(unknown)}")
    items = [(s, c) for s, c in all_items if s.name in only] if only else all_items
    previous = previous_manifest(args.out)
    kept = [] if not only else [
        e for key in ("fixtures", "pending_ops") for e in previous.get(key, []) if e["spec"] not in only
    ]
    stale = [] if only else [e["name"] for key in ("fixtures", "pending_ops") for e in previous.get(key, [])]
    clear_previous(args.out, stale + [fixture_name(s.name, c) for s, c in items])

    entries = []
    for spec, conversion in items:
        entry = make_fixture(spec, conversion, args.out)
        ops = [d["op"] for d in entry["operators"]]
        agree = entry.get("tflm_vs_litert")
        print(f"{entry['name']:34s} {entry['model_bytes']:6d} B  {' '.join(ops)}"
              f"  | {'peers ' + ' '.join(entry['peers']) if agree is None else 'bit-exact' if agree['bit_exact'] else 'differ %d/%d rel %.2g' % (agree['mismatched_elements'], agree['elements'], agree['max_rel_diff'])}"
              f"{'  | pending: ' + ' '.join(entry['extra_ops']) if entry['extra_ops'] else ''}",
              flush=True)
        entries.append(entry)

    order = [fixture_name(s.name, c) for s, c in all_items]
    every = merged(entries, kept, order)
    fixtures = [e for e in every if not e["extra_ops"]]
    pending = [e for e in every if e["extra_ops"]]
    manifest = {
        "about": NOTES,
        "seed": SEED,
        "n": N,
        "versions": versions(),
        "supported_ops": sorted(SUPPORTED_OPS),
        "folded_ops": sorted(FOLDED_OPS),
        "fixtures": fixtures,
    }
    if pending:
        manifest["pending_ops"] = pending
    if only and previous.get("versions", manifest["versions"]) != manifest["versions"]:
        print(f"warning: the kept fixtures were made with {previous['versions']}, "
              f"these with {manifest['versions']}", file=sys.stderr)
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    if not only:
        make_demo(args.demo_out)
    for problem in check_coverage(fixtures, {s.name: s.max_model_bytes for s in ALL_SPECS}):
        print(f"warning: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

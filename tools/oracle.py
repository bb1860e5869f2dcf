#!/usr/bin/env python3
"""Run a .tflite model through a peer runtime, or draw seeded inputs for it.

edgec's conformance tests call this script to get the answers of the two
runtimes edgec is measured against:

  tflm    TensorFlow Lite Micro's interpreter (the `tflite-micro` package).
          edgec's default arithmetic reproduces it bit for bit.
  litert  LiteRT (`ai-edge-litert`) with its reference kernels
          (OpResolverType.BUILTIN_REF), what `edgec --rounding litert` follows.

Usage:
  oracle.py tflm   MODEL X.npy Y.npy
  oracle.py litert MODEL X.npy Y.npy
  oracle.py tflm   MODEL --input NAME=A.npy --input NAME=B.npy Y.npy
  oracle.py inputs MODEL N SEED X.npy

X holds the inputs stacked along a new leading axis, [N, *input_shape], with
exactly the model input's dtype (no silent casts). Every row runs through
one interpreter, in order: for a stateful model (resource variables, the
streaming fixtures) the rows are consecutive calls with the state carried
over, as the manifest's "stateful" fixtures were made. Y gets the outputs stacked the same way. An X of
exactly the input shape is a single run and gives a Y of exactly the output
shape.

Models with several inputs take one `--input NAME=FILE.npy` per input; NAME
is the graph input's tensor name or its position (0, 1, ...). Models with
several outputs write one file per output in graph order: Y.npy becomes
Y_0.npy, Y_1.npy, ...

`inputs` draws N seeded random inputs of the model's input dtype and shape:
int8/uint8/int16 uniform over the full range, float32 normal(0, 1). Several
inputs are drawn in graph order from one generator and written to
X_0.npy, X_1.npy, ...
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

TFLM_ARENA_BYTES = 8 << 20


def model_io(model_bytes: bytes) -> tuple[list[dict], list[dict]]:
    """Graph inputs and outputs (name, shape, dtype, quantization) in graph order."""
    interpreter = _litert_interpreter(model_bytes)
    return (
        [_describe(d) for d in interpreter.get_input_details()],
        [_describe(d) for d in interpreter.get_output_details()],
    )


def model_ops(model_bytes: bytes) -> list[str]:
    """The builtin operator name of every operator, in execution order."""
    interpreter = _litert_interpreter(model_bytes)
    return [d["op_name"] for d in interpreter._get_ops_details()]


def run(peer: str, model_bytes: bytes, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """Run every row of the stacked `inputs` (graph order) and stack the outputs."""
    ins, outs = model_io(model_bytes)
    _check_inputs(ins, inputs)
    n = inputs[0].shape[0]
    if peer == "tflm":
        step = _tflm_runner(model_bytes, len(ins), len(outs))
    elif peer == "litert":
        step = _litert_runner(model_bytes)
    else:
        raise ValueError(f"unknown peer '{peer}': use tflm or litert")
    rows = [step([x[i] for x in inputs]) for i in range(n)]
    return [
        np.stack([row[j] for row in rows]).astype(np.dtype(outs[j]["dtype"]), copy=False)
        for j in range(len(outs))
    ]


def draw_inputs(inputs: list[dict], n: int, seed: int) -> list[np.ndarray]:
    """N seeded random rows per graph input, drawn in graph order from one generator."""
    rng = np.random.default_rng(seed)
    return [draw(rng, spec["dtype"], [n, *spec["shape"]]) for spec in inputs]


def draw(rng: np.random.Generator, dtype: str, shape: list[int], scale: float = 1.0) -> np.ndarray:
    """Integers uniform over the dtype's full range; floats normal(0, scale)."""
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dt)
    if dt == np.float32:
        return (rng.standard_normal(size=shape) * scale).astype(np.float32)
    raise ValueError(f"cannot draw inputs of dtype {dt.name}")


# --- peers -------------------------------------------------------------------


def _litert_interpreter(model_bytes: bytes):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interpreter = Interpreter(
        model_content=model_bytes,
        experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
        num_threads=1,
    )
    interpreter.allocate_tensors()
    return interpreter


def _litert_runner(model_bytes: bytes):
    interpreter = _litert_interpreter(model_bytes)
    in_idx = [d["index"] for d in interpreter.get_input_details()]
    out_idx = [d["index"] for d in interpreter.get_output_details()]

    def step(row: list[np.ndarray]) -> list[np.ndarray]:
        for index, x in zip(in_idx, row):
            interpreter.set_tensor(index, np.ascontiguousarray(x))
        interpreter.invoke()
        return [interpreter.get_tensor(index).copy() for index in out_idx]

    return step


def _tflm_runner(model_bytes: bytes, n_in: int, n_out: int):
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=TFLM_ARENA_BYTES)

    def step(row: list[np.ndarray]) -> list[np.ndarray]:
        for index, x in enumerate(row):
            interpreter.set_input(np.ascontiguousarray(x), index)
        interpreter.invoke()
        return [np.array(interpreter.get_output(j), copy=True) for j in range(n_out)]

    return step


def _describe(detail: dict) -> dict:
    q = detail["quantization_parameters"]
    return {
        "name": detail["name"],
        "shape": [int(s) for s in detail["shape"]],
        "dtype": np.dtype(detail["dtype"]).name,
        "scale": [float(s) for s in q["scales"]],
        "zero_point": [int(z) for z in q["zero_points"]],
    }


def _check_inputs(specs: list[dict], inputs: list[np.ndarray]) -> None:
    if len(inputs) != len(specs):
        raise ValueError(f"model has {len(specs)} inputs, got {len(inputs)} arrays")
    n = None
    for spec, x in zip(specs, inputs):
        want = tuple(spec["shape"])
        if x.dtype != np.dtype(spec["dtype"]):
            raise ValueError(f"input '{spec['name']}' is {spec['dtype']}, the array is {x.dtype.name}")
        if x.shape[1:] != want:
            raise ValueError(f"input '{spec['name']}' has shape {list(want)}, rows of the array have {list(x.shape[1:])}")
        if n is not None and x.shape[0] != n:
            raise ValueError(f"inputs disagree on N: {n} and {x.shape[0]}")
        n = x.shape[0]


# --- command line ------------------------------------------------------------


def _numbered(path: Path, i: int, count: int) -> Path:
    return path if count == 1 else path.with_name(f"{path.stem}_{i}{path.suffix}")


def _load_inputs(specs: list[dict], positional: list[str], named: list[str]) -> tuple[list[np.ndarray], bool]:
    """The stacked input arrays in graph order, and whether they were given unstacked."""
    if named:
        by_slot: dict[int, np.ndarray] = {}
        for item in named:
            key, sep, file = item.partition("=")
            if not sep:
                raise ValueError(f"--input takes NAME=FILE.npy, got '{item}'")
            names = [s["name"] for s in specs]
            if key in names:
                slot = names.index(key)
            elif key.isdigit() and int(key) < len(specs):
                slot = int(key)
            else:
                raise ValueError(f"no graph input named '{key}'; inputs are {names}")
            by_slot[slot] = np.load(file, allow_pickle=False)
        missing = [specs[i]["name"] for i in range(len(specs)) if i not in by_slot]
        if missing:
            raise ValueError(f"no array given for inputs {missing}")
        arrays = [by_slot[i] for i in range(len(specs))]
    else:
        if len(specs) != 1:
            raise ValueError(f"the model has {len(specs)} inputs: pass each with --input NAME=FILE.npy")
        if not positional:
            raise ValueError("missing X.npy")
        arrays = [np.load(positional[0], allow_pickle=False)]
    single = all(tuple(a.shape) == tuple(s["shape"]) for a, s in zip(arrays, specs))
    if single:
        arrays = [a[np.newaxis] for a in arrays]
    return arrays, single


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="oracle.py",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__[__doc__.index("Usage:"):],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("mode", choices=["tflm", "litert", "inputs"])
    parser.add_argument("model", type=Path)
    parser.add_argument("paths", nargs="+", help="X.npy Y.npy | Y.npy (with --input) | N SEED X.npy (inputs)")
    parser.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy")
    args = parser.parse_args(argv)

    try:
        model_bytes = args.model.read_bytes()
        specs, _ = model_io(model_bytes)
        if args.mode == "inputs":
            if len(args.paths) != 3:
                parser.error("inputs takes MODEL N SEED X.npy")
            n, seed, out = int(args.paths[0]), int(args.paths[1]), Path(args.paths[2])
            arrays = draw_inputs(specs, n, seed)
            for i, array in enumerate(arrays):
                np.save(_numbered(out, i, len(arrays)), array)
            return 0
        expected = 1 if args.input else 2
        if len(args.paths) != expected:
            parser.error("give X.npy Y.npy, or --input NAME=FILE.npy ... Y.npy")
        inputs, single = _load_inputs(specs, args.paths[:-1], args.input)
        outputs = run(args.mode, model_bytes, inputs)
        out = Path(args.paths[-1])
        for i, y in enumerate(outputs):
            np.save(_numbered(out, i, len(outputs)), y[0] if single else y)
        return 0
    except (ValueError, OSError, RuntimeError) as error:
        print(f"oracle.py: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

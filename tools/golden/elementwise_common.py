"""Shared machinery of the golden scripts for ADD, MUL, MEAN, SOFTMAX,
LOGISTIC, CONCATENATION, QUANTIZE and DEQUANTIZE.

These operators have no weights, so each case is a one-operator .tflite model
written directly with the TFLite schema (flatbuffers object API): that pins
the exact quantization parameters, shapes and options a case needs (odd
scales, saturating radii, ties in rounding), which a converter would choose
for itself. The model runs through TensorFlow Lite Micro's Python interpreter
(the peer edgec is bit-exact with) and, for float32, LiteRT's reference
kernels; the case and TFLM's output are written between the
`// BEGIN GOLDEN` and `// END GOLDEN` markers of the op's test file in
Tests/EdgeReferenceTests, stamped with the versions that produced them.
Run with the project venv:

    .venv/bin/python tools/golden/softmax.py
"""

from __future__ import annotations

import importlib.metadata
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import flatbuffers  # noqa: E402
import numpy as np  # noqa: E402
from tflite_micro.python.tflite_micro import runtime  # noqa: E402
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as fb  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FB_TYPES = {"int8": fb.TensorType.INT8, "float32": fb.TensorType.FLOAT32, "int32": fb.TensorType.INT32}
NP_TYPES = {"int8": np.int8, "float32": np.float32, "int32": np.int32}
ACTIVATIONS = {"none": 0, "relu": 1, "reluN1To1": 2, "relu6": 3}


def versions() -> str:
    return (f"tensorflow {importlib.metadata.version('tensorflow-cpu')}, "
            f"tflite-micro {importlib.metadata.version('tflite-micro')}, "
            f"ai-edge-litert {importlib.metadata.version('ai-edge-litert')}")


@dataclass
class Operand:
    """One tensor of a golden case. `data` makes it a constant; otherwise it is
    fed from the case's feeds, in order."""
    type: str
    shape: list[int]
    scale: float | None = None
    zero_point: int = 0
    data: list | None = None


@dataclass
class Case:
    name: str
    kind: str                 # Swift OpKind case: add, mul, mean, ...
    code: int                 # fb.BuiltinOperator
    inputs: list[Operand]
    output: Operand
    options: str = ".none"    # Swift OperatorOptions literal
    fb_options: tuple = (0, None)
    feeds: list[np.ndarray] = field(default_factory=list)
    expected: np.ndarray | None = None

    def model(self) -> bytes:
        tensors, buffers = [], [fb.BufferT()]

        def tensor(index: int, t: Operand) -> int:
            ft = fb.TensorT()
            ft.name, ft.type, ft.shape = f"t{index}", FB_TYPES[t.type], list(t.shape)
            if t.scale is not None:
                q = fb.QuantizationParametersT()
                q.scale, q.zeroPoint = [float(t.scale)], [int(t.zero_point)]
                ft.quantization = q
            buf = fb.BufferT()
            if t.data is not None:
                buf.data = list(np.asarray(t.data, NP_TYPES[t.type]).tobytes())
            buffers.append(buf)
            ft.buffer = len(buffers) - 1
            tensors.append(ft)
            return len(tensors) - 1

        ids = [tensor(i, t) for i, t in enumerate(self.inputs)]
        out = tensor(len(self.inputs), self.output)
        op = fb.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = 0, ids, [out]
        op.builtinOptionsType, op.builtinOptions = self.fb_options
        sg = fb.SubGraphT()
        sg.tensors, sg.operators = tensors, [op]
        sg.inputs = [i for i, t in zip(ids, self.inputs) if t.data is None]
        sg.outputs = [out]
        code = fb.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode, code.version = self.code, min(self.code, 127), 1
        m = fb.ModelT()
        m.version, m.subgraphs, m.buffers, m.operatorCodes = 3, [sg], buffers, [code]
        b = flatbuffers.Builder(1024)
        b.Finish(m.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())

    def run_tflm(self) -> np.ndarray:
        interpreter = runtime.Interpreter.from_bytes(self.model(), arena_size=1 << 20)
        for i, x in enumerate(self.feeds):
            interpreter.set_input(x, i)
        interpreter.invoke()
        return interpreter.get_output(0)


def swift_number(x) -> str:
    """A literal whose Double value is exactly the element (float32 values
    are written with all the digits of their exact double value)."""
    if isinstance(x, (float, np.floating)):
        v = float(np.float32(x))
        if np.isnan(v):
            return ".nan"
        if np.isinf(v):
            return ".infinity" if v > 0 else "-.infinity"
        return repr(v)
    return str(int(x))


def swift_array(values, per_line: int = 16, indent: str = "      ") -> str:
    items = [swift_number(v) for v in np.asarray(values).reshape(-1)]
    if not items:
        return "[]"
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[\n" + ",\n".join(indent + "  " + line for line in lines) + ",\n" + indent + "]"


def swift_operand(t: Operand, indent: str) -> str:
    scale = "nil" if t.scale is None else repr(float(np.float32(t.scale)))
    data = "nil" if t.data is None else swift_array(t.data, indent=indent)
    return (f"GoldenOperand(.{t.type}, {list(t.shape)}, scale: {scale}, zeroPoint: {t.zero_point}, "
            f"data: {data})")


def swift_case(c: Case) -> str:
    ind = "    "
    inputs = ",\n".join(f"{ind}  " + swift_operand(t, ind + "  ") for t in c.inputs)
    feeds = ",\n".join(f"{ind}  " + swift_array(f, indent=ind + "  ") for f in c.feeds)
    return (f"  SingleOpGolden(\n"
            f"{ind}name: \"{c.name}\", kind: .{c.kind}, options: {c.options},\n"
            f"{ind}inputs: [\n{inputs},\n{ind}],\n"
            f"{ind}output: {swift_operand(c.output, ind)},\n"
            f"{ind}feeds: [\n{feeds},\n{ind}],\n"
            f"{ind}expected: {swift_array(c.expected, indent=ind)}),\n")


def write_golden(test_file: str, script: str, variable: str, cases: list[Case]) -> None:
    """Runs every case through TFLM and rewrites the golden block of `test_file`."""
    for c in cases:
        c.expected = c.run_tflm()
    body = "".join(swift_case(c) for c in cases)
    block = (f"// BEGIN GOLDEN: generated by tools/golden/{script} with {versions()}. Do not edit.\n"
             f"let {variable}: [SingleOpGolden] = [\n{body}]\n// END GOLDEN")
    path = ROOT / "Tests" / "EdgeReferenceTests" / test_file
    text = path.read_text()
    new, count = re.subn(r"// BEGIN GOLDEN.*?// END GOLDEN", lambda _: block, text, flags=re.S)
    if count != 1:
        raise SystemExit(f"{path}: expected one BEGIN/END GOLDEN block, found {count}")
    path.write_text(new)
    print(f"{path.relative_to(ROOT)}: {len(cases)} cases")


def int8_sweep(shape) -> np.ndarray:
    """Every int8 value, repeated to fill `shape`."""
    n = int(np.prod(shape))
    return np.resize(np.arange(-128, 128, dtype=np.int8), n).reshape(shape)

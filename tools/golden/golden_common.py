"""Shared machinery of the tools/golden/<op>.py scripts.

Each script builds a few single-operator models with TensorFlow (Keras layer
-> TFLiteConverter, full int8 quantization with a representative dataset, or
float), runs them through TensorFlow Lite Micro (and, where the peers differ,
LiteRT's reference kernels) on a seeded input, and writes everything a Swift
test needs to rebuild the same operator by hand -- tensors, quantization,
weights, options, the input and the peers' outputs -- between the
`// BEGIN GOLDEN` and `// END GOLDEN` markers of its test file in
Tests/EdgeReferenceTests. The arrays are stamped with the versions that
produced them. Run with the project venv:

    .venv/bin/python tools/golden/conv2d.py
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from tflite_micro.python.tflite_micro import runtime  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TYPES = {0: "float32", 2: "int32", 4: "int64", 9: "int8"}
PADDING = {0: ".same", 1: ".valid"}
ACTIVATION = {0: ".none", 1: ".relu", 2: ".reluN1To1", 3: ".relu6"}


def versions() -> str:
    return (f"tensorflow {tf.__version__}, tflite-micro {importlib.metadata.version('tflite-micro')}, "
            f"ai-edge-litert {importlib.metadata.version('ai-edge-litert')}")


def convert(layer_fn, input_shape, *, quantize: bool, per_tensor: bool = False, seed: int = 0,
            data_range: tuple[float, float] = (-1.5, 1.5), dynamic: bool = False) -> bytes:
    """A one-layer Keras model as .tflite bytes: int8 in and out (calibrated on
    uniform data in `data_range`), float, or `dynamic`-range quantized (float
    activations, int8 weights of 1024 or more elements: a hybrid operator)."""
    tf.keras.utils.set_random_seed(seed)
    x = tf.keras.Input(shape=input_shape[1:], batch_size=input_shape[0])
    model = tf.keras.Model(x, layer_fn(x))
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if dynamic:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if per_tensor:
            converter._experimental_disable_per_channel = True
    if quantize:
        rng = np.random.default_rng(seed)

        def representative():
            for _ in range(64):
                yield [rng.uniform(*data_range, size=input_shape).astype(np.float32)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
        if per_tensor:
            converter._experimental_disable_per_channel = True
    return converter.convert()


def run_tflm(model: bytes, x: np.ndarray) -> np.ndarray:
    interpreter = runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
    interpreter.set_input(x, 0)
    interpreter.invoke()
    return interpreter.get_output(0)


def run_litert_reference(model: bytes, x: np.ndarray) -> np.ndarray:
    interpreter = Interpreter(model_content=model, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


def seeded_input(model: bytes, seed: int) -> np.ndarray:
    """Full-range int8, or normal floats with standard deviation 1.5."""
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    tensor = m.subgraphs[0].tensors[m.subgraphs[0].inputs[0]]
    rng = np.random.default_rng(seed)
    shape = tuple(int(d) for d in tensor.shape)
    if tensor.type == 9:
        return rng.integers(-128, 128, size=shape, dtype=np.int8)
    return (rng.standard_normal(size=shape) * 1.5).astype(np.float32)


def _literal(v: float, is_float: bool) -> str:
    if is_float:
        return repr(float(np.float32(v)))
    return str(int(v))


def _array(values, is_float: bool) -> str:
    items = [_literal(v, is_float) for v in np.asarray(values).reshape(-1)]
    lines = [", ".join(items[i:i + 16]) for i in range(0, len(items), 16)]
    return "[\n" + ",\n".join("        " + line for line in lines) + ",\n      ]" if items else "[]"


def _options(op, code: int) -> str:
    o = op.builtinOptions
    if code == 3:  # CONV_2D
        return (f".conv2D(Conv2DOptions(padding: {PADDING[o.padding]}, strideH: {o.strideH}, strideW: {o.strideW}, "
                f"dilationH: {o.dilationHFactor}, dilationW: {o.dilationWFactor}, activation: {ACTIVATION[o.fusedActivationFunction]}))")
    if code == 4:  # DEPTHWISE_CONV_2D
        return (f".depthwiseConv2D(DepthwiseConv2DOptions(padding: {PADDING[o.padding]}, strideH: {o.strideH}, strideW: {o.strideW}, "
                f"dilationH: {o.dilationHFactor}, dilationW: {o.dilationWFactor}, depthMultiplier: {o.depthMultiplier}, "
                f"activation: {ACTIVATION[o.fusedActivationFunction]}))")
    if code == 9:  # FULLY_CONNECTED
        return (f".fullyConnected(FullyConnectedOptions(activation: {ACTIVATION[o.fusedActivationFunction]}, "
                f"keepNumDims: {'true' if o.keepNumDims else 'false'}))")
    if code in (1, 17):  # AVERAGE_POOL_2D, MAX_POOL_2D
        return (f".pool2D(Pool2DOptions(padding: {PADDING[o.padding]}, strideH: {o.strideH}, strideW: {o.strideW}, "
                f"filterH: {o.filterHeight}, filterW: {o.filterWidth}, activation: {ACTIVATION[o.fusedActivationFunction]}))")
    return ".none"


KINDS = {3: ".conv2D", 4: ".depthwiseConv2D", 9: ".fullyConnected", 1: ".averagePool2D", 17: ".maxPool2D", 34: ".pad"}


def swift_case(name: str, model: bytes, x: np.ndarray, outputs: dict[str, np.ndarray]) -> str:
    """A `WindowGoldenCase(...)` literal for the model's single operator."""
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    g = m.subgraphs[0]
    ops = [op for op in g.operators]
    assert len(ops) == 1, f"{name}: expected one operator, got {len(ops)}"
    op = ops[0]
    code = max(m.operatorCodes[op.opcodeIndex].builtinCode, m.operatorCodes[op.opcodeIndex].deprecatedBuiltinCode)
    used = [i for i in list(op.inputs) + list(op.outputs) if i >= 0]
    index = {t: k for k, t in enumerate(used)}
    tensors = []
    for t in used:
        tensor = g.tensors[t]
        type_name = TYPES[tensor.type]
        q = tensor.quantization
        scales = list(q.scale) if q is not None and q.scale is not None else []
        zps = list(q.zeroPoint) if q is not None and q.zeroPoint is not None else []
        axis = q.quantizedDimension if q is not None else 0
        buffer = m.buffers[tensor.buffer].data if tensor.buffer < len(m.buffers) else None
        data = "nil"
        if buffer is not None and len(buffer) > 0:
            dtype = {"float32": np.float32, "int32": np.int32, "int64": np.int64, "int8": np.int8}[type_name]
            data = _array(np.frombuffer(bytes(buffer), dtype=dtype), type_name == "float32")
        tensors.append(
            f"      WindowGoldenTensor(.{type_name}, {list(int(d) for d in tensor.shape)}, "
            f"scales: [{', '.join(repr(float(np.float32(s))) for s in scales)}], zeroPoints: {[int(z) for z in zps]}, "
            f"axis: {axis}, data: {data})")
    is_float = x.dtype == np.float32
    inputs = ", ".join(str(index[i]) if i >= 0 else "nil" for i in op.inputs)
    expected = ",\n".join(f"      \"{k}\": {_array(v, is_float)}" for k, v in outputs.items())
    return (f"  WindowGoldenCase(\n    name: \"{name}\", kind: {KINDS[code]},\n    options: {_options(op, code)},\n"
            f"    tensors: [\n" + ",\n".join(tensors) + "\n    ],\n"
            f"    inputs: [{inputs}], output: {index[op.outputs[0]]},\n"
            f"    feed: {_array(x, is_float)},\n    expected: [\n{expected}\n    ])")


def write_golden(test_file: str, variable: str, cases: list[str], script: str) -> None:
    """Replaces the block between the markers in Tests/EdgeReferenceTests/<test_file>."""
    path = ROOT / "Tests" / "EdgeReferenceTests" / test_file
    text = path.read_text()
    block = (f"// BEGIN GOLDEN: generated by tools/golden/{script} with {versions()}. Do not edit.\n"
             f"let {variable}: [WindowGoldenCase] = [\n" + ",\n".join(cases) + ",\n]\n// END GOLDEN")
    new, count = re.subn(r"// BEGIN GOLDEN.*?// END GOLDEN", lambda _: block, text, flags=re.S)
    if count != 1:
        sys.exit(f"{path}: expected one BEGIN/END GOLDEN block, found {count}")
    path.write_text(new)
    print(f"wrote {len(cases)} cases to {path.relative_to(ROOT)}")

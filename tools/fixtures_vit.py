#!/usr/bin/env python3
"""Issue 6's models, made with TensorFlow: small vision transformers and a
microWakeWord-style streaming model that keeps past frames in variables.

make_fixtures.py commits them to Tests/Fixtures through VIT_FIXTURES and
STREAM_FIXTURES (the specs at the end of this file). Standalone, for a look
at everything the converter emitted:

  .venv/bin/python tools/fixtures_vit.py --out /tmp/s6/vit [--only vit_tiny,stream_ring]

writes <out>/<fixture>/ in the layout of Tests/Fixtures (model.tflite, x.npy,
y_tflm.npy, y_litert.npy) plus contents.json: every subgraph's operators with
their builtin options and the type, shape and quantization of their tensors,
so the Swift/C work starts from what the converter emitted. A peer that
cannot run a model leaves no y_<peer>.npy; contents.json says why.

The ViTs: Conv2D(64, 4, strides 4) patch embedding of a 32x32x3 image into
64 tokens of width 64, a learned position embedding, pre-norm blocks
(LayerNorm, MultiHeadAttention, residual; LayerNorm, Dense(gelu), Dense,
residual), a final LayerNorm, mean over tokens and Dense(10).

The streaming model holds the last K frames in a tf.Variable; each call
reads it, appends the new frame, writes back the newest K and runs a
convolution over the K+1 frames, so an output depends on the calls before.
Its rows run in order through ONE interpreter per peer, state carried over.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["PYTHONHASHSEED"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.get_logger().setLevel("ERROR")

import fixtures_arena  # noqa: E402
import oracle  # noqa: E402
from fixtures_convert import CALIBRATION_SAMPLES, Conversion, _quiet, name_seed  # noqa: E402
from fixtures_specs import Operand  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from tensorflow.lite.tools import flatbuffer_utils  # noqa: E402

keras = tf.keras
L = keras.layers
INT8_ONLY = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
INT8_WITH_FLOAT = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]


@dataclass(frozen=True)
class VitSpec:
    name: str
    blocks: int
    heads: int
    mlp: int
    n: int  # seeded inputs per fixture
    width: int = 64
    key_dim: int = 16
    patch: int = 4
    activation: str = "gelu"  # the MLP's; TFLM has no GELU kernel, so "hard_swish" gives a TFLM-runnable twin
    pool: str = "mean"  # "mean" over tokens, or "cls": a class token prepended, read back by a slice


@dataclass(frozen=True)
class StreamSpec:
    name: str
    frames: int = 3  # K: past frames kept in the variable
    features: int = 40
    channels: int = 16
    labels: int = 4
    n: int = 100  # consecutive calls
    # int8: the converter's default leaves the variable float32 behind
    # QUANTIZE/DEQUANTIZE; int8_qvar sets _experimental_variable_quantization
    # (as microWakeWord's export does) so the state itself is int8.
    kinds: tuple[str, ...] = field(default=("float32", "int8", "int8_qvar"))


VITS = [
    VitSpec("vit_tiny", blocks=1, heads=2, mlp=64, n=20),
    VitSpec("vit_tiny_hswish", blocks=1, heads=2, mlp=64, n=20, activation="hard_swish"),
    VitSpec("vit_2block", blocks=2, heads=4, mlp=128, n=10, pool="cls"),
    VitSpec("vit_4block", blocks=4, heads=4, mlp=256, n=4),
]
STREAMS = [StreamSpec("stream_ring")]


# --- ViT ----------------------------------------------------------------------


class ClassToken(L.Layer):
    """Prepends a learned token: [1, T, W] -> [1, T + 1, W]."""

    def build(self, input_shape):
        self.cls = self.add_weight(name="cls", shape=(1, 1, input_shape[-1]))

    def call(self, x):
        return tf.concat([self.cls, x], axis=1)


def build_vit(spec: VitSpec) -> keras.Model:
    keras.backend.clear_session()
    tokens = (32 // spec.patch) ** 2
    x = keras.Input((32, 32, 3), batch_size=1, name="image")
    y = L.Conv2D(spec.width, spec.patch, strides=spec.patch, name="patch_embed")(x)
    y = L.Reshape((tokens, spec.width))(y)
    if spec.pool == "cls":
        y = ClassToken(name="cls_token")(y)
        tokens += 1
    y = Operand((tokens, spec.width), "add", name="pos_embed")(y)
    for b in range(spec.blocks):
        h = L.LayerNormalization(epsilon=1e-6, name=f"ln{b}a")(y)
        h = L.MultiHeadAttention(spec.heads, spec.key_dim, name=f"mha{b}")(h, h)
        y = L.Add()([y, h])
        h = L.LayerNormalization(epsilon=1e-6, name=f"ln{b}b")(y)
        h = L.Dense(spec.mlp, activation=spec.activation, name=f"mlp{b}a")(h)
        h = L.Dense(spec.width, name=f"mlp{b}b")(h)
        y = L.Add()([y, h])
    y = L.LayerNormalization(epsilon=1e-6, name="ln_out")(y)
    y = L.GlobalAveragePooling1D()(y) if spec.pool == "mean" else y[:, 0]
    model = keras.Model(x, L.Dense(10, name="head")(y))
    _seed_vit_weights(model, spec.name)
    return model


def _seed_vit_weights(model: keras.Model, name: str) -> None:
    """Seeded weights scaled by fan-in. The attention's query/key/value
    kernels are [width, heads, key_dim]: their fan-in is the first axis.
    Query and key are 1.5x larger so the softmax is not flat."""
    rng = np.random.default_rng(name_seed(name + "/weights"))
    for var in model.weights:
        shape, path = tuple(var.shape), var.path
        tag = path.split("/")[-1]
        if tag == "kernel":
            qkv = any(f"/{p}/" in path for p in ("query", "key", "value"))
            fan_in = shape[0] if qkv else int(np.prod(shape[:-1]))
            gain = 1.5 if any(f"/{p}/" in path for p in ("query", "key")) else 1.0
            value = rng.standard_normal(shape) * gain / np.sqrt(fan_in)
        elif tag == "bias":
            value = rng.standard_normal(shape) * 0.1
        elif tag == "gamma":
            value = rng.uniform(0.5, 1.5, size=shape)
        elif tag in ("beta", "operand", "cls"):
            value = rng.standard_normal(shape) * (0.2 if tag == "beta" else 0.5)
        else:
            raise ValueError(f"no seeded value for weight '{path}' of {name}")
        var.assign(value.astype(np.float32))


def parameter_count(model: keras.Model) -> int:
    return int(sum(np.prod(v.shape) for v in model.weights))


def convert_vit(model: keras.Model, name: str, kind: str, ops=INT8_ONLY) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if kind == "int8":
        rng = np.random.default_rng(name_seed(name + "/calibration"))
        samples = [rng.standard_normal((1, 32, 32, 3)).astype(np.float32) for _ in range(CALIBRATION_SAMPLES)]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([s] for s in samples)
        converter.target_spec.supported_ops = ops
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return _quietly(converter.convert)


# --- streaming ----------------------------------------------------------------


class RingModel(tf.Module):
    """y = dense(relu(conv([state; frame]))); state <- the newest K frames.
    The state is [1, K, 1, features] as in microWakeWord's Stream layer."""

    def __init__(self, spec: StreamSpec):
        super().__init__()
        rng = np.random.default_rng(name_seed(spec.name + "/weights"))
        k, f, c = spec.frames, spec.features, spec.channels
        fan = (k + 1) * f
        self.spec = spec
        self.state = tf.Variable(tf.zeros([1, k, 1, f]), trainable=False, name="ring")
        self.conv_w = tf.constant(rng.standard_normal((k + 1, 1, f, c)) / np.sqrt(fan), tf.float32)
        self.conv_b = tf.constant(rng.standard_normal(c) * 0.1, tf.float32)
        self.dense_w = tf.constant(rng.standard_normal((c, spec.labels)) / np.sqrt(c), tf.float32)
        self.dense_b = tf.constant(rng.standard_normal(spec.labels) * 0.1, tf.float32)

    @tf.function(input_signature=[tf.TensorSpec([1, 1, 1, 40], tf.float32, name="frame")])
    def __call__(self, frame):
        window = tf.concat([self.state, frame], axis=1)  # [1, K+1, 1, F]
        self.state.assign(window[:, 1:])
        y = tf.nn.conv2d(window, self.conv_w, strides=1, padding="VALID") + self.conv_b
        y = tf.reshape(tf.nn.relu(y), [1, self.spec.channels])
        return tf.matmul(y, self.dense_w) + self.dense_b


def convert_stream(spec: StreamSpec, kind: str) -> bytes:
    module = RingModel(spec)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    converter.experimental_enable_resource_variables = True
    if kind.startswith("int8"):
        converter._experimental_variable_quantization = kind == "int8_qvar"
        rng = np.random.default_rng(name_seed(spec.name + "/calibration"))
        samples = [rng.standard_normal((1, 1, 1, spec.features)).astype(np.float32) for _ in range(CALIBRATION_SAMPLES)]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([s] for s in samples)
        converter.target_spec.supported_ops = INT8_ONLY
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return _quietly(converter.convert)


# --- contents, peers, files ---------------------------------------------------


def _quietly(call):
    import tempfile

    with tempfile.TemporaryFile() as log, _quiet(log):
        try:
            return call()
        except Exception as error:
            log.seek(0)
            raise RuntimeError(f"{error}\n--- converter log ---\n{log.read().decode(errors='replace')[-4000:]}") from None


_TYPES = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith("_")}


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def _json(value):
    """json.dumps's fallback: numpy scalars and arrays inside option lists."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _tensor(model, graph, index: int) -> dict | None:
    if index < 0:
        return None
    t = graph.tensors[index]
    entry = {"index": index, "name": _plain(t.name), "type": _TYPES[t.type], "shape": _plain(t.shape)}
    data = model.buffers[t.buffer].data if t.buffer > 0 else None
    if data is not None and len(data):
        entry["constant_bytes"] = len(data)
        if t.type == schema.TensorType.INT32 and len(data) <= 32:  # axes, perms, shapes
            entry["value"] = np.frombuffer(bytes(data), np.int32).tolist()
        elif t.type == schema.TensorType.INT8 and len(data) == 1:  # quantized scalars (epsilon, 1/sqrt(d))
            entry["value"] = int(np.frombuffer(bytes(data), np.int8)[0])
        elif t.type == schema.TensorType.FLOAT32 and len(data) == 4:
            entry["value"] = float(np.frombuffer(bytes(data), np.float32)[0])
    if t.isVariable:
        entry["variable"] = True
    q = t.quantization
    if q is not None and q.scale is not None and len(q.scale):
        scales = [float(s) for s in q.scale]
        entry["scale"] = scales if len(scales) <= 4 else f"{len(scales)} per-channel scales, axis {q.quantizedDimension}"
        zps = [int(z) for z in q.zeroPoint]
        entry["zero_point"] = zps if len(zps) <= 4 else sorted(set(zps))
    return entry


def contents(model_bytes: bytes) -> list[dict]:
    """Every subgraph: its inputs/outputs and each operator with builtin
    options and its input and output tensors."""
    model = flatbuffer_utils.read_model_from_bytearray(model_bytes)
    result = []
    for s, graph in enumerate(model.subgraphs):
        ops = []
        for op in graph.operators:
            entry = {"op": flatbuffer_utils.opcode_to_name(model, op.opcodeIndex)}
            if op.builtinOptions is not None:
                entry["options"] = {k: _plain(v) for k, v in sorted(vars(op.builtinOptions).items())}
            entry["inputs"] = [_tensor(model, graph, i) for i in op.inputs]
            entry["outputs"] = [_tensor(model, graph, i) for i in op.outputs]
            ops.append(entry)
        result.append({"subgraph": s, "name": _plain(graph.name), "inputs": [int(i) for i in graph.inputs],
                       "outputs": [int(i) for i in graph.outputs], "operators": ops})
    return result


def draw_inputs(name: str, ins: list[dict], n: int, scale: float = 1.0) -> np.ndarray:
    """Float rows normal(0, scale); int8 rows are the same floats quantized
    with the input's scale, so int8 and float32 fixtures see alike images."""
    rng = np.random.default_rng(name_seed(name + "/x"))
    (d,) = ins
    x = (rng.standard_normal((n, *d["shape"])) * scale).astype(np.float32)
    if d["dtype"] == "float32":
        return x
    q = np.round(x / d["scale"][0]) + d["zero_point"][0]
    return np.clip(q, -128, 127).astype(np.int8)


def run_peers(model_bytes: bytes, x: np.ndarray) -> dict:
    """Both peers over all rows in order (one interpreter each), or why not."""
    results = {}
    for peer in ("tflm", "litert"):
        printed = []  # TFLM names a missing operator only on the C++ stderr

        def call():
            try:
                results[peer] = oracle.run(peer, model_bytes, [x])[0]
            except Exception as error:  # a peer lacking an operator: record it, keep going
                results[peer] = f"{type(error).__name__}: {error}"

        printed.append(fixtures_arena._captured_stderr(call))
        if not isinstance(results[peer], np.ndarray):
            results[peer] = (results[peer] + " | " + " / ".join(l.strip() for l in printed[0].splitlines() if l.strip()))[:2000]
    return results


def write_fixture(out: Path, name: str, model_bytes: bytes, x: np.ndarray, info: dict) -> None:
    directory = out / name
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("y_*.npy"):
        stale.unlink()
    (directory / "model.tflite").write_bytes(model_bytes)
    np.save(directory / "x.npy", x)
    ys = run_peers(model_bytes, x)
    info["peers"] = {}
    for peer, y in ys.items():
        if isinstance(y, np.ndarray):
            np.save(directory / f"y_{peer}.npy", y)
            info["peers"][peer] = "ran"
        else:
            info["peers"][peer] = y
    if all(isinstance(y, np.ndarray) for y in ys.values()):
        from make_fixtures import agreement  # here: make_fixtures imports this module

        info["tflm_vs_litert"] = agreement([ys["tflm"]], [ys["litert"]])
        diff = np.nonzero(np.any((ys["tflm"] != ys["litert"]).reshape(len(x), -1), axis=1))[0]
        info["rows_differing"] = [int(i) for i in diff]
        if info.get("int8") or x.dtype == np.int8:
            try:
                info["tflm_arena"] = fixtures_arena.tflm_arena(model_bytes, [x])
            except Exception as error:
                info["tflm_arena"] = f"not measured: {error}"
    info.update(model_bytes=len(model_bytes), n=len(x), ops=oracle.model_ops(model_bytes))
    (directory / "contents.json").write_text(json.dumps({**info, "subgraphs": contents(model_bytes)}, indent=1, default=_json) + "\n")
    agree = info.get("tflm_vs_litert")
    print(f"{name:24s} {len(model_bytes):7d} B  "
          f"{'bit-exact' if agree and agree['bit_exact'] else agree or info['peers']}", flush=True)


def make_vit(spec: VitSpec, out: Path) -> None:
    model = build_vit(spec)
    params = parameter_count(model)
    print(f"{spec.name}: {params} parameters", flush=True)
    float_bytes = convert_vit(model, spec.name, "float32")
    x = draw_inputs(spec.name + "_f32", oracle.model_io(float_bytes)[0], spec.n)
    write_fixture(out, spec.name + "_f32", float_bytes, x, {"parameters": params, "conversion": "float32"})
    info = {"parameters": params, "conversion": "int8, TFLITE_BUILTINS_INT8 only", "int8": True}
    try:
        int8_bytes = convert_vit(model, spec.name, "int8")
    except RuntimeError as error:
        info["int8_only_error"] = str(error)[:4000]
        info["conversion"] = "int8, TFLITE_BUILTINS_INT8 + TFLITE_BUILTINS fallback"
        int8_bytes = convert_vit(model, spec.name, "int8", INT8_WITH_FLOAT)
    x = draw_inputs(spec.name + "_f32", oracle.model_io(int8_bytes)[0], spec.n)
    write_fixture(out, spec.name + "_int8", int8_bytes, x, info)


def make_stream(spec: StreamSpec, out: Path) -> None:
    for kind in spec.kinds:
        name = f"{spec.name}_{'f32' if kind == 'float32' else kind}"
        try:
            model_bytes = convert_stream(spec, kind)
        except RuntimeError as error:
            print(f"{name}: conversion failed: {str(error)[:400]}", flush=True)
            (out / f"{name}.conversion_error.txt").write_text(str(error))
            continue
        x = draw_inputs(spec.name, oracle.model_io(model_bytes)[0], spec.n)
        write_fixture(out, name, model_bytes, x, {"conversion": kind, "frames": spec.frames,
                                                 "features": spec.features, "int8": kind != "float32"})


# --- specs for make_fixtures.py -------------------------------------------------

FLOAT32 = Conversion("float32")
INT8 = Conversion("int8")
# Only fixture_name reads the flag: convert_stream sets the converter's own.
INT8_QVAR = Conversion("int8", extra={"_experimental_variable_quantization": True})


@dataclass(frozen=True)
class VitFixture:
    """A ViT as make_fixtures.py sees it: it converts the model itself and
    draws the inputs (int8 rows are the float images quantized)."""

    vit: VitSpec
    covers: str
    conversions: tuple[Conversion, ...]
    max_model_bytes: int
    peers: tuple[str, ...] = ("litert",)  # TFLM has no GELU
    measure_arena: bool = False
    stateful: bool = False
    rows: int | None = None  # committed inputs, if fewer than vit.n: a float image row is 12 KB

    @property
    def name(self) -> str:
        return self.vit.name

    @property
    def n(self) -> int:
        return self.rows or self.vit.n

    def model_bytes(self, conversion: Conversion, fixture: str) -> bytes:
        # Pure TFLITE_BUILTINS_INT8: every ViT converts without the float fallback.
        return convert_vit(build_vit(self.vit), self.vit.name, conversion.kind)

    def inputs(self, fixture: str, ins: list[dict]) -> list[np.ndarray]:
        return [draw_inputs(self.vit.name + "_f32", ins, self.n)]

    def manifest_extras(self, conversion: Conversion) -> dict:
        return {"parameters": parameter_count(build_vit(self.vit))}


@dataclass(frozen=True)
class StreamFixture:
    """The streaming ring: its N rows are consecutive frames, run in order
    through one interpreter per peer, the variable carried over."""

    stream: StreamSpec
    covers: str
    conversions: tuple[Conversion, ...] = (FLOAT32, INT8, INT8_QVAR)
    max_model_bytes: int = 16 * 1024
    peers: tuple[str, ...] = ("tflm", "litert")
    measure_arena: bool = True
    stateful: bool = True

    @property
    def name(self) -> str:
        return self.stream.name

    @property
    def n(self) -> int:
        return self.stream.n

    def model_bytes(self, conversion: Conversion, fixture: str) -> bytes:
        kind = "int8_qvar" if conversion.extra.get("_experimental_variable_quantization") else conversion.kind
        return convert_stream(self.stream, kind)

    def inputs(self, fixture: str, ins: list[dict]) -> list[np.ndarray]:
        return [draw_inputs(self.stream.name, ins, self.stream.n)]

    def manifest_extras(self, conversion: Conversion) -> dict:
        return {"frames": self.stream.frames, "features": self.stream.features}


_VITS = {s.name: s for s in VITS}
VIT_FIXTURES = [
    VitFixture(_VITS["vit_tiny"], "ViT 1 block, 2 heads, GELU MLP 64, mean pool (LiteRT only: TFLM has no GELU)",
               (INT8, FLOAT32), 120 * 1024, rows=8),
    VitFixture(_VITS["vit_tiny_hswish"], "ViT 1 block, 2 heads, HARD_SWISH MLP 64, mean pool: a whole ViT TFLM runs",
               (INT8, FLOAT32), 120 * 1024, peers=("tflm", "litert"), measure_arena=True, rows=8),
    VitFixture(_VITS["vit_2block"], "ViT 2 blocks, 4 heads, GELU MLP 128, class token (CONCATENATION, STRIDED_SLICE)",
               (INT8,), 136 * 1024),
    VitFixture(_VITS["vit_4block"], "ViT 4 blocks, 4 heads, GELU MLP 256, mean pool: 207 946 parameters",
               (INT8,), 330 * 1024),
]
STREAM_FIXTURES = [
    StreamFixture(STREAMS[0], "streaming ring buffer: VAR_HANDLE/READ_VARIABLE/ASSIGN_VARIABLE, CALL_ONCE init "
                              "subgraph; 100 consecutive frames, state carried over (stateful)"),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", default="", help="comma-separated spec names (default: all)")
    args = parser.parse_args(argv)
    only = {s for s in args.only.split(",") if s}
    known = {s.name for s in [*VITS, *STREAMS]}
    if only - known:
        parser.error(f"no spec named {sorted(only - known)}; known: {sorted(known)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for spec in VITS:
        if not only or spec.name in only:
            make_vit(spec, args.out)
    for spec in STREAMS:
        if not only or spec.name in only:
            make_stream(spec, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

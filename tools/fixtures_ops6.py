"""Per-operator fixtures for issue 6 (vision transformers): one tiny
tf.function per operator variant, converted to float32 and full int8.

Keras has no layer for most of these operators (BATCH_MATMUL, TRANSPOSE,
GATHER, SPLIT, ...), so each spec is a function of its inputs, traced with a
fixed input signature and converted with from_concrete_functions. Constants
(a SUB operand, LayerNorm's gamma and beta) are drawn from a generator
seeded by the spec's name, like every other fixture's weights.

Every conversion is checked against the exact operator list the spec
expects, so a converter that fuses, splits or rewrites an operator (a
constant-index GATHER turned into a STRIDED_SLICE, say) fails loudly
instead of committing a fixture that tests something else.

make_fixtures.py calls `model_bytes` and draws the inputs itself (draw_x,
from `ranges`), as for the Keras specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import tensorflow as tf

from fixtures_convert import CALIBRATION_SAMPLES, Conversion, InputRange, _quiet, name_seed

INT8 = Conversion("int8")
FLOAT = Conversion("float32")
BOTH = (INT8, FLOAT)
POSITIVE = InputRange(uniform=(0.05, 4.0))


@dataclass(frozen=True)
class OpSpec:
    name: str
    covers: str
    # fn(rng, *inputs) -> output tensor or tuple; rng draws its constants.
    fn: Callable
    shapes: tuple[tuple[int, ...], ...]
    expect: tuple[str, ...]  # the operators of the float32 model, in order
    ranges: tuple[InputRange, ...] = (InputRange(),)
    conversions: tuple[Conversion, ...] = BOTH
    expect_int8: tuple[str, ...] | None = None  # when int8 differs (float islands)
    # Who produced the committed outputs: TFLM lacks GELU.
    peers: tuple[str, ...] = ("tflm", "litert")
    varied_rows: bool = False
    measure_arena: bool = False
    max_model_bytes: int = 16 * 1024
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if len(self.ranges) == 1 and len(self.shapes) > 1:  # one range given for every input
            object.__setattr__(self, "ranges", self.ranges * len(self.shapes))
        if len(self.ranges) != len(self.shapes):
            raise ValueError(f"{self.name}: {len(self.shapes)} inputs, {len(self.ranges)} input ranges")

    def model_bytes(self, conversion: Conversion, fixture: str) -> bytes:
        model_bytes = _convert(self, conversion, list(self.ranges))
        want = self.expect_int8 if conversion.kind == "int8" and self.expect_int8 is not None else self.expect
        got = _ops(model_bytes)
        if tuple(got) != tuple(want):
            raise RuntimeError(f"{fixture}: the converter emitted {got}, the spec expects {list(want)}")
        return model_bytes


def _ops(model_bytes: bytes) -> list[str]:
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.read_model_from_bytearray(model_bytes)
    return [flatbuffer_utils.opcode_to_name(model, op.opcodeIndex) for op in model.subgraphs[0].operators]


def _convert(spec: OpSpec, conversion: Conversion, ranges: list[InputRange]) -> bytes:
    rng = np.random.default_rng(name_seed(spec.name + "/weights"))  # int8 and float32 share constants
    signature = [tf.TensorSpec(s, tf.float32, name=f"in{i}") for i, s in enumerate(spec.shapes)]
    if hasattr(spec.fn, "seed"):
        spec.fn.seed(rng)
    module = tf.Module()
    module.f = tf.function(lambda *xs: spec.fn(rng, *xs), input_signature=signature)
    concrete = module.f.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    if conversion.kind == "int8":
        cal = np.random.default_rng(name_seed(spec.name + "/calibration"))
        samples = [[r.draw(cal, list(s)) for r, s in zip(ranges, spec.shapes)] for _ in range(CALIBRATION_SAMPLES)]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: iter(samples)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    elif conversion.kind != "float32":
        raise ValueError(f"unknown conversion kind {conversion.kind}")
    import tempfile

    with tempfile.TemporaryFile() as log, _quiet(log):
        try:
            return converter.convert()
        except Exception as error:
            log.seek(0)
            raise RuntimeError(f"{spec.name}: {error}\n{log.read().decode(errors='replace')[-3000:]}") from None


def _const(rng, shape, scale=1.0):
    return tf.constant((rng.standard_normal(shape) * scale).astype(np.float32))


def _keras_layer_norm(width, epsilon):
    """fn(rng, x) for the spec, with the layer made and weighted before
    tracing (a tf.function may not create variables)."""
    layer = tf.keras.layers.LayerNormalization(epsilon=epsilon)
    layer.build((None, width))

    def fn(rng, x):
        if not getattr(layer, "_seeded", False):  # first trace: seed gamma and beta from the spec's rng
            raise RuntimeError("call seed() before tracing")
        return layer(x)

    def seed(rng):
        layer.gamma.assign(rng.uniform(0.5, 1.5, size=width).astype(np.float32))
        layer.beta.assign((rng.standard_normal(width) * 0.2).astype(np.float32))
        layer._seeded = True

    fn.seed = seed
    return fn


LN_F32 = ("MEAN", "NEG", "SQUARED_DIFFERENCE", "MEAN", "ADD", "RSQRT", "MUL", "MUL", "ADD", "MUL", "ADD")
LN_INT8 = ("MEAN", "DEQUANTIZE", "NEG", "QUANTIZE", "SQUARED_DIFFERENCE", "MEAN", "ADD", "RSQRT",
           "MUL", "MUL", "ADD", "MUL", "ADD")
WIDE, NARROW = InputRange(scale=3.0), InputRange(scale=0.5)


def _specs() -> list[OpSpec]:
    S = OpSpec
    mm = tf.linalg.matmul
    return [
        # BATCH_MATMUL: two run-time operands, as the attention's two matmuls.
        S("bmm_3d", "BATCH_MATMUL [2,4,6] x [2,6,5]", lambda r, a, b: mm(a, b),
          ((2, 4, 6), (2, 6, 5)), ("BATCH_MATMUL",), (NARROW, WIDE)),
        S("bmm_4d", "BATCH_MATMUL [1,2,8,16] x [1,2,16,8] (attention logits)", lambda r, a, b: mm(a, b),
          ((1, 2, 8, 16), (1, 2, 16, 8)), ("BATCH_MATMUL",)),
        S("bmm_adj_x", "BATCH_MATMUL adj_x: [1,6,4]^T x [1,6,5]", lambda r, a, b: mm(a, b, transpose_a=True),
          ((1, 6, 4), (1, 6, 5)), ("BATCH_MATMUL",)),
        S("bmm_adj_y", "BATCH_MATMUL adj_y: [1,2,5,8] x [1,2,7,8]^T", lambda r, a, b: mm(a, b, transpose_b=True),
          ((1, 2, 5, 8), (1, 2, 7, 8)), ("BATCH_MATMUL",)),
        S("bmm_adj_xy", "BATCH_MATMUL adj_x and adj_y: [2,6,4]^T x [2,3,6]^T",
          lambda r, a, b: mm(a, b, transpose_a=True, transpose_b=True),
          ((2, 6, 4), (2, 3, 6)), ("BATCH_MATMUL",)),
        S("bmm_bcast", "BATCH_MATMUL broadcasting batch dims [2,1,4,6] x [1,3,6,5] -> [2,3,4,5]",
          lambda r, a, b: mm(a, b), ((2, 1, 4, 6), (1, 3, 6, 5)), ("BATCH_MATMUL",)),
        S("bmm_bcast_rank", "BATCH_MATMUL broadcasting a batch of 1: [3,4,6] x [1,6,5]",
          lambda r, a, b: mm(a, b), ((3, 4, 6), (1, 6, 5)), ("BATCH_MATMUL",)),
        # TRANSPOSE: the perm is a constant input.
        S("transpose_021", "TRANSPOSE rank 3 perm [0,2,1]", lambda r, x: tf.transpose(x, [0, 2, 1]),
          ((2, 5, 7),), ("TRANSPOSE",)),
        S("transpose_201", "TRANSPOSE rank 3 perm [2,0,1]", lambda r, x: tf.transpose(x, [2, 0, 1]),
          ((3, 4, 6),), ("TRANSPOSE",)),
        S("transpose_0213", "TRANSPOSE rank 4 perm [0,2,1,3] (heads <-> tokens)",
          lambda r, x: tf.transpose(x, [0, 2, 1, 3]), ((1, 8, 2, 16),), ("TRANSPOSE",)),
        S("transpose_0231", "TRANSPOSE rank 4 perm [0,2,3,1] (keys transposed)",
          lambda r, x: tf.transpose(x, [0, 2, 3, 1]), ((1, 8, 2, 16),), ("TRANSPOSE",)),
        S("transpose_3102", "TRANSPOSE rank 4 perm [3,1,0,2]", lambda r, x: tf.transpose(x, [3, 1, 0, 2]),
          ((2, 3, 4, 5),), ("TRANSPOSE",)),
        # Element-wise.
        S("sqdiff_same", "SQUARED_DIFFERENCE of two [1,8,16] inputs", lambda r, a, b: tf.math.squared_difference(a, b),
          ((1, 8, 16), (1, 8, 16)), ("SQUARED_DIFFERENCE",), (NARROW, WIDE)),
        S("sqdiff_bcast", "SQUARED_DIFFERENCE [1,8,16] with [1,8,1] (LayerNorm's variance)",
          lambda r, a, b: tf.math.squared_difference(a, b), ((1, 8, 16), (1, 8, 1)), ("SQUARED_DIFFERENCE",)),
        S("rsqrt_3d", "RSQRT of positive [1,8,16] inputs", lambda r, x: tf.math.rsqrt(x),
          ((1, 8, 16),), ("RSQRT",), (POSITIVE,)),
        S("rsqrt_small", "RSQRT of positive [1,4,1] inputs in [0.01, 0.5]", lambda r, x: tf.math.rsqrt(x),
          ((1, 4, 1),), ("RSQRT",), (InputRange(uniform=(0.01, 0.5)),)),
        S("sub_same", "SUB of two [1,4,4,8] inputs", lambda r, a, b: a - b,
          ((1, 4, 4, 8), (1, 4, 4, 8)), ("SUB",), (NARROW, WIDE)),
        S("sub_bcast", "SUB broadcasting [1,4,4,8] - [1,1,1,8]", lambda r, a, b: a - b,
          ((1, 4, 4, 8), (1, 1, 1, 8)), ("SUB",), (WIDE, NARROW)),
        S("sub_bcast_tokens", "SUB broadcasting [1,8,16] - [1,8,1] (x - mean)", lambda r, a, b: a - b,
          ((1, 8, 16), (1, 8, 1)), ("SUB",)),
        S("sub_const", "SUB of a constant [16] operand from [1,8,16]", lambda r, x: x - _const(r, (16,)),
          ((1, 8, 16),), ("SUB",)),
        S("neg_3d", "NEG of [1,8,16] (int8: the converter's DEQUANTIZE/NEG/QUANTIZE island)", lambda r, x: -x,
          ((1, 8, 16),), ("NEG",), expect_int8=("DEQUANTIZE", "NEG", "QUANTIZE")),
        S("neg_4d", "NEG of [2,3,4,5]", lambda r, x: tf.math.negative(x),
          ((2, 3, 4, 5),), ("NEG",), expect_int8=("DEQUANTIZE", "NEG", "QUANTIZE")),
        S("gelu_exact", "GELU approximate=false on [1,8,32] (LiteRT only: TFLM has no GELU)",
          lambda r, x: tf.nn.gelu(x, approximate=False), ((1, 8, 32),), ("GELU",), (WIDE,), peers=("litert",)),
        S("gelu_tanh", "GELU approximate=true on [1,8,32] (LiteRT only: TFLM has no GELU)",
          lambda r, x: tf.nn.gelu(x, approximate=True), ((1, 8, 32),), ("GELU",), (WIDE,), peers=("litert",)),
        S("hswish_3d", "HARD_SWISH on [1,8,32]", lambda r, x: tf.keras.activations.hard_swish(x),
          ((1, 8, 32),), ("HARD_SWISH",), (WIDE,)),
        S("hswish_4d", "HARD_SWISH on [1,4,4,8]", lambda r, x: x * tf.nn.relu6(x + 3.0) / 6.0,
          ((1, 4, 4, 8),), ("HARD_SWISH",), (InputRange(scale=5.0),)),
        # Reductions and softmax over the last axis.
        S("softmax_rank3", "SOFTMAX over the last axis of [1,8,16]", lambda r, x: tf.nn.softmax(x, axis=-1),
          ((1, 8, 16),), ("SOFTMAX",), (WIDE,)),
        S("softmax_attn4d", "SOFTMAX over the last axis of [1,2,8,8] (attention)", lambda r, x: tf.nn.softmax(x, axis=-1),
          ((1, 2, 8, 8),), ("SOFTMAX",), (WIDE,)),
        S("mean_ln_keep", "MEAN over axis -1 of [1,8,16], keep_dims (LayerNorm)",
          lambda r, x: tf.reduce_mean(x, axis=-1, keepdims=True), ((1, 8, 16),), ("MEAN",)),
        S("mean_tokens", "MEAN over axis 1 of [1,8,16], no keep_dims (token pooling)",
          lambda r, x: tf.reduce_mean(x, axis=1), ((1, 8, 16),), ("MEAN",)),
        S("mean_4d_axis2", "MEAN over axis 2 of [1,3,5,8], keep_dims", lambda r, x: tf.reduce_mean(x, axis=[2], keepdims=True),
          ((1, 3, 5, 8),), ("MEAN",)),
        S("mean_4d_last", "MEAN over axis 3 of [1,3,5,8], no keep_dims", lambda r, x: tf.reduce_mean(x, axis=3),
          ((1, 3, 5, 8),), ("MEAN",)),
        # Data movement with constant indices / begin / end.
        S("gather_axis0", "GATHER rows [3,0,3,1] (axis 0) of [5,8]",
          lambda r, x: tf.gather(x, tf.constant([3, 0, 3, 1]), axis=0), ((5, 8),), ("GATHER",)),
        S("gather_axis1", "GATHER tokens [4,1,6] (axis 1) of [1,7,8]",
          lambda r, x: tf.gather(x, tf.constant([4, 1, 6]), axis=1), ((1, 7, 8),), ("GATHER",)),
        S("gather_axis1_2d", "GATHER with [2,2] indices (axis 1) of [2,6,4]",
          lambda r, x: tf.gather(x, tf.constant([[0, 5], [2, 2]]), axis=1), ((2, 6, 4),), ("GATHER",)),
        S("sslice_strided", "STRIDED_SLICE of a run-time [1,8,16]: [:, 1:7:2, 3:15:3]",
          lambda r, x: x[:, 1:7:2, 3:15:3], ((1, 8, 16),), ("STRIDED_SLICE",)),
        S("sslice_masks", "STRIDED_SLICE with begin/end masks: [:, 2:, :10] of [1,8,16]",
          lambda r, x: x[:, 2:, :10], ((1, 8, 16),), ("STRIDED_SLICE",)),
        S("sslice_shrink", "STRIDED_SLICE with shrink_axis (the class token read-out): [:, 0] of [1,9,16]",
          lambda r, x: x[:, 0], ((1, 9, 16),), ("STRIDED_SLICE",)),
        S("sslice_4d_neg", "STRIDED_SLICE rank 4 with negative bounds: [:, 1:-1, ::2, -6:] of [1,5,6,8]",
          lambda r, x: x[:, 1:-1, ::2, -6:], ((1, 5, 6, 8),), ("STRIDED_SLICE",)),
        S("split_last", "SPLIT into 2 along the last axis of [1,8,16]", lambda r, x: tuple(tf.split(x, 2, axis=-1)),
          ((1, 8, 16),), ("SPLIT",)),
        S("split_axis1", "SPLIT into 3 along axis 1 of [1,6,4,8] (fused QKV)", lambda r, x: tuple(tf.split(x, 3, axis=1)),
          ((1, 6, 4, 8),), ("SPLIT",)),
        S("splitv_last", "SPLIT_V sizes [3,5,8] along the last axis of [1,4,16]",
          lambda r, x: tuple(tf.split(x, [3, 5, 8], axis=-1)), ((1, 4, 16),), ("SPLIT_V",)),
        S("splitv_axis1", "SPLIT_V sizes [1,4] along axis 1 of [1,5,12] (class token and patches)",
          lambda r, x: tuple(tf.split(x, [1, 4], axis=1)), ((1, 5, 12),), ("SPLIT_V",)),
        # Supported operators in the shapes the ViTs give them.
        S("mul_attn_scale", "MUL of [1,2,8,8] logits by the scalar constant 0.25 (1/sqrt(key_dim))",
          lambda r, x: x * tf.constant(0.25), ((1, 2, 8, 8),), ("MUL",), (WIDE,)),
        S("mul_both_bcast", "MUL [1,8,1] x constant [1,1,16] -> [1,8,16]: both operands broadcast (LayerNorm gamma)",
          lambda r, x: x * tf.constant(r.uniform(0.5, 1.5, size=(1, 1, 16)).astype(np.float32)),
          ((1, 8, 1),), ("MUL",)),
        S("add_pos_embed", "ADD of a constant [8,16] to [1,8,16]: rank-2 operand broadcast against rank 3",
          lambda r, x: x + _const(r, (8, 16), 0.5), ((1, 8, 16),), ("ADD",)),
        S("add_eps_scalar", "ADD of the scalar constant 1e-6 to a positive [1,8,1] (LayerNorm epsilon)",
          lambda r, x: x + tf.constant(1e-6), ((1, 8, 1),), ("ADD",), (POSITIVE,)),
        S("reshape_heads", "RESHAPE [1,8,32] -> [-1,8,2,16] (a -1 in the shape tensor, as the attention's)",
          lambda r, x: tf.reshape(x, [-1, 8, 2, 16]), ((1, 8, 32),), ("RESHAPE",)),
        # The LayerNormalization the ViTs emit, alone.
        S("layernorm_keras", "Keras LayerNormalization(epsilon 1e-6) on [1,16,32], as the ViTs emit it",
          _keras_layer_norm(32, 1e-6), ((1, 16, 32),), LN_F32, (InputRange(scale=2.0),), expect_int8=LN_INT8),
        S("layernorm_eps3", "Keras LayerNormalization(epsilon 1e-3) on [1,8,64]",
          _keras_layer_norm(64, 1e-3), ((1, 8, 64),), LN_F32, expect_int8=LN_INT8),
    ]


OP6_SPECS = _specs()

#!/usr/bin/env python3
"""Probes how TFLM and LiteRT requantize int8 FULLY_CONNECTED and CONV_2D.

Prints evidence for the choices in Sources/EdgeReference/Kernels/FullyConnected.swift:

1. TFLM's per-tensor FC multiplier: is the real scale s_in * s_w / s_out
   formed with the product in float (older GetQuantizedConvolutionMultipler)
   or in double? Inputs where the two Q31 multipliers give different outputs
   are found with numpy, then run through TFLM.
2. LiteRT's reference FC at negative ties (scales with s_in*s_w/s_out = 1/8):
   TFLITE_SINGLE_ROUNDING's Q31 formula rounds ties up (toward +inf);
   round(double(acc) * scale) rounds them away from zero.
3. How often TFLM and LiteRT's reference kernels differ on FC and on CONV_2D.

    .venv/bin/python tools/golden/fc_rounding_probe.py
"""

import numpy as np
import flatbuffers

import golden_common as g

schema = g.schema


def quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLite's QuantizeMultiplier."""
    if real == 0:
        return 0, 0
    fraction, shift = np.frexp(real)
    q = int(np.floor(fraction * (1 << 31) + 0.5))
    if q == 1 << 31:
        q //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return q, int(shift)


def tflm_requantize(acc: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """MultiplyByQuantizedMultiplier with two roundings, vectorised in int64."""
    x = acc.astype(np.int64)
    if shift > 0:
        x = (x << shift).astype(np.int32).astype(np.int64)
    product = x * multiplier
    nudged = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(nudged >= 0, nudged // (1 << 31), -((-nudged) // (1 << 31)))
    exponent = -shift if shift < 0 else 0
    mask = (1 << exponent) - 1
    threshold = (mask >> 1) + (high < 0)
    return (high >> exponent) + ((high & mask) > threshold)


def edit(model: bytes, fn) -> bytes:
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    fn(m.subgraphs[0])
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def fc_model(per_tensor: bool, seed: int, features: int = 96) -> bytes:
    layer = lambda x: g.tf.keras.layers.Dense(16, bias_initializer="random_normal")(x)  # noqa: E731
    return g.convert(layer, (1, features), quantize=True, per_tensor=per_tensor, seed=seed)


def fc_parts(model: bytes):
    """Weights [16, features], bias, input and output zero points of a one-FC model."""
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    sg = m.subgraphs[0]
    op = sg.operators[0]
    features = int(sg.tensors[op.inputs[0]].shape[-1])
    weights = np.frombuffer(bytes(m.buffers[sg.tensors[op.inputs[1]].buffer].data), np.int8).reshape(16, features)
    bias = np.frombuffer(bytes(m.buffers[sg.tensors[op.inputs[2]].buffer].data), np.int32)
    return (weights.astype(np.int64), bias.astype(np.int64),
            int(sg.tensors[op.inputs[0]].quantization.zeroPoint[0]), int(sg.tensors[op.outputs[0]].quantization.zeroPoint[0]))


def probe_product() -> None:
    # The two multipliers differ by at most 2^-24 relative, so only an
    # accumulator whose scaled value lies within ~1e-5 of a half can tell them
    # apart, and only if the result is inside int8. So the probe makes its own:
    # every weight row is [127, 1, 0, ...] (acc = 127 x0 + x1 reaches every
    # value in [-16384, 16256]), zero points are 0, and it draws scale triples
    # until the two multipliers disagree on accumulators with int8 results,
    # then feeds exactly those accumulators to TFLM.
    rng = np.random.default_rng(5)
    base = fc_model(per_tensor=True, seed=5)
    accs = np.arange(-16384, 16257, dtype=np.int64)
    follows = {"float product": 0, "double product": 0}
    triples = 0
    while sum(follows.values()) < 20 and triples < 20000:
        triples += 1
        s_in, s_w = (np.float32(v) for v in rng.uniform(0.001, 0.05, size=2))
        s_out = np.float32(s_in * s_w / rng.uniform(0.005, 0.0077))
        m_float = quantize_multiplier(float(np.float32(s_in * s_w)) / float(s_out))
        m_double = quantize_multiplier(float(s_in) * float(s_w) / float(s_out))
        y_float = tflm_requantize(accs, *m_float)
        y_double = tflm_requantize(accs, *m_double)
        decisive = accs[(y_float != y_double) & (np.abs(y_float) <= 127) & (np.abs(y_double) <= 127)]
        if decisive.size == 0:
            continue

        def rewrite(sg):
            op = sg.operators[0]
            i, w, b = op.inputs
            sg.tensors[i].quantization.scale, sg.tensors[i].quantization.zeroPoint = [float(s_in)], [0]
            sg.tensors[w].quantization.scale = [float(s_w)]
            sg.tensors[b].quantization.scale = [float(s_in) * float(s_w)]
            sg.tensors[op.outputs[0]].quantization.scale = [float(s_out)]
            sg.tensors[op.outputs[0]].quantization.zeroPoint = [0]
            return w, b

        m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(base, 0))
        w, b = rewrite(m.subgraphs[0])
        features = int(m.subgraphs[0].tensors[w].shape[1])
        rows = np.zeros((16, features), np.int8)
        rows[:, 0], rows[:, 1] = 127, 1
        m.buffers[m.subgraphs[0].tensors[w].buffer].data = np.frombuffer(rows.tobytes(), np.uint8)
        m.buffers[m.subgraphs[0].tensors[b].buffer].data = np.zeros(16 * 4, np.uint8)
        builder = flatbuffers.Builder(1024)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        model = bytes(builder.Output())
        for acc in decisive:
            x0 = int(np.round(acc / 127))
            x = np.zeros((1, features), np.int8)
            x[0, 0], x[0, 1] = x0, int(acc - 127 * x0)
            t = int(g.run_tflm(model, x)[0, 0])
            k = int(acc + 16384)
            follows["float product"] += int(t == y_float[k])
            follows["double product"] += int(t == y_double[k])
    print(f"1. per-tensor FC, {triples} scale triples: at the {sum(follows.values())} accumulators where the "
          f"float-product and double-product multipliers give different int8 outputs, TFLM follows {follows}")


def probe_ties() -> None:
    model = fc_model(per_tensor=True, seed=6)

    def exact_scales(sg):
        op = sg.operators[0]
        i, w, b = op.inputs
        sg.tensors[i].quantization.scale, sg.tensors[i].quantization.zeroPoint = [0.5], [3]
        sg.tensors[w].quantization.scale = [0.25]
        sg.tensors[b].quantization.scale = [0.125]
        sg.tensors[op.outputs[0]].quantization.scale, sg.tensors[op.outputs[0]].quantization.zeroPoint = [1.0], [0]

    model = edit(model, exact_scales)
    weights, bias, _, _ = fc_parts(model)
    rng = np.random.default_rng(6)
    counts = {"negative ties": 0, "LiteRT away from zero": 0, "LiteRT toward +inf": 0}
    for _ in range(300):
        x = rng.integers(-20, 20, size=(1, 96), dtype=np.int8)
        v = ((x.astype(np.int64) - 3) @ weights.T + bias).reshape(-1) * 0.125
        ref = g.run_litert_reference(model, x).reshape(-1).astype(np.int64)
        for k in np.nonzero((v < 0) & (v - np.floor(v) == 0.5) & (v > -120))[0]:
            counts["negative ties"] += 1
            counts["LiteRT away from zero"] += int(ref[k] == -np.floor(-v[k] + 0.5))
            counts["LiteRT toward +inf"] += int(ref[k] == np.floor(v[k] + 0.5))
    print(f"2. LiteRT reference FC at exact ties (scale 1/8): {counts}")


def probe_peers() -> None:
    specs = [
        ("FC per-channel", lambda x: g.tf.keras.layers.Dense(16, bias_initializer="random_normal")(x), (1, 64), False),
        ("FC per-tensor", lambda x: g.tf.keras.layers.Dense(16, bias_initializer="random_normal")(x), (1, 64), True),
        ("CONV_2D per-channel", lambda x: g.tf.keras.layers.Conv2D(8, 3, padding="same", bias_initializer="random_normal")(x), (1, 8, 8, 4), False),
        ("CONV_2D per-tensor", lambda x: g.tf.keras.layers.Conv2D(8, 3, padding="same", bias_initializer="random_normal")(x), (1, 8, 8, 4), True),
    ]
    for name, layer, shape, per_tensor in specs:
        model = g.convert(layer, shape, quantize=True, per_tensor=per_tensor, seed=7)
        differ = total = 0
        for seed in range(300):
            x = g.seeded_input(model, seed)
            a, b = g.run_tflm(model, x), g.run_litert_reference(model, x)
            differ += int((a != b).sum())
            total += a.size
        print(f"3. {name}: TFLM and LiteRT's reference kernel differ on {differ} of {total} outputs (300 inputs)")


if __name__ == "__main__":
    print(g.versions())
    probe_product()
    probe_ties()
    probe_peers()

"""What a converted model contains: operators with their options, and how
their weights are quantized. Read from the flatbuffer itself, so the
manifest says what the converter produced rather than what was asked for."""

from __future__ import annotations

import numpy as np
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

WEIGHTED_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}

_ENUMS = {
    "padding": {v: k for k, v in vars(schema.Padding).items() if not k.startswith("_")},
    "fusedActivationFunction": {
        v: k for k, v in vars(schema.ActivationFunctionType).items() if not k.startswith("_")
    },
}


def _plain(value):
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, float):
        return float(np.float32(value))
    return value


def operators(model_bytes: bytes) -> list[dict]:
    """Each operator in execution order: name, builtin options, and for
    CONV_2D/DEPTHWISE_CONV_2D/FULLY_CONNECTED whether int8 weights carry one
    scale per output channel or one per tensor."""
    model = flatbuffer_utils.read_model_from_bytearray(model_bytes)
    graph = model.subgraphs[0]
    result = []
    for op in graph.operators:
        name = flatbuffer_utils.opcode_to_name(model, op.opcodeIndex)
        entry: dict = {"op": name}
        if op.builtinOptions is not None:
            entry["options"] = {
                key: _ENUMS.get(key, {}).get(value, _plain(value))
                for key, value in sorted(vars(op.builtinOptions).items())
            }
        if name in WEIGHTED_OPS and len(op.inputs) > 1:
            weights = graph.tensors[op.inputs[1]]
            q = weights.quantization
            if weights.type == schema.TensorType.INT8 and q is not None and q.scale is not None:
                entry["weights"] = "per-channel" if len(q.scale) > 1 else "per-tensor"
            entry["bias"] = bool(len(op.inputs) > 2 and op.inputs[2] >= 0)
        result.append(entry)
    return result

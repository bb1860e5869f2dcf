"""TFLM's arena for a model, read from the tflite-micro Python package.

The package's interpreter records its allocations (RecordingMicroAllocator)
but exposes them only as text printed to the C++ stderr, so the figures are
parsed from that text. It is the host build: structures holding pointers
(the tail) are larger than on a 32-bit Cortex-M, and the kernels are TFLM's
reference ones, which ask for no CMSIS-NN scratch buffers. The head, the
tensors TFLM's greedy planner places, does not depend on either.
"""

from __future__ import annotations

import os
import re
import tempfile

import numpy as np

_LINE = re.compile(r"Arena allocation (total|head|tail) (\d+) bytes")
ARENA_BYTES = 8 << 20


def tflm_arena(model_bytes: bytes, inputs: list[np.ndarray]) -> dict:
    """Arena total, head and tail after one invoke on the first row of `inputs`."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=ARENA_BYTES)
    for index, x in enumerate(inputs):
        interpreter.set_input(np.ascontiguousarray(x[0]), index)
    interpreter.invoke()
    text = _captured_stderr(interpreter.print_allocations)
    figures = {kind: int(n) for kind, n in _LINE.findall(text)}
    if set(figures) != {"total", "head", "tail"}:
        raise RuntimeError(f"TFLM printed no arena figures: {text[:200]!r}")
    return {
        "total_bytes": figures["total"],
        "head_bytes": figures["head"],
        "tail_bytes": figures["tail"],
        "build": "tflite-micro Python package, host (64-bit pointers), reference kernels",
    }


def _captured_stderr(call) -> str:
    """What `call` writes to file descriptor 2 (C++ code bypasses sys.stderr)."""
    with tempfile.TemporaryFile() as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            call()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        log.seek(0)
        return log.read().decode(errors="replace")

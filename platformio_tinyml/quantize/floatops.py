"""The kernel table of the calibration interpreter (floatref.py): ``@_kernel("OP")`` registers a
numpy function ``fn(op, *inputs) -> output`` (a list of outputs for several), kept in ``_KERNELS``."""
from __future__ import annotations

import numpy as np

from ..errors import UnsupportedError
from .quant import ACTIVATIONS

_KERNELS: dict = {}


def _kernel(*names):
    def deco(fn):
        for n in names:
            _KERNELS[n] = fn
        return fn
    return deco


def supported_ops() -> list:
    return sorted(_KERNELS)


def _act(x, op: Op, key: str = "fused_activation_function"):
    a = ACTIVATIONS.get(op.options.get(key, 0), "NONE")
    if a == "NONE":
        return x
    if a == "RELU":
        return np.maximum(x, 0.0)
    if a == "RELU6":
        return np.clip(x, 0.0, 6.0)
    if a == "RELU_N1_TO_1":
        return np.clip(x, -1.0, 1.0)
    if a == "TANH":
        return np.tanh(x)
    raise UnsupportedError(f"fused activation {a}")

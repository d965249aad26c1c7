"""Scales and zero points, and quantizing constants, as TensorFlow Lite's quantizer computes them."""
from __future__ import annotations

from typing import Optional

import numpy as np


def round_half_away(x: np.ndarray) -> np.ndarray:
    """std::round on arrays (TFLite's quantizer rounds halves away from zero)."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def asymmetric_params(lo: float, hi: float, qmin: int = -128, qmax: int = 127) -> tuple:
    """(scale, zero point) covering [lo, hi] widened to contain 0, as TFLite nudges them.

    >>> [(round(s, 9), z) for s, z in (asymmetric_params(0.0, 2.55), asymmetric_params(-1.0, 1.0))]
    [(0.01, -128), (0.007843138, -1)]
    >>> asymmetric_params(0.5, 2.0)[1]    # [0, 2]: 0 stays exact
    -128
    """
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi == lo:
        return 1.0, 0
    scale = (hi - lo) / (qmax - qmin)
    zp = int(round_half_away(np.float64(qmin - lo / scale)))
    return float(np.float32(scale)), min(max(zp, qmin), qmax)


def symmetric_scales(w: np.ndarray, axis: Optional[int], qmax: int = 127) -> np.ndarray:
    """One scale per slice along ``axis`` (or one for the tensor): max |w| / 127."""
    a = np.abs(w.astype(np.float64))
    if axis is None:
        m = np.array([a.max() if a.size else 0.0])
    else:
        m = np.moveaxis(a, axis, 0).reshape(w.shape[axis], -1).max(axis=1)
    m = np.where(m > 0, m, 1.0)                       # an all-zero channel: any scale represents it exactly
    return (m / qmax).astype(np.float32)


def quantize_symmetric(w: np.ndarray, scales: np.ndarray, axis: Optional[int], qmax: int = 127) -> np.ndarray:
    s = scales.astype(np.float64)
    if axis is not None:
        shape = [1] * w.ndim
        shape[axis] = -1
        s = s.reshape(shape)
    return np.clip(round_half_away(w.astype(np.float64) / s), -qmax, qmax).astype(np.int8)


def quantize_bias(b: np.ndarray, scales: np.ndarray, dtype: str = "int32") -> np.ndarray:
    q = round_half_away(b.astype(np.float64) / scales.astype(np.float64))
    bits = 32 if dtype == "int32" else 48     # TFLM's 64-bit accumulators assume |acc| < 2^47
    return np.clip(q, -2.0 ** (bits - 1) + 1, 2.0 ** (bits - 1) - 1).astype(dtype)


def symmetric_params(lo: float, hi: float, qmax: int = 32767) -> tuple:
    """(scale, 0) for int16 activations: symmetric, as TFLM's int16 kernels require.

    >>> symmetric_params(-0.5, 2.0)
    (6.103701889514923e-05, 0)
    """
    m = max(abs(float(lo)), abs(float(hi)))
    return (float(np.float32(m / qmax)) if m > 0 else 1.0, 0)

"""Generation-time quantization arithmetic, matching TensorFlow Lite Micro's Prepare().

Everything an interpreter computes when it prepares a kernel is computed here once,
so the generated C only holds the resulting integers.

>>> quantize_multiplier(0.5)
(1073741824, 0)
>>> quantize_multiplier(0.0)
(0, 0)
>>> quantize_multiplier(2.0**31 - 1)
(2147483647, 31)
>>> round_away(2.5), round_away(-2.5), round_away(0.49)
(3, -3, 0)
"""
from __future__ import annotations

import math

import numpy as np

INT_RANGES = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767),
              "int32": (-2**31, 2**31 - 1)}


def round_away(x: float) -> int:
    """std::round: halves away from zero (Python's round() rounds halves to even)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def quantize_multiplier(m: float) -> tuple:
    """TFLite's QuantizeMultiplier: m ≈ q · 2^(shift-31), q in [2^30, 2^31)."""
    if m == 0.0:
        return 0, 0
    q, shift = math.frexp(m)
    q_fixed = round_away(q * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    # TFLM's default (double rounding) build does not clamp shift > 30; only its single-rounding build does
    return int(q_fixed), int(shift)


def quantize_multiplier_smaller_than_one_exp(m: float) -> tuple:
    """QuantizeMultiplierSmallerThanOneExp: (q, left_shift) with left_shift <= 0."""
    q, shift = quantize_multiplier(m)
    return q, shift


def f32(x) -> np.float32:
    return np.float32(x)


def quantize_value_f32(scale: float, zero_point: int, value: float) -> int:
    """TFLite's Quantize(): zp + round(value / scale), the division done in float32."""
    t = float(np.float32(value) / np.float32(scale))
    return int(zero_point) + round_away(t)


def activation_range_quantized(activation: str, dtype: str, scale: float, zero_point: int) -> tuple:
    """CalculateActivationRangeQuantized for a fused activation name."""
    qmin, qmax = INT_RANGES[dtype]
    if activation in (None, "NONE"):
        return qmin, qmax
    q = lambda v: quantize_value_f32(scale, zero_point, v)  # noqa: E731
    if activation == "RELU":
        return max(qmin, q(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, q(0.0)), min(qmax, q(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, q(-1.0)), min(qmax, q(1.0))
    raise ValueError(activation)


FLT_MAX = float(np.finfo(np.float32).max)


def activation_range_float(activation: str) -> tuple:
    if activation in (None, "NONE"):
        return -FLT_MAX, FLT_MAX
    if activation == "RELU":
        return 0.0, FLT_MAX
    if activation == "RELU6":
        return 0.0, 6.0
    if activation == "RELU_N1_TO_1":
        return -1.0, 1.0
    raise ValueError(activation)


ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT", 6: "SIGN_BIT"}


def effective_scale(in_scale, w_scale, out_scale) -> float:
    """input_scale * filter_scale / output_scale in double, from the float32 values."""
    return float(np.float64(np.float32(in_scale)) * np.float64(np.float32(w_scale))
                 / np.float64(np.float32(out_scale)))

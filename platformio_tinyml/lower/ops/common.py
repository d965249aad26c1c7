"""Helpers shared by the operator lowerings."""
from __future__ import annotations

import numpy as np

from ...ir import Op, Tensor
from ...quantize.quant import ACTIVATIONS, activation_range_float, activation_range_quantized, effective_scale
from ...quantize.quant import quantize_multiplier as _quantize_multiplier
from ..registry import NULL


class ScaleError(ValueError):
    """A rescale factor computed from a model's quantization scales is not a finite number (the scales
    are finite, but their products overflow); :func:`~platformio_tinyml.lower.lower.lower_graph` makes
    it a one-line error naming the operator."""


def quantize_multiplier(m: float) -> tuple:
    """:func:`platformio_tinyml.quantize.quant.quantize_multiplier`, refusing an infinite or NaN factor."""
    if not np.isfinite(m):
        raise ScaleError(f"a rescale factor computed from its quantization scales is {float(m)}; "
                         "the scales are out of range")
    return _quantize_multiplier(m)


def activation(op: Op, ctx, key: str = "fused_activation_function") -> str:
    name = ACTIVATIONS.get(op.options.get(key, 0), "NONE")
    if name not in ("NONE", "RELU", "RELU6", "RELU_N1_TO_1"):
        ctx.fail(f"fused activation {name} is not supported (NONE, RELU, RELU6, RELU_N1_TO_1 are)")
    return name


def act_range(op: Op, ctx, out: Tensor, key: str = "fused_activation_function") -> tuple:
    """(act_min, act_max) for the output dtype: ints for quantized outputs, floats for float."""
    name = activation(op, ctx, key)
    if out.dtype == "float32":
        return activation_range_float(name)
    return activation_range_quantized(name, out.dtype, out.q_scale, out.q_zero_point)


def requant_params(ctx, inp: Tensor, w: Tensor, out: Tensor, channels: int, float_product: bool = False):
    """Per-tensor (multiplier, shift) or per-channel arrays, as TFLM's Prepare computes them.

    ``float_product``: the per-tensor scale is (input_scale * weight_scale) multiplied in float32 and
    only then divided in double (TFLM's GetQuantizedConvolutionMultipler, used by FULLY_CONNECTED);
    otherwise everything is double (PopulateConvolutionQuantizationParams, used by the convolutions).

    Returns (mult, shift, per_channel_mult_ref_or_NULL, per_channel_shift_ref_or_NULL).
    """
    scales = np.asarray(w.scale, np.float32)
    if len(scales) == 1:
        if float_product:
            real = float(np.float64(np.float32(inp.q_scale) * np.float32(scales[0])) / np.float64(np.float32(out.q_scale)))
        else:
            real = effective_scale(inp.q_scale, scales[0], out.q_scale)
        m, s = quantize_multiplier(real)
        return m, s, NULL, NULL
    if len(scales) != channels:
        ctx.fail(f"weights tensor {w.index} has {len(scales)} scales for {channels} output channels")
    ms, ss = zip(*(quantize_multiplier(effective_scale(inp.q_scale, sc, out.q_scale)) for sc in scales))
    return 0, 0, ctx.array("int32_t", np.array(ms, np.int64), "mult"), ctx.array("int32_t", np.array(ss, np.int64), "shift")


FOLDED_BIAS_ARCHES = ("cortex-m4", "xtensa", "arc-em", "portable")


def folded_bias(ctx, w: Tensor, bias, input_offset: int, rows: int, channels_last: bool = False):
    """bias[o] + input_offset * sum(weights of output o), for the optimized int8 kernels.

    sum((in + input_offset) * w) + bias == sum(in * w) + folded_bias, exactly (int32), so a kernel that
    has it multiplies raw int8 inputs (Armv7E-M: two MACs per SMLAD). Only for symmetric weights and
    only in the layouts whose kernels use it (``cortex-m4``, ``xtensa``, ``arc-em``, and ``portable``, which serves any
    board);
    NULL otherwise, or when a value would not fit int32. ``channels_last``: the output channel is the weights' last axis
    (depthwise), else the first.
    """
    if ctx.arch not in FOLDED_BIAS_ARCHES or w.q_zero_point != 0:
        return NULL
    data = np.asarray(w.data, np.int64)
    sums = data.reshape(-1, rows).sum(axis=0) if channels_last else data.reshape(rows, -1).sum(axis=1)
    b = np.zeros(rows, np.int64) if bias is None else np.asarray(bias.data, np.int64).reshape(-1)
    fb = b + int(input_offset) * sums
    if fb.min() < -2 ** 31 or fb.max() >= 2 ** 31:
        return NULL
    return ctx.array("int32_t", fb, "fbias")


def check_bias(ctx, bias, channels: int) -> None:
    """A bias has one value per output channel (the kernels read ``channels`` of them)."""
    if bias is not None and bias.size != channels:
        ctx.fail(f"bias tensor {bias.index} '{bias.name}' has {bias.size} values for {channels} output channels")


def require_quantized(ctx, *tensors: Tensor) -> None:
    for t in tensors:
        if t is not None and t.dtype in ("int8", "int16", "uint8") and not t.quantized:
            ctx.fail(f"tensor {t.index} '{t.name}' is {t.dtype} but has no quantization parameters")


def flat_size(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


#: TFLM's int16x8 kernels accumulate in 64 bits with an int64 bias and requantize with the 64-bit
#: MultiplyByQuantizedMultiplier; with an int32 bias they use the 32-bit one. Without a bias:
NO_BIAS_ACC64 = 1


def int16x8_params(op, ctx, inp: Tensor, w: Tensor, bias, out: Tensor, channels: int, quant_dim: int,
                   float_product: bool = False) -> dict:
    """Requantization parameters of an int16x8 FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D
    (int16 activations with zero point 0, int8 symmetric weights, int64 or int32 bias)."""
    require_quantized(ctx, inp, w, out)
    if inp.q_zero_point != 0 or out.q_zero_point != 0:
        ctx.fail(f"int16 input and output need zero point 0 (got {inp.q_zero_point} and {out.q_zero_point})")
    if w.zero_point is not None and any(int(z) != 0 for z in w.zero_point):
        ctx.fail("int8 weights must be symmetric (zero point 0)")
    if len(w.scale) > 1 and w.quant_dim != quant_dim:
        ctx.fail(f"per-channel weights must be quantized along dimension {quant_dim}, got {w.quant_dim}")
    if bias is not None and bias.dtype not in ("int64", "int32"):
        ctx.fail(f"an int16x8 {op.type} needs an int64 (or int32) bias, got {bias.dtype}")
    m, s, pm, ps = requant_params(ctx, inp, w, out, channels, float_product)
    lo, hi = act_range(op, ctx, out)
    acc64 = NO_BIAS_ACC64 if bias is None else int(bias.dtype == "int64")
    return dict(output_offset=0, output_multiplier=m, output_shift=s, per_channel_multiplier=pm,
                per_channel_shift=ps, act_min=lo, act_max=hi, acc64=acc64)

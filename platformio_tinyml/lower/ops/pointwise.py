"""LEAKY_RELU, PRELU, HARD_SWISH, ELU, LOG_SOFTMAX as TFLite Micro runs them.

Everything TFLM's Prepare() computes is computed here: LEAKY_RELU's identity and alpha multipliers
(leaky_relu_common.cc), PRELU's two multipliers (prelu_common.cc), HARD_SWISH's int16 fixed-point
multipliers and exponents (hard_swish_common.cc), ELU's int8 lookup table (elu.cc's PopulateLookupTable,
float32) and LOG_SOFTMAX's input multiplier, reverse scaling divisor and diff_min
(PreprocessLogSoftmaxScalingExp, log_softmax.cc). The scale ratios of LEAKY_RELU and HARD_SWISH are taken
in double, as the TFLM the tests compare with does (in float32 some land on a rounding tie, or on another
16-bit multiplier, that TFLM does not: tests/test_ops_pointwise.py has such cases); ELU's table is float32.
"""
from __future__ import annotations

import math

import numpy as np

from ...quantize.quant import round_away
from ..registry import NULL, register
from .activations import softmax_s8_params
from .common import flat_size, quantize_multiplier, require_quantized
from .elementwise import MAX_RANK, broadcast_plan

_SFX = {"int8": "s8", "int16": "s16", "float32": "f32"}
f32 = np.float32


def _unary(op, ctx, name: str, dtypes: tuple):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    kind = ctx.dtypes_of(inp, out)
    if inp.dtype != out.dtype or inp.dtype not in dtypes:
        ctx.fail(f"input/output dtypes {kind} are not supported ({', '.join(dtypes)} for both are)")
    if flat_size(inp.shape) != flat_size(out.shape):
        ctx.fail(f"input and output sizes differ ({flat_size(inp.shape)} and {flat_size(out.shape)})")
    require_quantized(ctx, inp, out)
    for t in (inp, out):
        if t.dtype != "float32" and len(t.scale) != 1:
            ctx.fail(f"tensor {t.index} '{t.name}' is quantized per channel; {name} needs per-tensor scales")
    return inp, out


def _shift_ok(ctx, shift: int, what: str) -> None:
    if shift > 30:
        ctx.fail(f"the {what} scale ratio needs a left shift of {shift} (at most 30 is supported)")


# ---------------------------------------------------------------- LEAKY_RELU


def leaky_relu_q_params(in_scale: float, out_scale: float, alpha: float) -> dict:
    """CalculateOpDataLeakyRelu: both ratios of the float32 scales in double, then QuantizeMultiplier. A negative
    alpha multiplier is applied as TFLM's QuantizeLeakyRelu does: its magnitude (-(-2^31) wraps to -2^31,
    as there), the product negated."""
    s_in, s_out, a = (float(f32(v)) for v in (in_scale, out_scale, alpha))
    ma, sa = quantize_multiplier(s_in * a / s_out)
    mi, si = quantize_multiplier(s_in / s_out)
    negate = int(ma < 0)
    if negate:
        ma = -ma if ma > -(1 << 31) else ma
    return dict(multiplier_identity=mi, shift_identity=si, multiplier_alpha=ma, shift_alpha=sa, negate_alpha=negate)


@register("LEAKY_RELU", operands=(1, 1, 1, ()))
def lower_leaky_relu(op, ctx):
    inp, out = _unary(op, ctx, "LEAKY_RELU", ("float32", "int8", "int16"))
    size = flat_size(inp.shape)
    alpha = float(f32(op.options.get("alpha", 0.0)))
    ctx.allow_inplace(out.index, inp.index)
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.emit("tml_leaky_relu_f32", *args, params_type="tml_leaky_relu_f32_params",
                 params=dict(size=size, alpha=alpha))
        return
    q = leaky_relu_q_params(inp.q_scale, out.q_scale, alpha)
    _shift_ok(ctx, q["shift_identity"], "input/output")
    _shift_ok(ctx, q["shift_alpha"], "alpha x input/output")
    ctx.emit(f"tml_leaky_relu_{_SFX[inp.dtype]}", *args, params_type="tml_leaky_relu_q_params",
             params=dict(size=size, input_zero_point=inp.q_zero_point, output_zero_point=out.q_zero_point, **q))


# ---------------------------------------------------------------- PRELU

PRELU_F32_MAX_RANK = 4  # TFLM's BroadcastPrelu4DSlowFloat (its quantized PRELU takes any rank)


def _strip_ones(shape) -> list:
    dims = [int(d) for d in shape]
    while dims and dims[0] == 1:
        dims.pop(0)
    return dims


@register("PRELU", operands=(2, 2, 1, ()))
def lower_prelu(op, ctx):
    inp, alpha, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    kind = ctx.dtypes_of(inp, alpha, out)
    ok = {"float32/float32/float32", "int8/int8/int8", "int16/int8/int16"}
    if kind not in ok:
        ctx.fail(f"input/alpha/output dtypes {kind} are not supported ({', '.join(sorted(ok))} are)")
    for t in (inp, alpha, out):
        if out.dtype == "float32" and len(t.shape) > PRELU_F32_MAX_RANK:
            ctx.fail(f"tensor {t.index} '{t.name}' has {len(t.shape)} dimensions; float32 PRELU supports at "
                     f"most {PRELU_F32_MAX_RANK}")
    try:
        plan = broadcast_plan(inp.shape, alpha.shape, out.shape)
    except ValueError as e:
        ctx.fail(str(e))
    if len(plan) > MAX_RANK:
        ctx.fail(f"broadcasting needs {len(plan)} dimensions after merging; at most {MAX_RANK} are supported")
    rank = max(len(inp.shape), len(alpha.shape))
    a = [1] * (rank - len(inp.shape)) + [int(d) for d in inp.shape]
    b = [1] * (rank - len(alpha.shape)) + [int(d) for d in alpha.shape]
    want = [max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b)]
    if _strip_ones(out.shape) != _strip_ones(want):
        ctx.fail(f"output shape {tuple(out.shape)} is not the broadcast of the input {tuple(inp.shape)} "
                 f"and alpha {tuple(alpha.shape)}")
    if plan:
        vals = [p[0] for p in plan] + [p[1] for p in plan] + [p[2] for p in plan]
        shape = dict(size=flat_size(out.shape), bcast_rank=len(plan),
                     bcast=ctx.array("int32_t", np.array(vals, np.int64), "bcast"))
    else:
        shape = dict(size=flat_size(out.shape), bcast_rank=0, bcast=NULL)
    args = (ctx.tensor(inp.index), ctx.tensor(alpha.index), ctx.tensor(out.index))
    if not inp.is_const and tuple(inp.shape) == tuple(out.shape):
        ctx.allow_inplace(out.index, inp.index)
    if out.dtype == "float32":
        ctx.emit("tml_prelu_f32", *args, params_type="tml_prelu_f32_params", params=shape)
        return
    require_quantized(ctx, inp, alpha, out)
    for t in (inp, alpha, out):
        if len(t.scale) != 1:
            ctx.fail(f"tensor {t.index} '{t.name}' is quantized per channel; PRELU needs per-tensor scales")
    s_in, s_a, s_out = (float(f32(t.q_scale)) for t in (inp, alpha, out))
    m1, sh1 = quantize_multiplier(s_in / s_out)
    m2, sh2 = quantize_multiplier(s_in * s_a / s_out)
    _shift_ok(ctx, sh1, "input/output")
    _shift_ok(ctx, sh2, "input x alpha/output")
    ctx.emit(f"tml_prelu_{_SFX[out.dtype]}", *args, params_type=f"tml_prelu_{_SFX[out.dtype]}_params",
             params=dict(shape, input_offset=-inp.q_zero_point, alpha_offset=-alpha.q_zero_point,
                         output_offset=out.q_zero_point, output_multiplier_1=m1, output_shift_1=sh1,
                         output_multiplier_2=m2, output_shift_2=sh2))


# ---------------------------------------------------------------- HARD_SWISH


def downscale_multiplier_s16(m: int) -> int:
    """DownScaleInt32ToInt16Multiplier."""
    if m >= (1 << 31) - 1 - (1 << 15):
        return 32767
    return (m + (1 << 15)) >> 16


def hard_swish_s8_params(in_scale: float, out_scale: float) -> dict:
    """HardSwishPrepare: QuantizeMultiplier, then 16-bit multipliers. The scale ratios are taken in double
    (the float32 scales of the model), as the TFLM the tests compare with computes them: in float32 a
    ratio can round to another 16-bit multiplier."""
    hires = float(f32(in_scale)) / 128.0
    om, oe = quantize_multiplier(hires / float(f32(out_scale)))
    rm, re_ = quantize_multiplier(hires / (3.0 / 32768.0))
    return dict(output_multiplier=downscale_multiplier_s16(om), output_exponent=oe,
                reluish_multiplier=downscale_multiplier_s16(rm), reluish_exponent=re_)


@register("HARD_SWISH", operands=(1, 1, 1, ()))
def lower_hard_swish(op, ctx):
    inp, out = _unary(op, ctx, "HARD_SWISH", ("float32", "int8"))
    size = flat_size(inp.shape)
    ctx.allow_inplace(out.index, inp.index)
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.emit("tml_hard_swish_f32", *args, params_type="tml_pointwise_f32_params", params=dict(size=size))
        return
    q = hard_swish_s8_params(inp.q_scale, out.q_scale)
    if q["output_exponent"] > 0:
        ctx.fail(f"input scale {inp.q_scale} / 128 over output scale {out.q_scale} is not below 1 "
                 "(TFLM's HARD_SWISH needs a right shift there)")
    if q["reluish_exponent"] > 31:
        ctx.fail(f"input scale {inp.q_scale} is too large for the int8 HARD_SWISH kernel")
    ctx.emit("tml_hard_swish_s8", *args, params_type="tml_hard_swish_s8_params",
             params=dict(size=size, input_zero_point=inp.q_zero_point, output_zero_point=out.q_zero_point, **q))


# ---------------------------------------------------------------- ELU


def elu_table_s8(in_scale: float, in_zp: int, out_scale: float, out_zp: int) -> np.ndarray:
    """PopulateLookupTable<int8_t> with exp(x) - 1 for x < 0, all in float32; indexed by (uint8)input."""
    table = np.zeros(256, np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        inv = f32(f32(1.0) / f32(out_scale))
        for val in range(-128, 128):
            x = f32(f32(in_scale) * f32(val - in_zp))
            y = f32(f32(math.exp(float(x))) - f32(1.0)) if x < 0 else x
            v = f32(y * inv)
            q = float(f32(f32(round_away(float(v))) + f32(out_zp))) if np.isfinite(v) else math.nan
            # x86's cvttss2si gives INT32_MIN for NaN and out-of-range values
            q = int(q) if -2.0 ** 31 <= q < 2.0 ** 31 else -(2 ** 31)
            table[val & 0xFF] = min(127, max(-128, q))
    return table


@register("ELU", operands=(1, 1, 1, ()))
def lower_elu(op, ctx):
    inp, out = _unary(op, ctx, "ELU", ("float32", "int8"))
    size = flat_size(inp.shape)
    ctx.allow_inplace(out.index, inp.index)
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.emit("tml_elu_f32", *args, params_type="tml_pointwise_f32_params", params=dict(size=size))
        return
    table = elu_table_s8(inp.q_scale, inp.q_zero_point, out.q_scale, out.q_zero_point)
    ctx.emit("tml_elu_s8", *args, params_type="tml_elu_s8_params",
             params=dict(size=size, table=ctx.array("int8_t", table, "elu_table")))


# ---------------------------------------------------------------- LOG_SOFTMAX


def log_softmax_s8_params(in_scale: float):
    """PreprocessLogSoftmaxScalingExp with beta 1 and 5 integer bits, and diff_min; None where TFLM's
    checks would fail."""
    prm = softmax_s8_params(float(f32(in_scale)), 1.0)
    if prm is None:
        return None
    mult, shift, diff_min = prm
    if shift > 31:    # 1 << (31 - shift) in TFLM
        return None
    real = float(1 << (31 - shift)) / float(mult)
    if not 0.0 < real < 1.0:
        return None
    div, div_shift = quantize_multiplier(real)
    if div_shift > 0:
        return None
    return dict(input_multiplier=mult, input_left_shift=shift, reverse_scaling_divisor=div,
                reverse_scaling_right_shift=-div_shift, diff_min=diff_min)


@register("LOG_SOFTMAX", operands=(1, 1, 1, ()))
def lower_log_softmax(op, ctx):
    inp, out = _unary(op, ctx, "LOG_SOFTMAX", ("float32", "int8"))
    if len(inp.shape) < 1:
        ctx.fail("input must have at least one dimension")
    if tuple(inp.shape) != tuple(out.shape):
        ctx.fail(f"input shape {tuple(inp.shape)} and output shape {tuple(out.shape)} differ")
    depth = int(inp.shape[-1])
    outer = flat_size(inp.shape) // depth if depth else 0
    ctx.allow_inplace(out.index, inp.index)
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.emit("tml_log_softmax_f32", *args, params_type="tml_log_softmax_f32_params",
                 params=dict(outer=outer, depth=depth))
        return
    if f32(out.q_scale) != f32(16.0 / 256) or out.q_zero_point != 127:
        ctx.fail(f"int8 LOG_SOFTMAX output must have scale 16/256 and zero point 127 "
                 f"(got {out.q_scale}, {out.q_zero_point})")
    q = log_softmax_s8_params(inp.q_scale)
    if q is None:
        ctx.fail(f"input scale {inp.q_scale} is out of the int8 LOG_SOFTMAX kernel's range")
    ctx.emit("tml_log_softmax_s8", *args, params_type="tml_log_softmax_s8_params",
             params=dict(outer=outer, depth=depth, **q))


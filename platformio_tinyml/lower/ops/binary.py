"""SUB, DIV, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE, with broadcasting (as ADD and MUL, elementwise.py).

Dtypes are those of TFLite Micro's kernels (sub.cc, div.cc, maximum_minimum.cc, squared_difference.cc);
the quantized parameters are computed as their Prepare() does, including where it computes in float32
and where in double. The kernels are documented in library/src/tinyml/ops/binary.h.
"""
from __future__ import annotations

import numpy as np

from ...quantize.quant import INT_RANGES
from ..registry import register
from .common import act_range, activation, quantize_multiplier, require_quantized
from .elementwise import DSP_ARCHES, add_table, allow_inplace, shape_params

_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32", "int32": "i32", "int64": "i64"}

# dtypes of each operator's TFLM kernel
_DTYPES = {
    "SUB": ("float32", "int32", "int8", "int16"),
    "DIV": ("float32", "int32", "int8"),
    "MAXIMUM": ("float32", "int8", "int16", "int32", "int64"),
    "MINIMUM": ("float32", "int8", "int16", "int32", "int64"),
    "SQUARED_DIFFERENCE": ("float32", "int32", "int8", "int16"),
}

DIV_MAX_OUTPUT_SHIFT = 21
"""Largest int8 DIV output shift: TFLM's last rescale must stay a right shift for every input
(its headroom of |v1| <= 255 is at least 23, the divisor's reciprocal shift at least -1)."""
DIV_MIN_OUTPUT_SHIFT = -24
"""Smallest: TFLM's last right shift (at most 38 - output_shift) stays below 64."""


def _operands(op, ctx, name: str):
    in1, in2, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    allowed = _DTYPES[name]
    if not (in1.dtype == in2.dtype == out.dtype) or out.dtype not in allowed:
        ctx.fail(f"input/input/output dtypes {ctx.dtypes_of(in1, in2, out)} are not supported "
                 f"({', '.join(allowed)} for all three are)")
    if out.dtype in ("int32", "int64") and (in1.quantized or in2.quantized or out.quantized):
        ctx.fail(f"quantized {out.dtype} tensors are not supported (TFLM's {name} takes plain {out.dtype})")
    if out.dtype in ("int8", "int16") and name not in ("MAXIMUM", "MINIMUM"):
        require_quantized(ctx, in1, in2, out)
        for t in (in1, in2, out):
            if len(t.scale) != 1:
                ctx.fail(f"tensor {t.index} '{t.name}' is quantized per channel; {name} needs per-tensor scales")
    return in1, in2, out


def _int32_act(op, ctx) -> tuple:
    """CalculateActivationRange<int32_t>."""
    lo, hi = INT_RANGES["int32"]
    return {"NONE": (lo, hi), "RELU": (0, hi), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}[activation(op, ctx)]


def _emit(op, ctx, name: str, in1, in2, out, ptype: str, params: dict) -> None:
    allow_inplace(ctx, in1, in2, out)
    ctx.emit(f"tml_{name.lower()}_{_SUFFIX[out.dtype]}", ctx.tensor(in1.index), ctx.tensor(in2.index),
             ctx.tensor(out.index), params_type=ptype, params=params)


def _below_one(ctx, name: str, m: float, what: str) -> tuple:
    if not 0.0 < m < 1.0:
        ctx.fail(f"{name} {what} multiplier {m} is not in (0, 1) (TFLM requires it; the scales are too far apart)")
    return quantize_multiplier(m)


def _sub_quant(ctx, in1, in2, out) -> dict:
    """CalculateOpDataSub: the ratios of the float32 scales in double (what the TFLM we test against
    computes; float32 ratios differ in the last bits of the multipliers and fail its outputs)."""
    left_shift = 15 if out.dtype == "int16" else 20
    s1, s2, so = (float(np.float32(t.q_scale)) for t in (in1, in2, out))
    twice_max = 2.0 * max(s1, s2)
    m1, sh1 = _below_one(ctx, "SUB", s1 / twice_max, "input1")
    m2, sh2 = _below_one(ctx, "SUB", s2 / twice_max, "input2")
    mo, sho = _below_one(ctx, "SUB", twice_max / ((1 << left_shift) * so), "output")
    return dict(input1_offset=-in1.q_zero_point, input2_offset=-in2.q_zero_point,
                output_offset=out.q_zero_point, left_shift=left_shift,
                input1_multiplier=m1, input1_shift=sh1, input2_multiplier=m2, input2_shift=sh2,
                output_multiplier=mo, output_shift=sho)


@register("SUB", operands=(2, 2, 1, ()))
def lower_sub(op, ctx):
    in1, in2, out = _operands(op, ctx, "SUB")
    shape = shape_params(ctx, in1, in2, out)
    if out.dtype == "float32":
        lo, hi = act_range(op, ctx, out)
        params, ptype = dict(shape, act_min=float(lo), act_max=float(hi)), "tml_sub_f32_params"
    elif out.dtype == "int32":
        lo, hi = _int32_act(op, ctx)
        params, ptype = dict(shape, act_min=lo, act_max=hi), "tml_sub_i32_params"
    else:
        lo, hi = act_range(op, ctx, out)
        params = dict(shape, **_sub_quant(ctx, in1, in2, out), act_min=lo, act_max=hi)
        if out.dtype == "int8" and ctx.arch in DSP_ARCHES:
            params.update(table=add_table(ctx, params, sub=True))
        ptype = f"tml_sub_{_SUFFIX[out.dtype]}_params"
    _emit(op, ctx, "SUB", in1, in2, out, ptype, params)


@register("DIV", operands=(2, 2, 1, ()))
def lower_div(op, ctx):
    in1, in2, out = _operands(op, ctx, "DIV")
    shape = shape_params(ctx, in1, in2, out)
    if out.dtype == "float32":
        lo, hi = act_range(op, ctx, out)
        params, ptype = dict(shape, act_min=float(lo), act_max=float(hi)), "tml_div_f32_params"
    elif out.dtype == "int32":
        if in2.is_const and np.any(np.asarray(in2.data) == 0):
            ctx.fail(f"the constant divisor (tensor {in2.index} '{in2.name}') holds 0: integer division by "
                     "zero is undefined in TFLM's int32 DIV")
        lo, hi = _int32_act(op, ctx)
        params, ptype = dict(shape, act_min=lo, act_max=hi), "tml_div_i32_params"
    else:
        lo, hi = act_range(op, ctx, out)
        # DivPrepare: input1_scale / (input2_scale * output_scale) in float32, then QuantizeMultiplier
        f = np.float32
        real = float(f(in1.q_scale)) / (float(f(in2.q_scale)) * float(f(out.q_scale)))
        m, sh = quantize_multiplier(real)
        if not DIV_MIN_OUTPUT_SHIFT <= sh <= DIV_MAX_OUTPUT_SHIFT:
            ctx.fail(f"DIV rescale factor {real:g} is out of range (2^{DIV_MIN_OUTPUT_SHIFT - 1} to "
                     f"2^{DIV_MAX_OUTPUT_SHIFT} are supported: beyond, TFLM's int8 kernel shifts by a negative "
                     "amount or by 64 or more)")
        params = dict(shape, input1_offset=-in1.q_zero_point, input2_offset=-in2.q_zero_point,
                      output_offset=out.q_zero_point, output_multiplier=m, output_shift=sh,
                      act_min=lo, act_max=hi)
        ptype = "tml_div_s8_params"
    _emit(op, ctx, "DIV", in1, in2, out, ptype, params)


def _lower_minmax(op, ctx, name: str) -> None:
    in1, in2, out = _operands(op, ctx, name)
    _emit(op, ctx, name, in1, in2, out, "tml_binary_shape_params", shape_params(ctx, in1, in2, out))


@register("MAXIMUM", operands=(2, 2, 1, ()))
def lower_maximum(op, ctx):
    _lower_minmax(op, ctx, "MAXIMUM")


@register("MINIMUM", operands=(2, 2, 1, ()))
def lower_minimum(op, ctx):
    _lower_minmax(op, ctx, "MINIMUM")


def _squared_difference_quant(ctx, in1, in2, out) -> dict:
    """SquaredDifferencePrepare: the ratios in double (the output's (1 << 2 * left_shift) * scale in float32)."""
    if out.dtype == "int16" and (in1.q_zero_point or in2.q_zero_point or out.q_zero_point):
        ctx.fail("int16 SQUARED_DIFFERENCE needs zero points of 0 (TFLM requires symmetric int16)")
    left_shift = 7 if out.dtype == "int8" else 0
    s1, s2, so = (np.float32(t.q_scale) for t in (in1, in2, out))
    twice_max = 2.0 * float(max(s1, s2))
    m1, sh1 = _below_one(ctx, "SQUARED_DIFFERENCE", float(s1) / twice_max, "input1")
    m2, sh2 = _below_one(ctx, "SQUARED_DIFFERENCE", float(s2) / twice_max, "input2")
    real = twice_max * twice_max / float(np.float32(1 << (2 * left_shift)) * so)
    mo, sho = quantize_multiplier(real)
    if sho > 30:
        ctx.fail(f"SQUARED_DIFFERENCE output rescale factor {real:g} is too large (below 2^30 is supported: "
                 "TFLM's kernel would shift an int32 left by 31 or more)")
    lo, hi = INT_RANGES[out.dtype]
    return dict(input1_offset=-in1.q_zero_point, input2_offset=-in2.q_zero_point,
                output_offset=out.q_zero_point, left_shift=left_shift,
                input1_multiplier=m1, input1_shift=sh1, input2_multiplier=m2, input2_shift=sh2,
                output_multiplier=mo, output_shift=sho, act_min=lo, act_max=hi)


@register("SQUARED_DIFFERENCE", operands=(2, 2, 1, ()))
def lower_squared_difference(op, ctx):
    in1, in2, out = _operands(op, ctx, "SQUARED_DIFFERENCE")
    shape = shape_params(ctx, in1, in2, out)
    if out.dtype in ("float32", "int32"):
        params, ptype = shape, "tml_binary_shape_params"
    else:
        params = dict(shape, **_squared_difference_quant(ctx, in1, in2, out))
        ptype = f"tml_squared_difference_{_SUFFIX[out.dtype]}_params"
    _emit(op, ctx, "SQUARED_DIFFERENCE", in1, in2, out, ptype, params)

"""EXP, LOG, SQRT, RSQRT, ABS, NEG and L2_NORMALIZATION, with the dtypes TFLite Micro runs them in.

- EXP, LOG, SQRT, NEG: float32 only (TFLM's exp.cc, elementwise.cc, neg.cc).
- ABS: float32, int8 and int16 quantized (int16 with zero points 0), int16 not quantized.
- RSQRT: float32, int8 and int16 quantized (int16 with zero points 0).
- L2_NORMALIZATION: float32 and int8 on the last axis of at most 4 dimensions, no fused activation.
The rescale multipliers of ABS and RSQRT are computed here as elementwise.cc's Prepare() computes
them (double arithmetic from the float32 scales).

Refused, with the reason: other dtypes (TFLM stops on them), input and output dtypes that differ,
int8 tensors without quantization (but L2_NORMALIZATION, which TFLM runs with zero point 0), plain
int16 RSQRT (TFLM leaves its rescale undefined), per-channel scales, rescale shifts outside [-31, 30]
(scales too far apart for TFLM's arithmetic to be defined), int8 L2_NORMALIZATION rows deeper than the
int32 sum of squares holds.
"""
from __future__ import annotations

import math

import numpy as np

from ..registry import register
from .common import flat_size, quantize_multiplier

#: TFLM's L2_NORMALIZATION int8 kernel sums squares of (q - zero point), at most 255^2 each, in int32.
L2_S8_MAX_DEPTH = (2**31 - 1) // (255 * 255)


def _same_io(op, ctx):
    """The input and output tensors: one dtype, and one shape for EXP and L2_NORMALIZATION (the others
    only need as many elements)."""
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if inp.dtype != out.dtype:
        ctx.fail(f"input dtype {inp.dtype} and output dtype {out.dtype} differ; TFLite Micro needs them equal")
    if op.type in ("EXP", "L2_NORMALIZATION"):
        if tuple(int(d) for d in inp.shape) != tuple(int(d) for d in out.shape):
            ctx.fail(f"input shape {list(inp.shape)} and output shape {list(out.shape)} differ")
    elif flat_size(inp.shape) != flat_size(out.shape):
        ctx.fail(f"input shape {list(inp.shape)} and output shape {list(out.shape)} have different element counts")
    return inp, out


def _float_only(op, ctx, name: str) -> None:
    inp, out = _same_io(op, ctx)
    if inp.dtype != "float32":
        ctx.fail(f"dtype {inp.dtype} is not supported (TFLite Micro's {op.type} takes float32 only): keep this "
                 f"operator float32 in the model, e.g. convert the float model with custom_tinyml_quantize = int8, "
                 f"which leaves {op.type} in float")
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit(f"tml_{name}_f32", ctx.tensor(inp.index), ctx.tensor(out.index), params_type="tml_unary_params",
             params=dict(size=flat_size(inp.shape)))


@register("EXP", operands=(1, 1, 1, ()))
def lower_exp(op, ctx):
    _float_only(op, ctx, "exp")


@register("LOG", operands=(1, 1, 1, ()))
def lower_log(op, ctx):
    _float_only(op, ctx, "log")


@register("SQRT", operands=(1, 1, 1, ()))
def lower_sqrt(op, ctx):
    _float_only(op, ctx, "sqrt")


@register("NEG", operands=(1, 1, 1, ()))
def lower_neg(op, ctx):
    _float_only(op, ctx, "neg")


def _quantized_io(op, ctx, inp, out) -> None:
    """int8, or int16 with zero points 0, both tensors quantized per tensor (elementwise.cc Prepare)."""
    for t in (inp, out):
        if not t.quantized:
            ctx.fail(f"tensor {t.index} '{t.name}' is {t.dtype} but has no quantization parameters")
        if len(t.scale) != 1:
            ctx.fail(f"tensor {t.index} '{t.name}' is quantized per channel; {op.type} needs one scale")
    if inp.dtype == "int16" and (inp.q_zero_point != 0 or out.q_zero_point != 0):
        ctx.fail(f"int16 {op.type} needs zero points 0 (got input {inp.q_zero_point}, output {out.q_zero_point})")


def _shift_in_range(ctx, shift: int, what: str) -> None:
    if not -31 <= shift <= 30:
        ctx.fail(f"the {what} rescale factor needs a shift of {shift}, outside [-31, 30]: the input and output "
                 "scales are too far apart")


@register("ABS", operands=(1, 1, 1, ()))
def lower_abs(op, ctx):
    inp, out = _same_io(op, ctx)
    size = flat_size(inp.shape)
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.allow_inplace(out.index, inp.index)
        ctx.emit("tml_abs_f32", *args, params_type="tml_unary_params", params=dict(size=size))
        return
    if inp.dtype == "int16" and not inp.quantized:
        # TFLM looks at the input only: a plain int16 input takes the plain |x| whatever the output says
        ctx.allow_inplace(out.index, inp.index)
        ctx.emit("tml_abs_i16", *args, params_type="tml_unary_params", params=dict(size=size))
        return
    if inp.dtype not in ("int8", "int16"):
        ctx.fail(f"dtype {inp.dtype} is not supported (float32, int8 and int16 are)")
    _quantized_io(op, ctx, inp, out)
    s_in, s_out = np.float32(inp.q_scale), np.float32(out.q_scale)
    rescale = bool(s_in != s_out)
    mult, shift = quantize_multiplier(float(s_in) / float(s_out)) if rescale else (0, 0)
    if rescale:
        _shift_in_range(ctx, shift, "ABS")
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_abs_s8" if inp.dtype == "int8" else "tml_abs_s16", *args, params_type="tml_abs_q_params",
             params=dict(size=size, input_offset=inp.q_zero_point, output_offset=out.q_zero_point,
                         rescale=int(rescale), output_multiplier=mult, output_shift=shift))


@register("RSQRT", operands=(1, 1, 1, ()))
def lower_rsqrt(op, ctx):
    inp, out = _same_io(op, ctx)
    size = flat_size(inp.shape)
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.allow_inplace(out.index, inp.index)
        ctx.emit("tml_rsqrt_f32", *args, params_type="tml_unary_params", params=dict(size=size))
        return
    if inp.dtype not in ("int8", "int16"):
        ctx.fail(f"dtype {inp.dtype} is not supported (float32, int8 and int16 are)")
    if inp.dtype == "int16" and not inp.quantized:
        ctx.fail("int16 RSQRT needs quantized tensors (TFLite Micro leaves its rescale undefined without)")
    _quantized_io(op, ctx, inp, out)
    real = 1.0 / (math.sqrt(float(np.float32(inp.q_scale))) * float(np.float32(out.q_scale)))
    mult, shift = quantize_multiplier(real)
    _shift_in_range(ctx, shift - 20, "RSQRT")
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_rsqrt_s8" if inp.dtype == "int8" else "tml_rsqrt_s16", *args,
             params_type="tml_rsqrt_q_params",
             params=dict(size=size, input_offset=inp.q_zero_point, output_offset=out.q_zero_point,
                         output_multiplier=mult, output_shift=shift - 20))


@register("L2_NORMALIZATION", operands=(1, 1, 1, ()))
def lower_l2norm(op, ctx):
    inp, out = _same_io(op, ctx)
    rank = len(inp.shape)
    if not 1 <= rank <= 4:
        ctx.fail(f"input has {rank} dimensions; TFLite Micro's L2_NORMALIZATION takes 1 to 4")
    if op.options.get("fused_activation_function", 0) != 0:
        ctx.fail("a fused activation is not supported (TFLite Micro supports only NONE)")
    depth = int(inp.shape[-1])
    outer = flat_size(inp.shape[:-1])
    args = (ctx.tensor(inp.index), ctx.tensor(out.index))
    if inp.dtype == "float32":
        ctx.allow_inplace(out.index, inp.index)
        ctx.emit("tml_l2norm_f32", *args, params_type="tml_l2norm_f32_params",
                 params=dict(outer=outer, depth=depth))
        return
    if inp.dtype != "int8":
        ctx.fail(f"dtype {inp.dtype} is not supported (float32 and int8 are)")
    if inp.quantized and len(inp.scale) != 1:
        ctx.fail(f"tensor {inp.index} '{inp.name}' is quantized per channel; L2_NORMALIZATION needs one scale")
    if depth > L2_S8_MAX_DEPTH:
        ctx.fail(f"the last dimension has {depth} values; the int8 kernel sums their squares in int32, "
                 f"which holds at most {L2_S8_MAX_DEPTH}")
    ctx.allow_inplace(out.index, inp.index)
    # TFLM reads the input zero point (0 when not quantized) and writes scale 1/128, zero point 0
    ctx.emit("tml_l2norm_s8", *args, params_type="tml_l2norm_s8_params",
             params=dict(outer=outer, depth=depth, input_zero_point=inp.q_zero_point))

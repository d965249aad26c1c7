"""Reductions: MEAN, SUM, REDUCE_MAX (any axes, negative ones too, up to 5-D input, keep_dims true or
false) and ARG_MAX / ARG_MIN, as TFLite Micro computes them.

MEAN / SUM: float32, int8 and int16. TFLite Micro's reference sums in row-major input order; int8/int16
requantize the integer sum minus zero point * count with input_scale / output_scale (MEAN folds in
1/count, see :func:`mean_multiplier`). REDUCE_MAX: float32 and int8 (same scale and zero point in and
out). ARG_MAX / ARG_MIN: float32 and int8 input, one constant int32 axis, int32 output (TFLM's kernel
supports no int64 output). MEAN with an empty axis list is a plain copy; SUM and REDUCE_MAX run their
kernel over no axis, as TFLM does. See library/src/tinyml/ops/reduce.h.
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import flat_size, quantize_multiplier, require_quantized

DIMS = 5  # TML_REDUCE_DIMS


def resolve_axes(axes, rank: int) -> list:
    """TFLite's ResolveAxis: negative axes wrapped, duplicates dropped, order kept.

    >>> resolve_axes([2, -3, 1], 4)
    [2, 1]
    """
    out = []
    for a in axes:
        a = a + rank if a < 0 else a
        if a not in out:
            out.append(a)
    return out


def mean_multiplier(in_scale, out_scale, count: int) -> tuple:
    """(multiplier, shift) of QuantizedMeanOrSum: input/output scale with 1/count folded in.

    >>> mean_multiplier(0.5, 0.5, 4)
    (1073741824, -1)
    """
    m, s = quantize_multiplier(float(np.float64(np.float32(in_scale)) / np.float64(np.float32(out_scale))))
    shift = min(count.bit_length() - 1, 32, 31 + s)
    return int((m << shift) // count), s - shift


def _axes(op, ctx, inp) -> list:
    """The resolved axes of a reduction: a constant int32 axis tensor, each axis in [-rank, rank)."""
    axis_t = ctx.t(op.inputs[1])
    rank = len(inp.shape)
    if axis_t is None or not axis_t.is_const or axis_t.dtype != "int32":
        ctx.fail("the axis input must be a constant int32 tensor")
    if rank > DIMS:
        ctx.fail(f"input rank {rank} is not supported (up to {DIMS} is)")
    raw = [int(v) for v in np.asarray(axis_t.data).reshape(-1)]
    if any(not -rank <= a < rank for a in raw):
        ctx.fail(f"axis {raw} is out of range for rank {rank}")
    return raw


def _plan(op, ctx, inp, out, axes) -> dict:
    """in_dims / out_stride / out_count / reduce_count of the kernels (see ops/reduce.h)."""
    rank = len(inp.shape)
    dims = [1] * (DIMS - rank) + [int(d) for d in inp.shape]
    reduced = set(a + DIMS - rank for a in axes)
    out_dims = [1 if a in reduced else d for a, d in enumerate(dims)]
    out_count = flat_size(out_dims)
    keep = bool(op.options.get("keep_dims", False))
    want = [1 if a in axes else int(d) for a, d in enumerate(inp.shape)] if keep else \
        [int(d) for a, d in enumerate(inp.shape) if a not in axes]
    if out_count != out.size or (list(out.shape) != want and [d for d in out.shape if d != 1] !=
                                 [d for d in want if d != 1]):
        ctx.fail(f"output shape {list(out.shape)} does not match the reduction of {list(inp.shape)} over {axes}")
    stride, strides = 1, [0] * DIMS
    for a in range(DIMS - 1, -1, -1):
        if a not in reduced:
            strides[a] = stride
            stride *= dims[a]
    if inp.size == 0 or out_count == 0:
        ctx.fail("empty tensors are not supported")
    return dict(in_dims=ctx.array("int32_t", np.array(dims, np.int64), "red_dims"),
                out_stride=ctx.array("int32_t", np.array(strides, np.int64), "red_stride"),
                out_count=out_count, reduce_count=flat_size([dims[a] for a in reduced]))


def _quantized_sum(ctx, inp, out, common: dict, multiplier: int, shift: int, name: str) -> None:
    """The int8/int16 MEAN or SUM call: requantized sums (TFLM's QuantizedMeanOrSum)."""
    require_quantized(ctx, inp, out)
    n = common["reduce_count"]
    zp_sum = inp.q_zero_point * n
    if not -2**31 <= zp_sum < 2**31 or n * (128 if inp.dtype == "int8" else 32768) >= 2**31:
        ctx.fail(f"reducing {n} elements into one overflows the int32 sum")
    suffix = "s8" if inp.dtype == "int8" else "s16"
    ctx.emit(f"tml_{name}_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
             ctx.scratch_buffer(4 * common["out_count"]), params_type=f"tml_{name}_{suffix}_params",
             params=dict(common, zero_point_sum=zp_sum, output_multiplier=multiplier, output_shift=shift,
                         output_zero_point=out.q_zero_point))


@register("MEAN")
def lower_mean(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    raw = _axes(op, ctx, inp)
    axes = resolve_axes(raw, len(inp.shape))
    if not raw:
        # TFLite's reduce with no axes copies the input unchanged (ReduceIsCopy)
        from .shape import _copy_or_alias
        if inp.dtype != out.dtype:
            ctx.fail(f"input dtype {inp.dtype} differs from output dtype {out.dtype}")
        _copy_or_alias(op, ctx, inp, out)
        return
    common = _plan(op, ctx, inp, out, axes)
    kind = ctx.dtypes_of(inp, out)
    if kind == "float32/float32":
        ctx.emit("tml_mean_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_mean_f32_params", params=common)
        return
    if kind in ("int8/int8", "int16/int16"):
        require_quantized(ctx, inp, out)
        m, sh = mean_multiplier(inp.q_scale, out.q_scale, common["reduce_count"])
        _quantized_sum(ctx, inp, out, common, m, sh, "mean")
        return
    ctx.fail(f"input/output dtypes {kind} are not supported (float32, int8 and int16 are)")


@register("SUM", operands=(2, 2, 1, ()))
def lower_sum(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    axes = resolve_axes(_axes(op, ctx, inp), len(inp.shape))
    kind = ctx.dtypes_of(inp, out)
    if kind not in ("float32/float32", "int8/int8", "int16/int16"):
        ctx.fail(f"input/output dtypes {kind} are not supported (float32, int8 and int16 are)")
    common = _plan(op, ctx, inp, out, axes)
    if inp.dtype == "float32":
        ctx.emit("tml_sum_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_sum_f32_params", params=common)
        return
    require_quantized(ctx, inp, out)
    # PrepareMeanOrSum: QuantizeMultiplier(input_scale / output_scale), in double from the float32 scales
    m, sh = quantize_multiplier(float(np.float64(np.float32(inp.q_scale)) / np.float64(np.float32(out.q_scale))))
    _quantized_sum(ctx, inp, out, common, m, sh, "sum")


@register("REDUCE_MAX", operands=(2, 2, 1, ()))
def lower_reduce_max(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    axes = resolve_axes(_axes(op, ctx, inp), len(inp.shape))
    kind = ctx.dtypes_of(inp, out)
    if kind not in ("float32/float32", "int8/int8"):
        ctx.fail(f"input/output dtypes {kind} are not supported (float32 and int8 are)")
    if inp.dtype == "int8":
        require_quantized(ctx, inp, out)
        if np.float32(inp.q_scale) != np.float32(out.q_scale) or inp.q_zero_point != out.q_zero_point:
            ctx.fail("int8 input and output need the same scale and zero point (TFLM requires it)")
    common = _plan(op, ctx, inp, out, axes)
    suffix = "s8" if inp.dtype == "int8" else "f32"
    ctx.emit(f"tml_reduce_max_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_reduce_max_params", params=common)


def _arg_min_max(op, ctx, name: str) -> None:
    inp, axis_t, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    rank = len(inp.shape)
    if inp.dtype not in ("float32", "int8"):
        ctx.fail(f"input dtype {inp.dtype} is not supported (float32 and int8 are)")
    if out.dtype != "int32":
        ctx.fail(f"output dtype {out.dtype} is not supported (TFLM's kernel supports only int32)")
    if axis_t is None or not axis_t.is_const or axis_t.dtype != "int32" or axis_t.size != 1:
        ctx.fail("the axis input must be a constant int32 tensor of one value (TFLM supports only int32)")
    if rank < 1:
        ctx.fail("the input must have at least one dimension")
    axis = int(np.asarray(axis_t.data).reshape(-1)[0])
    if not -rank <= axis < rank:
        ctx.fail(f"axis {axis} is out of range for rank {rank}")
    axis = axis + rank if axis < 0 else axis
    dims = [int(d) for d in inp.shape]
    want = dims[:axis] + dims[axis + 1:]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} should be {want}")
    if inp.size == 0:
        ctx.fail("empty tensors are not supported")
    suffix = "s8" if inp.dtype == "int8" else "f32"
    ctx.emit(f"tml_{name}_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_arg_min_max_params",
             params=dict(outer=flat_size(dims[:axis]), axis_size=dims[axis], inner=flat_size(dims[axis + 1:])))


@register("ARG_MAX", operands=(2, 2, 1, ()))
def lower_arg_max(op, ctx):
    _arg_min_max(op, ctx, "arg_max")


@register("ARG_MIN", operands=(2, 2, 1, ()))
def lower_arg_min(op, ctx):
    _arg_min_max(op, ctx, "arg_min")

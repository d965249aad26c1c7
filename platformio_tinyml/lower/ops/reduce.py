"""MEAN: float32, int8 and int16, any axes (up to 5-D input), keep_dims true or false.

TFLite Micro's reference: sums in row-major input order; int8/int16 requantize the
integer sum with a multiplier that folds in 1/count (see :func:`mean_multiplier` and
library/src/tinyml/ops/reduce.h). An empty axis list is a plain copy.
"""
from __future__ import annotations

import numpy as np


from .common import quantize_multiplier
from ..registry import register
from .common import flat_size, require_quantized

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


@register("MEAN")
def lower_mean(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    axis_t = ctx.t(op.inputs[1])
    rank = len(inp.shape)
    if axis_t is None or not axis_t.is_const or axis_t.dtype != "int32":
        ctx.fail("the axis input must be a constant int32 tensor")
    if rank > DIMS:
        ctx.fail(f"input rank {rank} is not supported (up to {DIMS} is)")
    raw = [int(v) for v in np.asarray(axis_t.data).reshape(-1)]
    if any(not -rank <= a < rank for a in raw):
        ctx.fail(f"axis {raw} is out of range for rank {rank}")
    axes = resolve_axes(raw, rank)
    if not raw:
        # TFLite's reduce with no axes copies the input unchanged (ReduceIsCopy)
        from .shape import _copy_or_alias
        if inp.dtype != out.dtype:
            ctx.fail(f"input dtype {inp.dtype} differs from output dtype {out.dtype}")
        _copy_or_alias(op, ctx, inp, out)
        return
    dims = [1] * (DIMS - rank) + [int(d) for d in inp.shape]
    reduced = set(a + DIMS - rank for a in axes)
    out_dims = [1 if a in reduced else d for a, d in enumerate(dims)]
    out_count = flat_size(out_dims)
    if out_count != out.size:
        ctx.fail(f"output shape {list(out.shape)} does not match the reduction of {list(inp.shape)} over {axes}")
    stride, strides = 1, [0] * DIMS
    for a in range(DIMS - 1, -1, -1):
        if a not in reduced:
            strides[a] = stride
            stride *= dims[a]
    reduce_count = flat_size([dims[a] for a in reduced])
    if inp.size == 0 or out_count == 0:
        ctx.fail("empty tensors are not supported")
    common = dict(in_dims=ctx.array("int32_t", np.array(dims, np.int64), "mean_dims"),
                  out_stride=ctx.array("int32_t", np.array(strides, np.int64), "mean_stride"),
                  out_count=out_count, reduce_count=reduce_count)
    kind = ctx.dtypes_of(inp, out)
    if kind == "float32/float32":
        ctx.emit("tml_mean_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
                 params_type="tml_mean_f32_params", params=common)
        return
    if kind in ("int8/int8", "int16/int16"):
        require_quantized(ctx, inp, out)
        m, sh = mean_multiplier(inp.q_scale, out.q_scale, reduce_count)
        zp_sum = inp.q_zero_point * reduce_count
        if not -2**31 <= zp_sum < 2**31 or reduce_count * (128 if inp.dtype == "int8" else 32768) >= 2**31:
            ctx.fail(f"reducing {reduce_count} elements into one overflows the int32 sum")
        suffix = "s8" if inp.dtype == "int8" else "s16"
        ctx.emit(f"tml_mean_{suffix}", ctx.tensor(inp.index), ctx.tensor(out.index),
                 ctx.scratch_buffer(4 * out_count), params_type=f"tml_mean_{suffix}_params",
                 params=dict(common, zero_point_sum=zp_sum, output_multiplier=m, output_shift=sh,
                             output_zero_point=out.q_zero_point))
        return
    ctx.fail(f"input/output dtypes {kind} are not supported (float32, int8 and int16 are)")

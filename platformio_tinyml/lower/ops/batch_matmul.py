"""BATCH_MATMUL: int8 (any zero points, per-tensor scales), int16 (zero points 0) and float32; adj_x, adj_y,
ranks 2 to 5 with broadcast batch dimensions, a constant or a variable rhs.

TFLM extends both shapes to rank 5: the three leading dimensions are batch dimensions (equal, or 1 on one
side) and each output matrix multiplies one lhs and one rhs matrix. ``batch_layout`` computes the
kernels' batch sizes and matrix strides (in elements, 0 along a broadcast dimension):

>>> batch_layout([2, 3, 4, 5], [5, 6])
((1, 2, 3), (0, 60, 20), (0, 0, 0))
>>> batch_layout([1, 4, 5], [3, 1, 5, 6])
((1, 3, 1), (0, 0, 0), (0, 30, 0))
"""
from __future__ import annotations

import numpy as np

from ..registry import NULL, register
from .common import requant_params, require_quantized

DSP_ARCHES = ("cortex-m4", "portable")


def _ext5(shape) -> list:
    return [1] * (5 - len(shape)) + [int(d) for d in shape]


def batch_layout(lhs_shape, rhs_shape):
    """(batch sizes, lhs matrix strides, rhs matrix strides) of the three leading dims of rank 5."""
    lhs, rhs = _ext5(lhs_shape), _ext5(rhs_shape)

    def extent(shape, x):
        return 0 if shape[x] == 1 else int(np.prod(shape[x + 1:]))

    batch = tuple(max(lhs[i], rhs[i]) for i in range(3))
    return batch, tuple(extent(lhs, i) for i in range(3)), tuple(extent(rhs, i) for i in range(3))


def _pack_rhs(ctx, rhs, geo, adj_y: bool, lhs_offset: int, rhs_offset: int):
    """A constant rhs as [matrices][cols][depth] int8 and its column terms (see ops/batch_matmul.h)."""
    depth, cols = geo["depth"], geo["cols"]
    data = np.asarray(rhs.data, np.int64).reshape(-1, cols, depth) if adj_y else \
        np.asarray(rhs.data, np.int64).reshape(-1, depth, cols).transpose(0, 2, 1)
    terms = lhs_offset * data.sum(axis=2) + depth * lhs_offset * rhs_offset
    terms = (terms + 2**31) % 2**32 - 2**31  # int32 arithmetic, wrapping as the kernels' sums do
    return (ctx.packed_array("int8_t", data, "bmmrhs", "TML_PACKED_DSP"),
            ctx.packed_array("int32_t", terms, "bmmterm", "TML_PACKED_DSP"))


@register("BATCH_MATMUL", operands=(2, 2, 1, ()))
def lower_batch_matmul(op, ctx):
    lhs, rhs, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    for name, t in (("lhs", lhs), ("rhs", rhs)):
        if not 2 <= len(t.shape) <= 5:
            ctx.fail(f"{name} has rank {len(t.shape)}; BATCH_MATMUL takes ranks 2 to 5")
    adj_x, adj_y = bool(op.options.get("adj_x", False)), bool(op.options.get("adj_y", False))
    ls, rs = [int(d) for d in lhs.shape], [int(d) for d in rhs.shape]
    rank = max(len(ls), len(rs))
    le, re_ = [1] * (rank - len(ls)) + ls, [1] * (rank - len(rs)) + rs
    for i in range(rank - 2):
        if le[i] != re_[i] and 1 not in (le[i], re_[i]):
            ctx.fail(f"batch dimensions {ls[:-2]} and {rs[:-2]} do not broadcast")
    rows, depth = (ls[-1], ls[-2]) if adj_x else (ls[-2], ls[-1])
    rdepth, cols = (rs[-1], rs[-2]) if adj_y else (rs[-2], rs[-1])
    if depth != rdepth:
        ctx.fail(f"lhs {ls} (adj_x {int(adj_x)}) and rhs {rs} (adj_y {int(adj_y)}) have different "
                 f"accumulation depths ({depth} and {rdepth})")
    expected = [max(a, b) for a, b in zip(le[:-2], re_[:-2])] + [rows, cols]
    if [int(d) for d in out.shape] != expected:
        ctx.fail(f"output shape {list(out.shape)} is not the product's shape {expected}")
    batch, lstride, rstride = batch_layout(ls, rs)
    geo = dict(batch0=batch[0], batch1=batch[1], batch2=batch[2], lhs_stride0=lstride[0], lhs_stride1=lstride[1],
               lhs_stride2=lstride[2], rhs_stride0=rstride[0], rhs_stride1=rstride[1], rhs_stride2=rstride[2],
               rows=rows, cols=cols, depth=depth, adj_x=int(adj_x), adj_y=int(adj_y))
    ctx.macs += int(np.prod(batch)) * rows * cols * depth
    kind = ctx.dtypes_of(lhs, rhs, out)
    args = [ctx.tensor(lhs.index), ctx.tensor(rhs.index), ctx.tensor(out.index)]
    if kind == "float32/float32/float32":
        ctx.emit("tml_batch_matmul_f32", *args, params_type="tml_batch_matmul_f32_params", params=geo)
        return
    if kind not in ("int8/int8/int8", "int16/int16/int16"):
        ctx.fail(f"lhs/rhs/output dtypes {kind} are not supported (float32, int8 and int16 throughout are; "
                 "hybrid models need full-integer quantization)")
    require_quantized(ctx, lhs, rhs, out)
    for name, t in (("lhs", lhs), ("rhs", rhs), ("output", out)):
        if t.scale is not None and len(t.scale) > 1:
            ctx.fail(f"{name} (tensor {t.index}) has {len(t.scale)} scales; BATCH_MATMUL takes one scale per tensor")
    m, s, _, _ = requant_params(ctx, lhs, rhs, out, 1, float_product=True)
    dt = lhs.dtype
    if dt == "int16":
        zps = (lhs.q_zero_point, rhs.q_zero_point, out.q_zero_point)
        if any(zps):
            ctx.fail(f"int16 lhs, rhs and output need zero point 0 (got {zps[0]}, {zps[1]}, {zps[2]})")
    lo, hi = (-128, 127) if dt == "int8" else (-32768, 32767)
    params = dict(geo, lhs_offset=-lhs.q_zero_point, rhs_offset=-rhs.q_zero_point, output_offset=out.q_zero_point,
                  output_multiplier=m, output_shift=s, act_min=lo, act_max=hi, rhs_const=0, rhs_packed=NULL,
                  col_terms=NULL, scratch=NULL)
    replaced = ()
    if dt == "int8" and ctx.arch in DSP_ARCHES:
        packed = rhs.is_const
        # tml_batch_matmul_s8_scratch_size (a variable rhs with adj_y and no adj_x is read in place)
        size = 0 if not packed and adj_y and not adj_x else \
            (0 if packed else 4 * cols + (0 if adj_y else (cols * depth + 3) // 4 * 4)) + (rows * depth if adj_x else 0)
        if size == 0 or ctx.may_take_scratch():
            if packed:
                params["rhs_packed"], params["col_terms"] = _pack_rhs(ctx, rhs, geo, adj_y, -lhs.q_zero_point,
                                                                      -rhs.q_zero_point)
                params["rhs_const"] = 1
                replaced = (args[1],)
            if size:
                params["scratch"] = ctx.scratch_buffer(size)
    ctx.emit(f"tml_batch_matmul_{'s8' if dt == 'int8' else 's16'}", *args, replaced=replaced,
             params_type=f"tml_batch_matmul_{'s8' if dt == 'int8' else 's16'}_params", params=params)

"""ADD and MUL: float32, int8, int16 and int32, with broadcasting and fused activations.

Quantized parameters are computed as TFLite Micro's Prepare() does (add_common.cc,
mul_common.cc); broadcasting is described to the kernel by a collapsed shape
(see library/src/tinyml/ops/elementwise.h).
"""
from __future__ import annotations

import numpy as np

from ...quantize.quant import INT_RANGES
from .common import quantize_multiplier
from ..registry import NULL, register
from .common import act_range, activation, flat_size, require_quantized

MAX_RANK = 6  # TML_MAX_DIMS
DSP_ARCHES = ("cortex-m4", "portable")  # where the Cortex-M4 kernels may run (their packed constants)


def broadcast_plan(s1, s2, out) -> list:
    """Collapsed broadcast description: list of (dim, stride1, stride2), outermost first.

    Size-1 output dims are dropped and adjacent dims that broadcast the same way are merged.
    Returns [] when both inputs already have the output's shape (no broadcasting).

    >>> broadcast_plan((1, 4, 4, 3), (3,), (1, 4, 4, 3))
    [(16, 3, 0), (3, 1, 1)]
    >>> broadcast_plan((1, 4, 1, 3), (1, 1, 5, 3), (1, 4, 5, 3))
    [(4, 3, 0), (5, 0, 3), (3, 1, 1)]
    >>> broadcast_plan((2, 3), (2, 3), (2, 3))
    []
    >>> broadcast_plan((), (2, 3), (2, 3))
    [(6, 0, 1)]
    """
    rank = len(out)
    a = [1] * (rank - len(s1)) + [int(d) for d in s1]
    b = [1] * (rank - len(s2)) + [int(d) for d in s2]
    groups = []  # [dim, a broadcast?, b broadcast?]
    for da, db, do in zip(a, b, out):
        do = int(do)
        if do == 1:
            continue
        if (da not in (1, do)) or (db not in (1, do)):
            raise ValueError(f"shapes {tuple(s1)} and {tuple(s2)} do not broadcast to {tuple(out)}")
        kind = (da == 1, db == 1)
        if groups and (groups[-1][1], groups[-1][2]) == kind:
            groups[-1][0] *= do
        else:
            groups.append([do, kind[0], kind[1]])
    if all(not g[1] and not g[2] for g in groups):
        return []
    # contiguous strides of each input over the collapsed dims (0 where broadcast)
    plan = []
    st1 = st2 = 1
    for dim, ba, bb in reversed(groups):
        plan.append((dim, 0 if ba else st1, 0 if bb else st2))
        if not ba:
            st1 *= dim
        if not bb:
            st2 *= dim
    return list(reversed(plan))


def shape_params(ctx, in1, in2, out) -> dict:
    """size, bcast_rank and bcast of a binary kernel's params (see library/src/tinyml/ops/elementwise.h)."""
    try:
        plan = broadcast_plan(in1.shape, in2.shape, out.shape)
    except ValueError as e:
        ctx.fail(str(e))
    if len(plan) > MAX_RANK:
        ctx.fail(f"broadcasting needs {len(plan)} dimensions after merging; at most {MAX_RANK} are supported")
    if not plan:
        return dict(size=flat_size(out.shape), bcast_rank=0, bcast=NULL)
    vals = [p[0] for p in plan] + [p[1] for p in plan] + [p[2] for p in plan]
    return dict(size=flat_size(out.shape), bcast_rank=len(plan),
                bcast=ctx.array("int32_t", np.array(vals, np.int64), "bcast"))


def allow_inplace(ctx, in1, in2, out) -> None:
    """The output may overwrite a non-constant input of its own shape and dtype."""
    for t in (in1, in2):
        if not t.is_const and tuple(t.shape) == tuple(out.shape) and t.dtype == out.dtype:
            ctx.allow_inplace(out.index, t.index)


_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32", "int32": "i32"}


def _lower_binary(op, ctx, name: str) -> None:
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        ctx.fail(f"{name} needs 2 inputs and 1 output")
    in1, in2, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    kind = ctx.dtypes_of(in1, in2, out)
    if not (in1.dtype == in2.dtype == out.dtype) or out.dtype not in _SUFFIX:
        ctx.fail(f"input/input/output dtypes {kind} are not supported (float32, int8, int16 or int32 "
                 "for all three are)")
    shape = shape_params(ctx, in1, in2, out)
    args = (ctx.tensor(in1.index), ctx.tensor(in2.index), ctx.tensor(out.index))
    suffix = _SUFFIX[out.dtype]
    fn, ptype = f"tml_{name.lower()}_{suffix}", f"tml_{name.lower()}_{suffix}_params"
    if out.dtype == "float32":
        lo, hi = act_range(op, ctx, out)
        params = dict(shape, act_min=float(lo), act_max=float(hi))
    elif out.dtype == "int32":
        if in1.quantized or in2.quantized or out.quantized:
            ctx.fail("quantized int32 tensors are not supported (only plain int32 arithmetic is)")
        lo, hi = INT_RANGES["int32"]
        if name == "MUL":
            act = activation(op, ctx)
            lo, hi = {"NONE": (lo, hi), "RELU": (0, hi), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}[act]
        # TFLM's int32 ADD ignores the fused activation
        params = dict(shape, act_min=lo, act_max=hi)
    else:
        require_quantized(ctx, in1, in2, out)
        for t in (in1, in2, out):
            if len(t.scale) != 1:
                ctx.fail(f"tensor {t.index} '{t.name}' is quantized per channel; {name} needs per-tensor scales")
        lo, hi = act_range(op, ctx, out)
        if name == "ADD":
            params = dict(shape, **_add_quant(ctx, in1, in2, out), act_min=lo, act_max=hi)
            if out.dtype == "int8" and ctx.arch in DSP_ARCHES:
                params.update(table=add_table(ctx, params, sub=False))
        else:
            params = dict(shape, **_mul_quant(ctx, in1, in2, out), act_min=lo, act_max=hi)
    allow_inplace(ctx, in1, in2, out)
    ctx.emit(fn, *args, params_type=ptype, params=params)


def _smaller_than_one(ctx, m: float, what: str) -> tuple:
    if not m < 1.0:
        ctx.fail(f"ADD {what} multiplier {m} is not below 1 (TFLM rejects such scales)")
    return quantize_multiplier(m)


def _add_quant(ctx, in1, in2, out) -> dict:
    """CalculateOpDataAdd: scales in double from the float32 values."""
    left_shift = 15 if out.dtype == "int16" else 20
    s1, s2, so = (float(np.float32(t.q_scale)) for t in (in1, in2, out))
    twice_max = 2.0 * max(s1, s2)
    m1, sh1 = _smaller_than_one(ctx, s1 / twice_max, "input1")
    m2, sh2 = _smaller_than_one(ctx, s2 / twice_max, "input2")
    mo, sho = _smaller_than_one(ctx, twice_max / ((1 << left_shift) * so), "output")
    return dict(input1_offset=-in1.q_zero_point, input2_offset=-in2.q_zero_point,
                output_offset=out.q_zero_point, left_shift=left_shift,
                input1_multiplier=m1, input1_shift=sh1, input2_multiplier=m2, input2_shift=sh2,
                output_multiplier=mo, output_shift=sho)


def _mul_by_quantized_mul(x: int, m: int, shift: int) -> int:
    """TFLM's MultiplyByQuantizedMultiplier on int32 (tml_mul_by_quantized_mul)."""
    left, right = max(shift, 0), max(-shift, 0)
    a = ((x << left) + 2**31) % 2**32 - 2**31
    y = 2**31 - 1 if a == m == -2**31 else (a * m + 2**30) >> 31
    mask = (1 << right) - 1
    return (y >> right) + (1 if (y & mask) > (mask >> 1) + (1 if y < 0 else 0) else 0)


def add_table(ctx, q: dict, sub: bool):
    """int8 ADD's (SUB's) table of the Cortex-M4 kernel (tml_add_s8_table_of in
    library/src/tinyml/armv7em/elementwise.h: the other input's 256 doubled scaled values, the direct input's
    offset folded in), or NULL where tml__add_s8_table_ok would not hold."""
    direct1 = q["input1_multiplier"] == 1 << 30 and q["input1_shift"] == 0
    direct2 = q["input2_multiplier"] == 1 << 30 and q["input2_shift"] == 0
    o = "2" if direct1 else "1"
    if not ((direct1 or direct2) and q["left_shift"] == 20 and q["output_multiplier"] > 1 << 30
            and -21 <= q["output_shift"] <= -1 and q[f"input{o}_shift"] <= 0 and q[f"input{o}_multiplier"] >= 0):
        return NULL
    off_d = q["input1_offset" if direct1 else "input2_offset"] << 20
    m, sh, off_o = q[f"input{o}_multiplier"], q[f"input{o}_shift"], q[f"input{o}_offset"]
    vals = []
    for u in range(256):
        s2 = 2 * _mul_by_quantized_mul(((u ^ 0x80) - 0x80 + off_o) << 20, m, sh)
        vals.append(s2 + off_d if not sub else off_d - s2 if direct1 else s2 - off_d)
    return ctx.packed_array("int32_t", np.array(vals, np.int64), "addtab", "TML_PACKED_DSP")


def _mul_quant(ctx, in1, in2, out) -> dict:
    """CalculateOpDataMul: real multiplier in1_scale * in2_scale / out_scale in double."""
    if out.dtype == "int16" and (in1.q_zero_point or in2.q_zero_point or out.q_zero_point):
        ctx.fail("int16 MUL needs zero points of 0 (TFLM requires symmetric int16)")
    s1, s2, so = (float(np.float32(t.q_scale)) for t in (in1, in2, out))
    m, sh = quantize_multiplier(s1 * s2 / so)
    return dict(input1_offset=-in1.q_zero_point, input2_offset=-in2.q_zero_point,
                output_offset=out.q_zero_point, output_multiplier=m, output_shift=sh)


@register("ADD")
def lower_add(op, ctx):
    _lower_binary(op, ctx, "ADD")


@register("MUL")
def lower_mul(op, ctx):
    _lower_binary(op, ctx, "MUL")


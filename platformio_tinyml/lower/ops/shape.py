"""RESHAPE, SQUEEZE (views), CONCATENATION, STRIDED_SLICE, PAD, PADV2.

Like TFLite Micro, int8 CONCATENATION needs every input quantized like the output
(it copies bytes, never rescales). Everything except the views is a byte-moving kernel that takes any element size; all
indexing (negative axes, masks, clamping, paddings) is resolved here, at generation time,
exactly as TFLite Micro's Prepare()/Eval() resolve it.
"""
from __future__ import annotations

import struct

import numpy as np

from ..registry import register
from .common import flat_size

DIMS = 5  # TML_SHAPE_DIMS


def _extend(shape, n: int = DIMS) -> list:
    return [1] * (n - len(shape)) + [int(d) for d in shape]


def _const_ints(ctx, tid: int, what: str) -> list:
    t = ctx.t(tid)
    if t is None or not t.is_const:
        ctx.fail(f"the {what} tensor must be constant")
    if t.dtype != "int32":  # TFLite Micro reads these as int32
        ctx.fail(f"the {what} tensor must be int32, got {t.dtype}")
    return [int(v) for v in np.asarray(t.data).reshape(-1)]


def _copy_or_alias(op, ctx, inp, out):
    if inp.dtype != out.dtype:
        ctx.fail(f"input dtype {inp.dtype} differs from output dtype {out.dtype}")
    if flat_size(inp.shape) != flat_size(out.shape):
        ctx.fail(f"input shape {list(inp.shape)} and output shape {list(out.shape)} "
                 "have different element counts")
    if inp.is_const:
        # a constant input has no arena bytes to share: copy it
        ctx.emit("tml_copy", ctx.tensor(inp.index), ctx.tensor(out.index), int(inp.nbytes))
        return
    ctx.alias(out.index, inp.index)


@register("RESHAPE", "SQUEEZE")
def lower_reshape(op, ctx):
    """The output is the input's bytes with another shape: no kernel, any dtype."""
    _copy_or_alias(op, ctx, ctx.t(op.inputs[0]), ctx.t(op.outputs[0]))


# ---------------------------------------------------------------- CONCATENATION

CONCAT_DTYPES = ("float32", "int8", "int16", "int32", "int64", "bool")


@register("CONCATENATION")
def lower_concatenation(op, ctx):
    out = ctx.t(op.outputs[0])
    ins = [ctx.t(i) for i in op.inputs]
    if op.options.get("fused_activation_function", 0) != 0:
        ctx.fail("a fused activation is not supported (TFLite Micro supports only NONE)")
    if out.dtype not in CONCAT_DTYPES:
        ctx.fail(f"dtype {out.dtype} is not supported ({', '.join(CONCAT_DTYPES)} are)")
    for t in ins:
        if t.dtype != out.dtype:
            ctx.fail(f"input {t.index} is {t.dtype} but the output is {out.dtype}; all must be equal")
    rank = len(out.shape)
    axis = int(op.options.get("axis", 0))
    if axis < 0:
        axis += rank
    if not 0 <= axis < max(rank, 1):
        ctx.fail(f"axis {op.options.get('axis')} is out of range for rank {rank}")
    outer = flat_size(out.shape[:axis])
    item = out.itemsize
    out_row = flat_size(out.shape[axis:]) * item
    offset = 0
    for t in ins:
        if len(t.shape) != rank or any(int(a) != int(b) for k, (a, b) in enumerate(zip(t.shape, out.shape))
                                      if k != axis):
            ctx.fail(f"input {t.index} shape {list(t.shape)} does not fit output shape {list(out.shape)} "
                     f"along axis {axis}")
        if t.dtype == "int8" and (np.float32(t.q_scale) != np.float32(out.q_scale)
                                  or t.q_zero_point != out.q_zero_point):
            ctx.fail(f"int8 input {t.index} has scale {t.q_scale:g} / zero point {t.q_zero_point}, the output "
                     f"{out.q_scale:g} / {out.q_zero_point}; like TFLite Micro, only equal quantization "
                     "is supported (no rescaling)")
        if t.dtype == "int16" and (t.q_zero_point != 0 or out.q_zero_point != 0):
            ctx.fail("int16 inputs and output must have zero point 0 (as in TFLite Micro)")
        in_row = flat_size(t.shape[axis:]) * item
        if in_row:
            ctx.emit("tml_concat", ctx.tensor(t.index), ctx.tensor(out.index), params_type="tml_concat_params",
                     params=dict(outer=outer, in_row_bytes=in_row, out_row_bytes=out_row,
                                 out_offset_bytes=offset))
        offset += in_row
    if offset != out_row:
        ctx.fail(f"inputs add up to {offset // item} elements along axis {axis}, the output has "
                 f"{out_row // item}")


# ---------------------------------------------------------------- STRIDED_SLICE

SLICE_DTYPES = ("float32", "int8", "int16", "int32", "bool")


def _clamp(v, lo, hi):
    return hi if v > hi else (lo if v < lo else v)


def strided_slice_plan(shape, begin, end, strides, begin_mask, end_mask, shrink_mask):
    """TFLite's reference StridedSlice, resolved: (first flat index, counts[5], steps[5]).

    Shapes and indices are extended to 5 dimensions the way StridedSlicePadIndices does,
    then each axis gets StridedSliceStartForAxis / StridedSliceEndForAxis and the loop
    runs while index < stop (stride > 0) or index > stop (stride < 0).

    >>> strided_slice_plan([4], [-1], [0], [-1], 0, 1, 0)
    (3, [1, 1, 1, 1, 4], [4, 4, 4, 4, -1])
    """
    n = len(shape)
    pad = DIMS - n
    dims = _extend(shape)
    begin = [0] * pad + list(begin)
    end = [1] * pad + list(end)
    strides = [1] * pad + list(strides)
    low = (1 << pad) - 1
    begin_mask = (begin_mask << pad) | low
    end_mask = (end_mask << pad) | low
    shrink_mask = shrink_mask << pad
    inner = [1] * DIMS
    for d in range(DIMS - 2, -1, -1):
        inner[d] = inner[d + 1] * dims[d + 1]
    first, counts, steps = 0, [], []
    for a in range(DIMS):
        size, stride = dims[a], strides[a]
        start = begin[a]
        if start < 0:
            start += size
        start = _clamp(start, 0, size) if stride > 0 else _clamp(start, -1, size - 1)
        if begin_mask & (1 << a):
            start = 0 if stride > 0 else size - 1
        if shrink_mask & (1 << a):
            stop = start if start >= size else start + 1
        else:
            stop = end[a]
            if stop < 0:
                stop += size
            stop = _clamp(stop, 0, size) if stride > 0 else _clamp(stop, -1, size - 1)
            if end_mask & (1 << a):
                stop = size if stride > 0 else -1
        if stride > 0:
            count = max(0, -(-(stop - start) // stride))
        else:
            count = max(0, -(-(start - stop) // -stride))
        counts.append(count)
        steps.append(stride * inner[a])
        first += (start if count else 0) * inner[a]
    return first, counts, steps


@register("STRIDED_SLICE")
def lower_strided_slice(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    o = op.options
    if inp.dtype != out.dtype:
        ctx.fail(f"input dtype {inp.dtype} differs from output dtype {out.dtype}")
    if inp.dtype not in SLICE_DTYPES:
        ctx.fail(f"dtype {inp.dtype} is not supported ({', '.join(SLICE_DTYPES)} are)")
    if len(inp.shape) > DIMS:
        ctx.fail(f"input rank {len(inp.shape)} is not supported (up to {DIMS} is)")
    if o.get("ellipsis_mask", 0) or o.get("new_axis_mask", 0):
        ctx.fail("ellipsis_mask and new_axis_mask are not supported (TFLite Micro ignores them); "
                 "begin_mask, end_mask and shrink_axis_mask are")
    if o.get("offset", False):
        ctx.fail("offset=true is not supported (TFLite Micro ignores it)")
    if len(op.inputs) < 4:
        ctx.fail("begin, end and strides inputs are required")
    n = len(inp.shape)
    begin = _const_ints(ctx, op.inputs[1], "begin")
    end = _const_ints(ctx, op.inputs[2], "end")
    strides = _const_ints(ctx, op.inputs[3], "strides")
    if not (len(begin) == len(end) == len(strides) == n):
        ctx.fail(f"begin/end/strides have {len(begin)}/{len(end)}/{len(strides)} values for rank {n}")
    if any(s == 0 for s in strides):
        ctx.fail("a stride of 0 is not allowed")
    first, counts, steps = strided_slice_plan(inp.shape, begin, end, strides, int(o.get("begin_mask", 0)),
                                              int(o.get("end_mask", 0)), int(o.get("shrink_axis_mask", 0)))
    total = flat_size(counts)
    if total != out.size:
        ctx.fail(f"the slice has {total} elements but the output tensor {list(out.shape)} has {out.size}")
    if total == 0:
        return
    dims = _extend(inp.shape)
    if first == 0 and counts == dims and all(d == 1 or s == 1 for d, s in zip(dims, _extend(strides))):
        _copy_or_alias(op, ctx, inp, out)  # the whole tensor, in order: a view
        return
    ctx.emit("tml_strided_slice", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_strided_slice_params",
             params=dict(elem_bytes=inp.itemsize, start=first,
                         count=ctx.array("int32_t", np.array(counts, np.int64), "ss_count"),
                         step=ctx.array("int32_t", np.array(steps, np.int64), "ss_step")))


# ---------------------------------------------------------------- PAD, PADV2

PAD_DTYPES = ("float32", "int8", "int16", "int32")


def _bits(dtype: str, value) -> int:
    if dtype == "float32":
        return struct.unpack("<I", struct.pack("<f", float(value)))[0]
    mask = {"int8": 0xFF, "int16": 0xFFFF, "int32": 0xFFFFFFFF}[dtype]
    return int(value) & mask


@register("PAD", "PADV2")
def lower_pad(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if inp.dtype != out.dtype:
        ctx.fail(f"input dtype {inp.dtype} differs from output dtype {out.dtype}")
    if inp.dtype not in PAD_DTYPES:
        ctx.fail(f"dtype {inp.dtype} is not supported ({', '.join(PAD_DTYPES)} are)")
    rank = len(inp.shape)
    if rank > DIMS or len(out.shape) != rank:
        ctx.fail(f"input rank {rank} / output rank {len(out.shape)} not supported (equal ranks up to {DIMS} are)")
    pads = _const_ints(ctx, op.inputs[1], "paddings")
    if len(pads) != 2 * rank:
        ctx.fail(f"paddings has {len(pads)} values for rank {rank}")
    before, after = pads[0::2], pads[1::2]
    if any(p < 0 for p in pads):
        ctx.fail("negative paddings are not supported")
    for d in range(rank):
        if int(out.shape[d]) != int(inp.shape[d]) + before[d] + after[d]:
            ctx.fail(f"output dimension {d} is {out.shape[d]}, expected "
                     f"{inp.shape[d]} + {before[d]} + {after[d]}")
    cv = ctx.t(op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    if cv is not None:
        if not cv.is_const:
            ctx.fail("the constant_values input must be constant")
        if cv.dtype != inp.dtype or cv.size != 1:
            ctx.fail(f"constant_values must be one {inp.dtype} value")
        if inp.dtype == "int8" and (cv.q_zero_point != out.q_zero_point or
                                    np.float32(cv.q_scale) != np.float32(out.q_scale)):
            ctx.fail("int8 constant_values must have the output's scale and zero point")
        value = np.asarray(cv.data).reshape(-1)[0]
    elif inp.dtype == "int8":
        value = out.q_zero_point  # TFLM pads int8 with the output zero point, everything else with 0
    else:
        value = 0
    if out.size == 0:
        return
    if inp.size == 0:
        ctx.fail("an empty input is not supported")
    ctx.emit("tml_pad", ctx.tensor(inp.index), ctx.tensor(out.index), params_type="tml_pad_params",
             params=dict(elem_bytes=inp.itemsize, pad_bits=_bits(inp.dtype, value),
                         in_dims=ctx.array("int32_t", np.array(_extend(inp.shape), np.int64), "pad_in"),
                         out_dims=ctx.array("int32_t", np.array(_extend(out.shape), np.int64), "pad_out"),
                         before=ctx.array("int32_t", np.array([0] * (DIMS - rank) + before, np.int64),
                                          "pad_before")))

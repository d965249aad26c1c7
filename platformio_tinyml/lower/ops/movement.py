"""TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, EXPAND_DIMS, SHAPE, BROADCAST_TO, GATHER.

Operators that move elements without changing them, as TFLite Micro's kernels move them (bytes
copied unchanged: int8 values keep their bits whatever the scales). Every axis, permutation,
window and broadcast is resolved here, the way those kernels' Prepare()/Eval() resolve them; the
dtypes accepted are the ones TFLite Micro's kernels take (each list below). EXPAND_DIMS is a view
of its input (like RESHAPE), SHAPE's output a constant. SPLIT, SPLIT_V, UNPACK and SLICE copy: the
planner shares a buffer only whole (an alias), never a part of it at an offset.
"""
from __future__ import annotations

import numpy as np

from ..registry import register
from .common import flat_size
from .shape import _copy_or_alias

DIMS = 5  # TML_MOVE_DIMS (and TML_SHAPE_DIMS)

TRANSPOSE_DTYPES = ("float32", "int8", "int16")
PACK_DTYPES = ("float32", "int8", "int16", "int32", "int64")
SPLIT_DTYPES = ("float32", "int8", "int16", "int32")          # SPLIT, SPLIT_V, UNPACK
SLICE_DTYPES = ("float32", "int8", "int16", "int32", "bool")
EXPAND_DTYPES = ("float32", "int8", "int16")
BROADCAST_DTYPES = ("float32", "int8", "int16", "int32", "int64", "bool")
GATHER_DTYPES = ("float32", "int8")


def _dtype(ctx, inp, out, allowed) -> None:
    if inp.dtype != out.dtype:
        ctx.fail(f"input dtype {inp.dtype} differs from output dtype {out.dtype}")
    if inp.dtype not in allowed:
        ctx.fail(f"dtype {inp.dtype} is not supported ({', '.join(allowed)} are, as in TFLite Micro)")


def _const_values(ctx, tid: int, what: str, dtypes=("int32",)) -> list:
    t = ctx.t(tid)
    if t is None or not t.is_const:
        ctx.fail(f"the {what} tensor must be constant")
    if t.dtype not in dtypes:
        ctx.fail(f"the {what} tensor must be {' or '.join(dtypes)}, got {t.dtype}")
    return [int(v) for v in np.asarray(t.data).reshape(-1)]


def _scalar_axis(ctx, tid: int) -> int:
    t = ctx.t(tid)
    values = _const_values(ctx, tid, "axis")
    if len(t.shape) > 1 or not values:
        ctx.fail(f"the axis tensor must hold one value, it has shape {list(t.shape)}")
    return values[0]


def _axis(ctx, axis: int, rank: int) -> int:
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < rank:
        ctx.fail(f"axis {axis} is out of range for rank {rank}")
    return a


def _operands(op, ctx, n_in: int) -> None:
    """Operand counts of the operators with as many outputs as the model says (SPLIT, SPLIT_V, UNPACK)."""
    if len(op.inputs) != n_in or not op.outputs:
        ctx.fail(f"has {len(op.inputs)} input(s) and {len(op.outputs)} output(s); {op.type} needs {n_in} "
                 "input(s) and at least 1 output")
    for kind, ids in (("input", op.inputs), ("output", op.outputs)):
        for k, ti in enumerate(ids):
            if ti < 0:
                ctx.fail(f"{kind} {k} is omitted (tensor {ti}), but {op.type} needs it")


def strides_of(shape) -> list:
    """Row-major element strides.

    >>> strides_of([2, 3, 4])
    [12, 4, 1]
    """
    s = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        s[d] = s[d + 1] * int(shape[d + 1])
    return s


def collapse(dims, strides):
    """(dims, strides) of a strided walk, shortened: size-1 dimensions dropped, a dimension merged into the
    one before it when the walk continues there (stride before = stride * size), padded to DIMS with 1s.

    >>> collapse([2, 3, 4], [12, 4, 1])
    ([1, 1, 1, 1, 24], [0, 0, 0, 0, 1])
    >>> collapse([4, 1, 3], [1, 5, 4])
    ([1, 1, 1, 4, 3], [0, 0, 0, 1, 4])
    >>> collapse([2, 3, 5], [0, 0, 1])
    ([1, 1, 1, 6, 5], [0, 0, 0, 0, 1])
    """
    merged: list = []
    for d, s in zip(dims, strides):
        d, s = int(d), int(s)
        if d == 1:
            continue
        if merged and merged[-1][1] == s * d:
            merged[-1] = [merged[-1][0] * d, s]
        else:
            merged.append([d, s])
    merged = merged or [[1, 1]]
    pad = DIMS - len(merged)
    return [1] * pad + [m[0] for m in merged], [0] * pad + [m[1] for m in merged]


def _strided_copy(op, ctx, inp, out, dims, strides) -> None:
    """TRANSPOSE / BROADCAST_TO: the output in row-major order, read from the input along (dims, strides)."""
    if out.size == 0:
        return
    n, s = collapse(dims, strides)
    if n[:-1] == [1] * (DIMS - 1) and s[-1] == 1 and n[-1] == inp.size:
        _copy_or_alias(op, ctx, inp, out)  # the input's elements in their order: a view
        return
    ctx.emit("tml_transpose", ctx.tensor(inp.index), ctx.tensor(out.index), params_type="tml_transpose_params",
             params=dict(elem_bytes=inp.itemsize, dims=ctx.array("int32_t", np.array(n, np.int64), "tr_dims"),
                         strides=ctx.array("int32_t", np.array(s, np.int64), "tr_strides")))


# ---------------------------------------------------------------- TRANSPOSE


@register("TRANSPOSE", operands=(2, 2, 1, ()))
def lower_transpose(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    _dtype(ctx, inp, out, TRANSPOSE_DTYPES)
    rank = len(inp.shape)
    if rank > DIMS:
        ctx.fail(f"input rank {rank} is not supported (TFLite Micro's TRANSPOSE takes 1 to {DIMS} dimensions)")
    perm_t = ctx.t(op.inputs[1])
    perm = _const_values(ctx, op.inputs[1], "perm")
    if len(perm_t.shape) != 1 or len(perm) != rank:
        ctx.fail(f"perm has shape {list(perm_t.shape)}; it must list the {rank} input dimensions")
    if sorted(perm) != list(range(rank)):
        ctx.fail(f"perm {perm} is not a permutation of 0..{rank - 1}")
    want = [int(inp.shape[p]) for p in perm]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} is not the permuted input shape {want}")
    st = strides_of(inp.shape)
    _strided_copy(op, ctx, inp, out, want, [st[p] for p in perm])


# ---------------------------------------------------------------- BROADCAST_TO


@register("BROADCAST_TO", operands=(2, 2, 1, ()))
def lower_broadcast_to(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    _dtype(ctx, inp, out, BROADCAST_DTYPES)
    rank, in_rank = len(out.shape), len(inp.shape)
    if rank > DIMS or in_rank > DIMS:
        ctx.fail(f"input rank {in_rank} / output rank {rank} is not supported (TFLite Micro's BROADCAST_TO "
                 f"takes up to {DIMS} dimensions)")
    shape = _const_values(ctx, op.inputs[1], "shape", ("int32", "int64"))
    if len(ctx.t(op.inputs[1]).shape) != 1 or len(shape) != rank:
        ctx.fail(f"the shape tensor has {len(shape)} values for an output of rank {rank}")
    if shape != [int(d) for d in out.shape]:
        ctx.fail(f"the shape tensor {shape} differs from the output shape {list(out.shape)}")
    if in_rank > rank:
        ctx.fail(f"input rank {in_rank} is larger than the output rank {rank}")
    ext = [1] * (rank - in_rank) + [int(d) for d in inp.shape]
    st = strides_of(ext)
    for d in range(rank):
        if ext[d] != 1 and ext[d] != shape[d]:
            ctx.fail(f"input shape {list(inp.shape)} cannot be broadcast to {shape}")
    _strided_copy(op, ctx, inp, out, shape, [0 if ext[d] == 1 else st[d] for d in range(rank)])


# ---------------------------------------------------------------- PACK


@register("PACK", operands=(1, None, 1, ()))
def lower_pack(op, ctx):
    out = ctx.t(op.outputs[0])
    ins = [ctx.t(i) for i in op.inputs]
    for t in ins:
        _dtype(ctx, t, out, PACK_DTYPES)
    count = int(op.options.get("values_count", len(ins)))
    if count != len(ins):
        ctx.fail(f"values_count is {count} but the operator has {len(ins)} inputs")
    shape = [int(d) for d in ins[0].shape]
    for t in ins[1:]:
        if [int(d) for d in t.shape] != shape:
            ctx.fail(f"input {t.index} has shape {list(t.shape)}, input {ins[0].index} {shape}; all must be equal")
    rank = len(out.shape)
    axis = _axis(ctx, int(op.options.get("axis", 0)), rank)
    want = shape[:axis] + [count] + shape[axis:]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} is not {want} (inputs stacked along axis {axis})")
    if count == 1:
        _copy_or_alias(op, ctx, ins[0], out)
        return
    row = flat_size(shape[axis:]) * out.itemsize
    if row == 0:
        return
    for k, t in enumerate(ins):
        ctx.emit("tml_concat", ctx.tensor(t.index), ctx.tensor(out.index), params_type="tml_concat_params",
                 params=dict(outer=flat_size(shape[:axis]), in_row_bytes=row, out_row_bytes=row * count,
                             out_offset_bytes=row * k))


# ---------------------------------------------------------------- UNPACK, SPLIT, SPLIT_V


def _split(op, ctx, inp, axis: int, pieces) -> None:
    """One block copy per output: pieces = [(output tensor, first index along axis, count along axis)]."""
    inner = flat_size(inp.shape[axis + 1:]) * inp.itemsize
    outer = flat_size(inp.shape[:axis])
    dim = int(inp.shape[axis])
    for out, start, count in pieces:
        if count == dim:
            _copy_or_alias(op, ctx, inp, out)
        elif count * inner * outer:
            ctx.emit("tml_split", ctx.tensor(inp.index), ctx.tensor(out.index), params_type="tml_split_params",
                     params=dict(outer=outer, in_row_bytes=dim * inner, out_row_bytes=count * inner,
                                 in_offset_bytes=start * inner))


@register("UNPACK")
def lower_unpack(op, ctx):
    _operands(op, ctx, 1)
    inp = ctx.t(op.inputs[0])
    outs = [ctx.t(i) for i in op.outputs]
    for t in outs:
        _dtype(ctx, inp, t, SPLIT_DTYPES)
    rank = len(inp.shape)
    axis = _axis(ctx, int(op.options.get("axis", 0)), rank)
    num = int(op.options.get("num", len(outs)))
    if not num == len(outs) == int(inp.shape[axis]):
        ctx.fail(f"num is {num}, the operator has {len(outs)} outputs and the input {inp.shape[axis]} "
                 f"along axis {axis}; all must be equal")
    want = [int(d) for k, d in enumerate(inp.shape) if k != axis]
    for t in outs:
        if [int(d) for d in t.shape] != want:
            ctx.fail(f"output {t.index} has shape {list(t.shape)}, expected {want}")
    _split(op, ctx, inp, axis, [(t, k, 1) for k, t in enumerate(outs)])


def _split_outputs(op, ctx, inp, axis: int, outs) -> None:
    start = 0
    for t in outs:
        if len(t.shape) != len(inp.shape) or any(int(a) != int(b) for k, (a, b) in
                                                 enumerate(zip(t.shape, inp.shape)) if k != axis):
            ctx.fail(f"output {t.index} shape {list(t.shape)} does not fit input shape {list(inp.shape)} "
                     f"split along axis {axis}")
        start += int(t.shape[axis])
    if start != int(inp.shape[axis]):
        ctx.fail(f"the outputs add up to {start} along axis {axis}, the input has {inp.shape[axis]}")
    pieces, start = [], 0
    for t in outs:
        pieces.append((t, start, int(t.shape[axis])))
        start += int(t.shape[axis])
    _split(op, ctx, inp, axis, pieces)


@register("SPLIT")
def lower_split(op, ctx):
    _operands(op, ctx, 2)
    inp = ctx.t(op.inputs[1])
    outs = [ctx.t(i) for i in op.outputs]
    for t in outs:
        _dtype(ctx, inp, t, SPLIT_DTYPES)
    axis = _axis(ctx, _scalar_axis(ctx, op.inputs[0]), len(inp.shape))
    n = int(op.options.get("num_splits", len(outs)))
    if n != len(outs) or int(inp.shape[axis]) % n:
        ctx.fail(f"num_splits is {n} with {len(outs)} outputs for a dimension of {inp.shape[axis]}; "
                 "it must equal the outputs and divide the dimension")
    _split_outputs(op, ctx, inp, axis, outs)


@register("SPLIT_V")
def lower_split_v(op, ctx):
    _operands(op, ctx, 3)
    inp = ctx.t(op.inputs[0])
    outs = [ctx.t(i) for i in op.outputs]
    for t in outs:
        _dtype(ctx, inp, t, SPLIT_DTYPES)
    axis = _axis(ctx, _scalar_axis(ctx, op.inputs[2]), len(inp.shape))
    # Like TFLite Micro, the sizes come from the output shapes (size_splits is not read).
    _split_outputs(op, ctx, inp, axis, outs)


# ---------------------------------------------------------------- SLICE


@register("SLICE", operands=(3, 3, 1, ()))
def lower_slice(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    _dtype(ctx, inp, out, SLICE_DTYPES)
    rank = len(inp.shape)
    if rank > DIMS:
        ctx.fail(f"input rank {rank} is not supported (TFLite Micro's SLICE takes up to {DIMS} dimensions)")
    bt, st = ctx.t(op.inputs[1]), ctx.t(op.inputs[2])
    if bt.dtype != st.dtype:
        ctx.fail(f"begin is {bt.dtype} and size {st.dtype}; they must have the same dtype")
    begin = _const_values(ctx, op.inputs[1], "begin", ("int32", "int64"))
    size = _const_values(ctx, op.inputs[2], "size", ("int32", "int64"))
    if len(bt.shape) != 1 or len(st.shape) != 1 or len(begin) != rank or len(size) != rank:
        ctx.fail(f"begin and size have {len(begin)} and {len(size)} values for rank {rank}")
    dims = [int(d) for d in inp.shape]
    counts = []
    for d in range(rank):
        if not 0 <= begin[d] <= dims[d]:
            ctx.fail(f"begin {begin[d]} is outside dimension {d} of size {dims[d]}")
        n = dims[d] - begin[d] if size[d] == -1 else size[d]
        if not 0 <= n <= dims[d] - begin[d]:
            ctx.fail(f"size {size[d]} from begin {begin[d]} does not fit dimension {d} of size {dims[d]}")
        counts.append(n)
    if flat_size(counts) != out.size:  # TFLite Micro compares element counts only
        ctx.fail(f"the slice has {flat_size(counts)} elements but the output tensor {list(out.shape)} has {out.size}")
    if out.size == 0:
        return
    if counts == dims:
        _copy_or_alias(op, ctx, inp, out)
        return
    pad = DIMS - rank
    inner = strides_of(dims)
    ctx.emit("tml_strided_slice", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_strided_slice_params",
             params=dict(elem_bytes=inp.itemsize, start=sum(b * s for b, s in zip(begin, inner)),
                         count=ctx.array("int32_t", np.array([1] * pad + counts, np.int64), "sl_count"),
                         step=ctx.array("int32_t", np.array([1] * pad + inner, np.int64), "sl_step")))


# ---------------------------------------------------------------- EXPAND_DIMS, SHAPE


@register("EXPAND_DIMS", operands=(2, 2, 1, ()))
def lower_expand_dims(op, ctx):
    """A view: the output is the input's bytes with one more dimension of size 1."""
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    _dtype(ctx, inp, out, EXPAND_DTYPES)
    rank = len(inp.shape)
    axis = _scalar_axis(ctx, op.inputs[1])
    a = axis + rank + 1 if axis < 0 else axis
    if not 0 <= a <= rank:
        ctx.fail(f"axis {axis} is out of range for an input of rank {rank}")
    want = [int(d) for d in inp.shape[:a]] + [1] + [int(d) for d in inp.shape[a:]]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} is not {want}")
    _copy_or_alias(op, ctx, inp, out)


@register("SHAPE", operands=(1, 1, 1, ()))
def lower_shape(op, ctx):
    """The input's shape is known here: the output becomes a constant (copied only into a model output)."""
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if out.dtype != "int32":
        ctx.fail(f"output dtype {out.dtype} is not supported (TFLite Micro's SHAPE writes int32 only)")
    rank = len(inp.shape)
    if [int(d) for d in out.shape] != [rank]:
        ctx.fail(f"output shape {list(out.shape)} is not [{rank}]")
    values = np.array([int(d) for d in inp.shape], np.int32)
    if out.index in ctx.g.outputs:
        if rank:
            ctx.emit("tml_copy", ctx.array("int32_t", values.astype(np.int64), "shape"), ctx.tensor(out.index),
                     int(out.nbytes))
        return
    out.data = values  # every later operator sees a constant tensor


# ---------------------------------------------------------------- GATHER


@register("GATHER", operands=(2, 2, 1, ()))
def lower_gather(op, ctx):
    inp, pos, out = ctx.t(op.inputs[0]), ctx.t(op.inputs[1]), ctx.t(op.outputs[0])
    if pos.dtype != "int32":
        ctx.fail(f"positions of dtype {pos.dtype} are not supported (TFLite Micro's GATHER takes int32)")
    _dtype(ctx, inp, out, GATHER_DTYPES)
    rank, prank = len(inp.shape), len(pos.shape)
    axis = _axis(ctx, int(op.options.get("axis", 0)), rank)
    bd = int(op.options.get("batch_dims", 0))
    b = bd + prank if bd < 0 else bd
    if not (0 <= b <= axis and b < rank and b <= prank):
        ctx.fail(f"batch_dims {bd} is not supported with axis {axis}, input rank {rank} and positions rank "
                 f"{prank} (0 <= batch_dims <= axis and batch_dims <= positions rank are)")
    if [int(d) for d in inp.shape[:b]] != [int(d) for d in pos.shape[:b]]:
        ctx.fail(f"the first {b} dimensions of input {list(inp.shape)} and positions {list(pos.shape)} differ")
    want = [int(d) for d in list(inp.shape[:axis]) + list(pos.shape[b:]) + list(inp.shape[axis + 1:])]
    if [int(d) for d in out.shape] != want:
        ctx.fail(f"output shape {list(out.shape)} is not {want}")
    axis_size = int(inp.shape[axis])
    if pos.is_const:
        bad = [int(v) for v in np.asarray(pos.data).reshape(-1) if not 0 <= int(v) < axis_size]
        if bad:
            ctx.fail(f"position {bad[0]} is outside [0, {axis_size}) (TFLite Micro fails at invoke)")
    if out.size == 0:
        return
    ctx.emit("tml_gather", ctx.tensor(inp.index), ctx.tensor(pos.index), ctx.tensor(out.index),
             params_type="tml_gather_params",
             params=dict(batch=flat_size(inp.shape[:b]), outer=flat_size(inp.shape[b:axis]),
                         positions=flat_size(pos.shape[b:]), axis_size=axis_size,
                         inner_bytes=flat_size(inp.shape[axis + 1:]) * inp.itemsize))

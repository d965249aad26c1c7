"""CAST between int8, int16, int32, uint32, float32 and bool: every pair TFLite Micro's cast.cc runs.

A type to itself and int32 <-> uint32 change no bits: the output is a view of the input (an alias,
like RESHAPE), or a copy when the input is a constant. Every other pair has its kernel
(library/src/tinyml/ops/cast.h), run in place when the output is no wider than the input.
uint8, uint16, int64, uint64 and the other types are refused: TFLM's CAST stops with an error on them.
"""
from __future__ import annotations

from ..registry import register
from .common import flat_size

#: dtype -> the kernels' name for it
CAST_TYPES = {"int8": "s8", "int16": "s16", "int32": "s32", "uint32": "u32", "float32": "f32", "bool": "bool"}
#: pairs whose bits do not change
VIEW_PAIRS = {("int32", "uint32"), ("uint32", "int32")} | {(t, t) for t in CAST_TYPES}


@register("CAST", operands=(1, 1, 1, ()))
def lower_cast(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    for t, what in ((inp, "input"), (out, "output")):
        if t.dtype not in CAST_TYPES:
            ctx.fail(f"{what} dtype {t.dtype} is not supported ({', '.join(CAST_TYPES)} are, as in TFLite Micro)")
    if flat_size(inp.shape) != flat_size(out.shape):
        ctx.fail(f"input shape {list(inp.shape)} and output shape {list(out.shape)} have different element counts")
    if (inp.dtype, out.dtype) in VIEW_PAIRS:
        if inp.is_const:
            ctx.emit("tml_copy", ctx.tensor(inp.index), ctx.tensor(out.index), int(inp.nbytes))
        else:
            ctx.alias(out.index, inp.index)
        return
    if out.itemsize <= inp.itemsize:
        ctx.allow_inplace(out.index, inp.index)
    ctx.emit(f"tml_cast_{CAST_TYPES[inp.dtype]}_{CAST_TYPES[out.dtype]}", ctx.tensor(inp.index),
             ctx.tensor(out.index), params_type="tml_cast_params", params=dict(size=flat_size(inp.shape)))

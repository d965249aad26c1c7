"""QUANTIZE (float32 -> int8/int16, and integer requantization) and DEQUANTIZE (-> float32).

Parameters as TFLite Micro's PrepareQuantizeReference / dequantize Prepare compute them.
"""
from __future__ import annotations

import numpy as np

from ...quantize.quant import INT_RANGES
from .common import quantize_multiplier
from ..registry import register
from .common import flat_size, require_quantized

_SUFFIX = {"int8": "s8", "uint8": "u8", "int16": "s16", "int32": "s32", "float32": "f32"}

#: integer -> integer pairs TFLM's QUANTIZE requantizes
REQUANT_PAIRS = {("int8", "int8"), ("int8", "uint8"), ("uint8", "int8"), ("int8", "int16"), ("int8", "int32"),
                 ("int16", "int8"), ("int16", "int16"), ("int16", "int32"), ("int32", "int8"), ("int32", "int16")}
FLOAT_OUTPUTS = ("int8", "int16")
DEQUANT_INPUTS = ("int8", "uint8", "int16")


def _per_tensor(ctx, t, what: str) -> None:
    if not t.quantized:
        ctx.fail(f"{what} tensor {t.index} '{t.name}' has no quantization parameters")
    if len(t.scale) != 1:
        ctx.fail(f"{what} tensor {t.index} '{t.name}' is quantized per channel; only per-tensor is supported")


def _allow_inplace_if_not_wider(ctx, inp, out) -> None:
    # out[i] is written after in[i] is read and never reaches bytes of later inputs
    if not inp.is_const and out.itemsize <= inp.itemsize:
        ctx.allow_inplace(out.index, inp.index)


@register("QUANTIZE")
def lower_quantize(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    size = flat_size(out.shape)
    if flat_size(inp.shape) != size:
        ctx.fail("input and output sizes differ")
    _per_tensor(ctx, out, "output")
    pair = (inp.dtype, out.dtype)
    lo, hi = INT_RANGES.get(out.dtype, (0, 0))
    if inp.dtype == "float32" and out.dtype in FLOAT_OUTPUTS:
        fn = f"tml_quantize_f32_{_SUFFIX[out.dtype]}"
        params = dict(size=size, scale=float(np.float32(out.q_scale)), zero_point=out.q_zero_point,
                      out_min=lo, out_max=hi)
        ptype = "tml_quantize_f32_params"
    elif pair in REQUANT_PAIRS:
        _per_tensor(ctx, inp, "input")
        m, s = quantize_multiplier(float(np.float32(inp.q_scale)) / float(np.float32(out.q_scale)))
        fn = f"tml_requantize_{_SUFFIX[inp.dtype]}_{_SUFFIX[out.dtype]}"
        params = dict(size=size, input_zero_point=inp.q_zero_point, output_zero_point=out.q_zero_point,
                      multiplier=m, shift=s, out_min=lo, out_max=hi)
        ptype = "tml_requantize_params"
    else:
        ctx.fail(f"QUANTIZE from {inp.dtype} to {out.dtype} is not supported (float32 -> int8/int16; "
                 "int8 -> int8/uint8/int16/int32; uint8 -> int8; int16 -> int8/int16/int32; "
                 "int32 -> int8/int16 are)")
    _allow_inplace_if_not_wider(ctx, inp, out)
    ctx.emit(fn, ctx.tensor(inp.index), ctx.tensor(out.index), params_type=ptype, params=params)


@register("DEQUANTIZE")
def lower_dequantize(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if out.dtype != "float32" or inp.dtype not in DEQUANT_INPUTS:
        ctx.fail(f"DEQUANTIZE from {inp.dtype} to {out.dtype} is not supported "
                 "(int8, uint8 and int16 to float32 are)")
    require_quantized(ctx, inp)
    _per_tensor(ctx, inp, "input")
    size = flat_size(out.shape)
    if flat_size(inp.shape) != size:
        ctx.fail("input and output sizes differ")
    ctx.emit(f"tml_dequantize_{_SUFFIX[inp.dtype]}_f32", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_dequantize_params",
             params=dict(size=size, scale=float(np.float32(inp.q_scale)), zero_point=inp.q_zero_point))

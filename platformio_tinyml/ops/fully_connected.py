"""FULLY_CONNECTED: int8 (per-tensor or per-channel weights), int16x8 and float32."""
from __future__ import annotations

from ..lower import register
from .common import act_range, flat_size, folded_bias, int16x8_params, requant_params, require_quantized


@register("FULLY_CONNECTED")
def lower_fully_connected(op, ctx):
    inp, w = ctx.t(op.inputs[0]), ctx.t(op.inputs[1])
    bias = ctx.t(op.inputs[2]) if len(op.inputs) > 2 else None
    out = ctx.t(op.outputs[0])
    if op.options.get("weights_format", 0) != 0:
        ctx.fail("shuffled weights format is not supported; export with the default weights format")
    if not w.is_const:
        ctx.fail("weights must be constant")
    depth = w.shape[-1]
    units = w.shape[0]
    batches = flat_size(inp.shape) // depth
    ctx.macs += batches * depth * units
    kind = ctx.dtypes_of(inp, w, out)
    common = dict(batches=batches, accum_depth=depth, output_depth=units)
    if kind == "float32/float32/float32":
        lo, hi = act_range(op, ctx, out)
        ctx.emit("tml_fully_connected_f32", ctx.tensor(inp.index), ctx.tensor(w.index),
                 ctx.opt_tensor(bias.index if bias is not None else -1), ctx.tensor(out.index),
                 params_type="tml_fully_connected_f32_params",
                 params=dict(common, act_min=float(lo), act_max=float(hi)))
        return
    if kind == "int8/int8/int8":
        require_quantized(ctx, inp, w, out)
        if bias is not None and bias.dtype != "int32":
            ctx.fail(f"int8 FULLY_CONNECTED needs an int32 bias, got {bias.dtype}")
        m, s, pm, ps = requant_params(ctx, inp, w, out, units, float_product=True)
        lo, hi = act_range(op, ctx, out)
        ctx.emit("tml_fully_connected_s8", ctx.tensor(inp.index), ctx.tensor(w.index),
                 ctx.opt_tensor(bias.index if bias is not None else -1), ctx.tensor(out.index),
                 params_type="tml_fully_connected_s8_params",
                 params=dict(common, input_offset=-inp.q_zero_point, weights_offset=-w.q_zero_point,
                             output_offset=out.q_zero_point, output_multiplier=m, output_shift=s,
                             per_channel_multiplier=pm, per_channel_shift=ps, act_min=lo, act_max=hi,
                             folded_bias=folded_bias(ctx, w, bias, -inp.q_zero_point, units)))
        return
    if kind == "int16/int8/int16":
        q = int16x8_params(op, ctx, inp, w, bias, out, units, 0, float_product=True)
        ctx.emit("tml_fully_connected_s16", ctx.tensor(inp.index), ctx.tensor(w.index),
                 ctx.opt_tensor(bias.index if bias is not None else -1), ctx.tensor(out.index),
                 params_type="tml_fully_connected_s16_params", params=dict(common, **q))
        return
    ctx.fail(f"input/weights/output dtypes {kind} are not supported (float32/float32/float32, int8/int8/int8 "
             "and int16/int8/int16 are; hybrid models need full-integer quantization)")

"""AVERAGE_POOL_2D and MAX_POOL_2D: int8, int16 and float32."""
from __future__ import annotations

import numpy as np

from ..registry import register
from ..rows import window_lead
from .common import act_range, require_quantized
from .conv import check_window, compute_padding, padding_name

_KERNELS = {"AVERAGE_POOL_2D": "tml_average_pool", "MAX_POOL_2D": "tml_max_pool"}


@register("AVERAGE_POOL_2D", "MAX_POOL_2D")
def lower_pool_2d(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if len(inp.shape) != 4 or len(out.shape) != 4:
        ctx.fail(f"input and output must be 4-D NHWC, got {list(inp.shape)} and {list(out.shape)}")
    o = op.options
    fh, fw = int(o.get("filter_height", 1)), int(o.get("filter_width", 1))
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    if min(fh, fw, sh, sw) < 1:
        ctx.fail(f"filter ({fh}, {fw}) and strides ({sh}, {sw}) must be >= 1")
    pad = padding_name(op, ctx)
    n, ih, iw, c = (int(d) for d in inp.shape)
    # The filter is an option, nothing in the file backs it. A window may overhang the input by at
    # most the input's own size on each side: TFLite's SAME padding accepts any filter, but every
    # window already covers the whole input once the filter spans input + (output - 1) * stride + 1,
    # and a filter larger than 3x the input is no model's.
    if fh > 3 * ih or fw > 3 * iw:
        ctx.fail(f"filter {fh}x{fw} is larger than its padded input: at most {3 * ih}x{3 * iw} for the {ih}x{iw} "
                 "input (a window may overhang the input by at most the input's own size on each side)")
    check_window(ctx, "height", pad, ih, fh, sh)
    check_window(ctx, "width", pad, iw, fw, sw)
    ph, _, oh = compute_padding(pad, sh, 1, ih, fh)
    pw, _, ow = compute_padding(pad, sw, 1, iw, fw)
    if [n, oh, ow, c] != [int(d) for d in out.shape]:
        ctx.fail(f"output shape {list(out.shape)} does not match the {pad} padding geometry "
                 f"(expected {[n, oh, ow, c]})")
    geo = dict(batches=n, input_height=ih, input_width=iw, depth=c, output_height=oh, output_width=ow,
               filter_height=fh, filter_width=fw, stride_height=sh, stride_width=sw, pad_height=ph, pad_width=pw)
    kind = ctx.dtypes_of(inp, out)
    ctx.allow_overlap(out.index, inp.index, window_lead(geo, c * inp.itemsize, c * out.itemsize))
    fn = _KERNELS[op.type]
    if kind == "float32/float32":
        lo, hi = act_range(op, ctx, out)
        ctx.emit(f"{fn}_f32", ctx.tensor(inp.index), ctx.tensor(out.index), params_type="tml_pool_f32_params",
                 params=dict(geo, act_min=float(lo), act_max=float(hi)))
        return
    if kind in ("int8/int8", "int16/int16"):
        require_quantized(ctx, inp, out)
        # TFLM's Prepare: input and output must share quantization (scales within 1e-6)
        if abs(float(np.float32(inp.q_scale)) - float(np.float32(out.q_scale))) > 1e-6 or \
                inp.q_zero_point != out.q_zero_point:
            ctx.fail(f"{inp.dtype} pooling needs the same scale and zero point on input and output")
        lo, hi = act_range(op, ctx, out)
        sfx = "s8" if inp.dtype == "int8" else "s16"
        ctx.emit(f"{fn}_{sfx}", ctx.tensor(inp.index), ctx.tensor(out.index), params_type=f"tml_pool_{sfx}_params",
                 params=dict(geo, act_min=lo, act_max=hi))
        return
    ctx.fail(f"input/output dtypes {kind} are not supported (float32, int8 and int16 are)")

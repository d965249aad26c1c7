"""TRANSPOSE_CONV: int8 (per-channel or per-tensor weights, int32 bias), int16x8 (int64 bias, or int16
as older converters wrote it) and float32, SAME/VALID padding, strides, an optional bias and the fused
activations TFLM applies (NONE, RELU, RELU6, RELU_N1_TO_1).

Operands as TFLite orders them: the output shape (int32, ignored by TFLM, checked here when constant),
the weights [output_depth, filter_height, filter_width, input_depth], the input, the optional bias.
TFLM takes the padding from the output size (the "input" of ComputePaddingHeightWidth).

>>> transpose_padding("SAME", stride=2, out_size=8, filter_size=3)
0
>>> transpose_padding("SAME", stride=1, out_size=5, filter_size=4)
1
>>> transpose_padding("VALID", stride=2, out_size=9, filter_size=3)
0
"""
from __future__ import annotations

import numpy as np

from ..registry import NULL, register
from .common import act_range, check_bias, int16x8_params, requant_params, require_quantized
from .conv import MAX_PADDED_EXTENT, check_window, compute_padding, padding_name

#: layouts whose kernels read tap sums (the Cortex-M4 path; "portable" serves any board)
DSP_ARCHES = ("cortex-m4", "portable")


def transpose_padding(padding: str, stride: int, out_size: int, filter_size: int) -> int:
    """TFLM's leading padding of a TRANSPOSE_CONV along one axis (dilation 1)."""
    return compute_padding(padding, stride, 1, out_size, filter_size)[0]


def _geometry(op, ctx, inp, w, out) -> dict:
    for name, t in (("input", inp), ("weights", w), ("output", out)):
        if len(t.shape) != 4:
            ctx.fail(f"{name} must be 4-D, got {list(t.shape)}")
    n, ih, iw, ic = (int(d) for d in inp.shape)
    oc, fh, fw, wc = (int(d) for d in w.shape)
    on, oh, ow, occ = (int(d) for d in out.shape)
    if wc != ic:
        ctx.fail(f"weights have input depth {wc} but the input has {ic} channels")
    if occ != oc:
        ctx.fail(f"output has {occ} channels but the weights have {oc}")
    if on != n:
        ctx.fail(f"output batch {on} differs from the input batch {n}")
    o = op.options
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    if sh < 1 or sw < 1:
        ctx.fail(f"strides ({sh}, {sw}) must be >= 1")
    pad = padding_name(op, ctx)
    check_window(ctx, "height", pad, oh, fh, sh)
    check_window(ctx, "width", pad, ow, fw, sw)
    for axis, o, f, st in (("height", oh, fh, sh), ("width", ow, fw, sw)):
        if o + f + st > MAX_PADDED_EXTENT:
            ctx.fail(f"a stride {axis} of {st} with an output {axis} of {o} and a filter {axis} of {f} is more "
                     f"than the kernels' int32 arithmetic allows (their sum must stay below {MAX_PADDED_EXTENT})")
    return dict(batches=n, input_height=ih, input_width=iw, input_depth=ic, filter_height=fh, filter_width=fw,
                output_height=oh, output_width=ow, output_depth=oc, stride_height=sh, stride_width=sw,
                pad_height=transpose_padding(pad, sh, oh, fh), pad_width=transpose_padding(pad, sw, ow, fw))


def _check_output_shape(ctx, shape_t, out) -> None:
    """TFLM ignores the output-shape operand and uses the output tensor's shape; a constant one that says
    otherwise makes the model inconsistent."""
    if shape_t.dtype not in ("int32", "int64") or shape_t.size != 4:
        ctx.fail(f"the output shape operand must be 4 int32 values, got {shape_t.dtype} {list(shape_t.shape)}")
    if shape_t.is_const and [int(v) for v in np.asarray(shape_t.data).reshape(-1)] != [int(d) for d in out.shape]:
        ctx.fail(f"the output shape operand {[int(v) for v in np.asarray(shape_t.data).reshape(-1)]} differs from "
                 f"the output tensor's shape {list(out.shape)}")


def _requant_fast(ctx, m: int, s: int, pm, ps, oc: int, output_offset: int):
    """Per output channel (multiplier, c, r) of tml_requant_fast_s8, or NULL where a channel's multiplier is
    at most 2^30 or its right shift outside [1, 21] (then the kernel requantizes as the reference)."""
    mult = np.full(oc, m, np.int64) if pm is NULL else np.asarray(ctx.arrays[pm.name].values, np.int64)
    r = -(np.full(oc, s, np.int64) if ps is NULL else np.asarray(ctx.arrays[ps.name].values, np.int64))
    if not (np.all(mult > 1 << 30) and np.all((r >= 1) & (r <= 21))):
        return NULL
    c = (2 * int(output_offset) + 1) << (r - 1)
    return ctx.packed_array("int32_t", np.stack([mult, c, r], axis=1).reshape(-1), "tcfast", "TML_PACKED_DSP")


def _dsp_arrays(ctx, w, bias, geo, input_offset: int) -> dict:
    """The Cortex-M4 path's constants (ops/transpose_conv.h): the tap sums ([output_depth][taps] int32), the
    weights by output phase and per phase its offset and folded biases; all NULL on other layouts and where
    a folded bias would not fit int32, or where a stride exceeds the filter (phases without taps: the
    reference runs)."""
    none = dict(tap_sums=NULL, phase_weights=NULL, phase_data=NULL)
    oc, fh, fw, sh, sw = (geo[k] for k in ("output_depth", "filter_height", "filter_width", "stride_height",
                                           "stride_width"))
    if ctx.arch not in DSP_ARCHES or sh > fh or sw > fw:
        return none
    weights = np.asarray(w.data, np.int64).reshape(oc, fh, fw, -1)
    b = np.zeros(oc, np.int64) if bias is None else np.asarray(bias.data, np.int64).reshape(-1)
    parts, data, offset = [], [], 0
    for ry in range(sh):
        for rx in range(sw):
            # ascending input rows and columns meet descending taps
            sub = weights[:, list(range(ry, fh, sh))[::-1]][:, :, list(range(rx, fw, sw))[::-1]]
            folded = b + input_offset * sub.reshape(oc, -1).sum(axis=1)
            if folded.size and (folded.min() < -2**31 or folded.max() >= 2**31):
                return none
            parts.append(sub.reshape(-1))
            data.append(np.concatenate([[offset], folded]))
            offset += sub.size
    return dict(tap_sums=ctx.array("int32_t", weights.sum(axis=3).reshape(oc, -1), "tapsum"),
                phase_weights=ctx.packed_array("int8_t", np.concatenate(parts), "tcphase", "TML_PACKED_DSP"),
                phase_data=ctx.packed_array("int32_t", np.concatenate(data), "tcphased", "TML_PACKED_DSP"))


@register("TRANSPOSE_CONV", operands=(3, 4, 1, (3,)))
def lower_transpose_conv(op, ctx):
    shape_t, w, inp, out = (ctx.t(i) for i in (op.inputs[0], op.inputs[1], op.inputs[2], op.outputs[0]))
    bias = ctx.t(op.inputs[3]) if len(op.inputs) > 3 and op.inputs[3] >= 0 else None
    if not w.is_const:
        ctx.fail("weights must be constant")
    if bias is not None and not bias.is_const:
        ctx.fail(f"the bias (tensor {bias.index}) must be constant")
    geo = _geometry(op, ctx, inp, w, out)
    _check_output_shape(ctx, shape_t, out)
    oc = geo["output_depth"]
    check_bias(ctx, bias, oc)
    ctx.macs += geo["batches"] * geo["input_height"] * geo["input_width"] * geo["input_depth"] * \
        geo["filter_height"] * geo["filter_width"] * oc
    kind = ctx.dtypes_of(inp, w, out)
    args = (ctx.tensor(inp.index), ctx.tensor(w.index))
    if kind == "float32/float32/float32":
        if bias is not None and bias.dtype != "float32":
            ctx.fail(f"a float32 TRANSPOSE_CONV needs a float32 bias, got {bias.dtype}")
        lo, hi = act_range(op, ctx, out)
        ctx.emit("tml_transpose_conv_f32", *args, ctx.opt_tensor(bias.index if bias is not None else -1),
                 ctx.tensor(out.index), params_type="tml_transpose_conv_f32_params",
                 params=dict(geo, act_min=float(lo), act_max=float(hi)))
        return
    if kind == "int8/int8/int8":
        require_quantized(ctx, inp, w, out)
        if bias is not None and bias.dtype != "int32":
            ctx.fail(f"int8 TRANSPOSE_CONV needs an int32 bias, got {bias.dtype}")
        if w.zero_point is not None and any(int(z) != 0 for z in w.zero_point):
            ctx.fail("int8 weights must be symmetric (zero point 0)")
        if len(w.scale) > 1 and w.quant_dim != 0:
            ctx.fail(f"per-channel weights must be quantized along dimension 0, got {w.quant_dim}")
        m, s, pm, ps = requant_params(ctx, inp, w, out, oc)
        lo, hi = act_range(op, ctx, out)
        dsp = _dsp_arrays(ctx, w, bias, geo, -inp.q_zero_point)
        dsp["requant_fast"] = NULL if dsp["phase_weights"] is NULL else \
            _requant_fast(ctx, m, s, pm, ps, oc, out.q_zero_point)
        ctx.emit("tml_transpose_conv_s8", *args, ctx.opt_tensor(bias.index if bias is not None else -1),
                 ctx.tensor(out.index), params_type="tml_transpose_conv_s8_params",
                 params=dict(geo, input_offset=-inp.q_zero_point, output_offset=out.q_zero_point,
                             output_multiplier=m, output_shift=s, per_channel_multiplier=pm, per_channel_shift=ps,
                             act_min=lo, act_max=hi, **dsp),
                 replaced=(args[1],) if dsp["phase_weights"] is not NULL else ())
        return
    if kind == "int16/int8/int16":
        if bias is not None and bias.dtype not in ("int64", "int16"):
            # TFLM reads an int32 bias of a 16x8 TRANSPOSE_CONV as int64 values (garbage)
            ctx.fail(f"an int16x8 TRANSPOSE_CONV needs an int64 (or int16) bias, got {bias.dtype}")
        q = int16x8_params(op, ctx, inp, w, None, out, oc, 0)
        q.pop("acc64")
        if bias is None:
            bref = NULL
        elif bias.dtype == "int16":  # TFLM widens it to int64 at every invoke; here once, in flash
            bref = ctx.array("int64_t", np.asarray(bias.data, np.int64), "bias64")
        else:
            bref = ctx.tensor(bias.index)
        ctx.emit("tml_transpose_conv_s16", *args, bref, ctx.tensor(out.index),
                 params_type="tml_transpose_conv_s16_params",
                 params=dict(geo, input_offset=0, tap_sums=NULL, phase_weights=NULL, phase_data=NULL,
                             requant_fast=NULL, **q))
        return
    ctx.fail(f"input/weights/output dtypes {kind} are not supported (float32/float32/float32, int8/int8/int8 "
             "and int16/int8/int16 are; hybrid models need full-integer quantization)")

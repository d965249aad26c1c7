"""CONV_2D and DEPTHWISE_CONV_2D: int8 (per-channel or per-tensor weights, int32 bias) and float32.

>>> compute_padding("SAME", stride=2, dilation=1, in_size=96, filter_size=3)
(0, 1, 48)
>>> compute_padding("VALID", stride=1, dilation=2, in_size=7, filter_size=3)
(0, 0, 3)
"""
from __future__ import annotations

import numpy as np

from ..registry import NULL, register
from ..rows import backward_trail, ring_lead, window_lead
from .common import act_range, check_bias, folded_bias, int16x8_params, requant_params, require_quantized

PADDINGS = {0: "SAME", 1: "VALID"}


def compute_out_size(padding: str, in_size: int, filter_size: int, stride: int, dilation: int) -> int:
    """TFLite's ComputeOutSize."""
    eff = (filter_size - 1) * dilation + 1
    if stride == 0:
        return 0
    if padding == "SAME":
        return (in_size + stride - 1) // stride
    return (in_size + stride - eff) // stride


def compute_padding(padding: str, stride: int, dilation: int, in_size: int, filter_size: int) -> tuple:
    """TFLite's ComputePaddingWithOffset for one dimension: (leading pad, offset, output size)."""
    out_size = compute_out_size(padding, in_size, filter_size, stride, dilation)
    eff = (filter_size - 1) * dilation + 1
    total = max(0, (out_size - 1) * stride + eff - in_size)
    return total // 2, total % 2, out_size


#: The largest input plus padding along one axis: the kernels compute window positions in int32_t.
MAX_PADDED_EXTENT = 2**31 - 1


def check_window(ctx, axis: str, padding: str, in_size: int, filter_size: int, stride: int, dilation: int = 1):
    """Refuse a window (strides and dilations >= 1 already) whose padded input, the input plus the
    padding TFLite gives it, does not fit the kernels' int32_t arithmetic: an absurd dilation (or
    filter), as no model means. Python integers: nothing here can wrap."""
    out = compute_out_size(padding, in_size, filter_size, stride, dilation)
    eff = (filter_size - 1) * dilation + 1
    padded = in_size + max(0, (out - 1) * stride + eff - in_size)
    if padded > MAX_PADDED_EXTENT:
        ctx.fail(f"a filter {axis} of {filter_size} with dilation {dilation} spans {eff} input pixels: with {padding} "
                 f"padding the input {axis} of {in_size} becomes {padded}, more than the kernels' int32 arithmetic "
                 f"allows ({MAX_PADDED_EXTENT})")


def padding_name(op, ctx) -> str:
    p = op.options.get("padding", 0)
    if p not in PADDINGS:
        ctx.fail(f"padding {p} is not supported (SAME and VALID are)")
    return PADDINGS[p]


def geometry(op, ctx, inp, out, filter_h: int, filter_w: int, dilated: bool = True) -> dict:
    """Strides, dilations and TFLM's leading paddings, checked against the output tensor's shape."""
    if len(inp.shape) != 4 or len(out.shape) != 4:
        ctx.fail(f"input and output must be 4-D NHWC, got {list(inp.shape)} and {list(out.shape)}")
    o = op.options
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh = int(o.get("dilation_h_factor", 1)) if dilated else 1
    dw = int(o.get("dilation_w_factor", 1)) if dilated else 1
    if sh < 1 or sw < 1 or dh < 1 or dw < 1:
        ctx.fail(f"strides ({sh}, {sw}) and dilations ({dh}, {dw}) must be >= 1")
    pad = padding_name(op, ctx)
    n, ih, iw, _ = (int(d) for d in inp.shape)
    check_window(ctx, "height", pad, ih, filter_h, sh, dh)
    check_window(ctx, "width", pad, iw, filter_w, sw, dw)
    ph, _, oh = compute_padding(pad, sh, dh, ih, filter_h)
    pw, _, ow = compute_padding(pad, sw, dw, iw, filter_w)
    if (n, oh, ow) != (int(out.shape[0]), int(out.shape[1]), int(out.shape[2])):
        ctx.fail(f"output shape {list(out.shape)} does not match the {pad} padding geometry "
                 f"(expected [{n}, {oh}, {ow}, ...])")
    return dict(batches=n, input_height=ih, input_width=iw, input_depth=int(inp.shape[3]),
                filter_height=filter_h, filter_width=filter_w, output_height=oh, output_width=ow,
                stride_height=sh, stride_width=sw, dilation_height=dh, dilation_width=dw,
                pad_height=ph, pad_width=pw)


def _operands(op, ctx):
    inp, w = ctx.t(op.inputs[0]), ctx.t(op.inputs[1])
    bias = ctx.t(op.inputs[2]) if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    out = ctx.t(op.outputs[0])
    if not w.is_const:
        ctx.fail("weights must be constant")
    if len(w.shape) != 4:
        ctx.fail(f"weights must be 4-D, got {list(w.shape)}")
    check_bias(ctx, bias, int(w.shape[0] if op.type == "CONV_2D" else w.shape[3]))
    return inp, w, bias, out


def _int8_common(op, ctx, inp, w, bias, out, channels: int, quant_dim: int) -> dict:
    require_quantized(ctx, inp, w, out)
    if bias is not None and bias.dtype != "int32":
        ctx.fail(f"int8 {op.type} needs an int32 bias, got {bias.dtype}")
    if w.zero_point is not None and any(int(z) != 0 for z in w.zero_point):
        ctx.fail("int8 weights must be symmetric (zero point 0)")
    if len(w.scale) > 1 and w.quant_dim != quant_dim:
        ctx.fail(f"per-channel weights must be quantized along dimension {quant_dim}, got {w.quant_dim}")
    m, s, pm, ps = requant_params(ctx, inp, w, out, channels)
    lo, hi = act_range(op, ctx, out)
    return dict(input_offset=-inp.q_zero_point, output_offset=out.q_zero_point, output_multiplier=m,
                output_shift=s, per_channel_multiplier=pm, per_channel_shift=ps, act_min=lo, act_max=hi)


PATCH_ARCHES = ("cortex-m4", "portable")
#: layouts that carry the Cortex-M4 convolution stream (other targets of "portable" drop it)
PACKED_ARCHES = ("cortex-m4", "portable")


def _fast_requant(ctx, q, channels):
    """Each channel's (multiplier, c, r) of tml_requant_fast (int64 arrays), or None where that
    requantization would not be exact: a clamp narrower than int8, a multiplier of at most 2^30 or a
    right shift outside [1, 21]."""
    pm, ps = q["per_channel_multiplier"], q["per_channel_shift"]
    if (q["act_min"], q["act_max"]) != (-128, 127):
        return None
    if pm is NULL:
        mult = np.full(channels, q["output_multiplier"], np.int64)
        r = np.full(channels, -q["output_shift"], np.int64)
    else:
        mult = np.asarray(ctx.arrays[pm.name].values, np.int64)
        r = -np.asarray(ctx.arrays[ps.name].values, np.int64)
    if not (np.all(mult > 1 << 30) and np.all((r >= 1) & (r <= 21))):
        return None
    return mult, (2 * int(q["output_offset"]) + 1) << (r - 1), r


_GEOMETRY = ("batches", "input_height", "input_width", "input_depth", "filter_height", "filter_width",
             "output_height", "output_width", "output_depth", "stride_height", "stride_width", "dilation_height",
             "dilation_width", "pad_height", "pad_width")


def packed_dw3_px_m4(ctx, weights, geo, q):
    """The stream of tml__dw3_px_s8_packed_m4 (pixel by pixel, layout described in
    armv7em/depthwise_conv_packed.h), or NULL where it does not apply: another layout, no folded bias, a
    filter other than 3x3, dilation, a depth multiplier, an input depth not a multiple of 4 or a
    requantization the fast one would not compute exactly. Its only scratch is the patch (input_depth
    bytes of the zero point, which the taps outside the image read)."""
    c = geo["input_depth"]
    fast = _fast_requant(ctx, q, c)
    if ctx.arch not in PACKED_ARCHES or fast is None or q["folded_bias"] is NULL or geo["depth_multiplier"] != 1 or \
            (geo["filter_height"], geo["filter_width"], geo["dilation_height"], geo["dilation_width"]) != (3, 3, 1, 1) \
            or c % 4:
        return NULL
    mult, cc, r = fast
    w = np.asarray(weights, np.int8).reshape(9, c // 4, 4).transpose(1, 0, 2)  # [group, tap, channel]
    words = np.frombuffer(np.ascontiguousarray(w).tobytes(), "<i4").astype(np.int64).reshape(c // 4, 9)
    b = np.asarray(ctx.arrays[q["folded_bias"].name].values, np.int64).reshape(c // 4, 4)
    consts = np.stack([mult, cc, r], axis=1).reshape(c // 4, 12)
    header = [geo[f] if f != "output_depth" else c for f in _GEOMETRY] + [-q["input_offset"]]
    body = np.concatenate([b, words, consts], axis=1).reshape(-1)
    return ctx.packed_array("int32_t", np.concatenate([np.asarray(header, np.int64), body]), "dwpack",
                            "TML_PACKED_DSP")


def dw3_pairs_cols(geo) -> int:
    """Ring columns of tml__dw3p_s8_packed_m4 (tml__dw3p_cols, armv7em/depthwise_conv_pairs.h): the reads
    of its runs (stride 1 across: of four pixels, six columns from each run's first, the last run partial
    where the width leaves 3, and four columns for the one or two pixels after the runs; stride 2: of
    three pixels, eight columns from each run's first, the last run partial where the width leaves 1 or
    2) and the padded input's, an even number."""
    w = geo["output_width"]
    if geo["stride_width"] == 2:
        reads = 6 * -(-w // 3) + 2
    else:
        reads = 4 * (w // 4 + int(w % 4 == 3)) + 2 + 2 * int(w % 4 in (1, 2))
    return (max(reads, geo["pad_width"] + geo["input_width"]) + 1) & ~1


def _int16_pairs(lo, hi):
    """int32 words holding the int16 pair (lo, hi)."""
    v = (np.asarray(lo, np.int64) & 0xFFFF) | ((np.asarray(hi, np.int64) & 0xFFFF) << 16)
    return np.where(v >= 1 << 31, v - (1 << 32), v)


def packed_dw3_pairs_m4(ctx, weights, geo, q):
    """The stream of tml__dw3p_s8_packed_m4 (channel pairs, layout described in
    armv7em/depthwise_conv_pairs_kernel.h) and the bytes of scratch it needs (its ring of three int8 rows),
    or (NULL, 0) where it does not apply: another layout, no folded bias, a filter other than 3x3, dilation,
    a depth multiplier, a stride across other than 1 or 2 (at stride 2 rows of at least four output
    pixels: on narrower ones the pixel kernel is faster, measured on 6x6x128 -> 3x3x128), an odd depth, a
    requantization the fast one would not compute exactly, or where its scratch would make the arena
    larger (``may_take_scratch``)."""
    c = geo["input_depth"]
    fast = _fast_requant(ctx, q, c)
    if ctx.arch not in PACKED_ARCHES or fast is None or q["folded_bias"] is NULL or geo["depth_multiplier"] != 1 or \
            (geo["filter_height"], geo["filter_width"], geo["dilation_height"], geo["dilation_width"]) != (3, 3, 1, 1) \
            or geo["stride_width"] not in (1, 2) or geo["stride_width"] == 2 and geo["output_width"] < 4 or c % 2 \
            or not ctx.may_take_scratch("pairs"):
        return NULL, 0
    mult, cc, r = fast
    w = np.asarray(weights, np.int64).reshape(3, 3, c)  # [filter row, column, channel]
    p_words, r_words = _int16_pairs(w[:, 0], w[:, 1]), _int16_pairs(w[:, 1], w[:, 2])  # [row, channel]
    pair = lambda a: a.reshape(a.shape[:-1] + (c // 2, 2))  # noqa: E731  [..., pair, even/odd]
    rows = np.concatenate([pair(p_words), pair(r_words)], axis=2).transpose(1, 0, 2)  # [pair, row, P0 P1 R0 R1]
    b = np.asarray(ctx.arrays[q["folded_bias"].name].values, np.int64).reshape(c // 2, 2)
    consts = np.stack([mult, cc, r], axis=1).reshape(c // 2, 6)
    header = [geo[f] if f != "output_depth" else c for f in _GEOMETRY] + [-q["input_offset"]]
    body = np.concatenate([b, rows.reshape(c // 2, 12), consts], axis=1).reshape(-1)
    stream = ctx.packed_array("int32_t", np.concatenate([np.asarray(header, np.int64), body]), "dwpack",
                              "TML_PACKED_DSP")
    return stream, 3 * c * dw3_pairs_cols(geo)


def pair_weights_m4(w, fb):
    """Even and odd channels paired for the packed kernels' two sums (conv.h): w [channels, k] int8 (an
    even number of channels) with each odd channel's weights lowered by one where the even channel's is
    negative, so that the int16 halfword (w_even, w_odd') is w_even + 256 * w_odd; None where that does
    not fit int8 (w_odd = -128 under a negative w_even) or where an odd channel's sum could leave
    (-2^23, 2^23): |folded bias| + 128 * sum |w| (the kernel divides 256 times the sum by 2^8)."""
    w = np.asarray(w, np.int64)
    even, odd = w[0::2], w[1::2]
    low = odd - (even < 0)
    if np.any(low < -128) or np.any(np.abs(np.asarray(fb, np.int64)[1::2]) + 128 * np.abs(odd).sum(axis=1) >= 1 << 23):
        return None
    out = w.copy()
    out[1::2] = low
    return out.astype(np.int8)


def pair_sums_m4(fb):
    """The initial sums of each channel pair (e, o) = (e + 256 * o wrapped to int32, e) (conv.h)."""
    fb = np.asarray(fb, np.int64)
    s = (fb[0::2] + 256 * fb[1::2] + (1 << 31)) % (1 << 32) - (1 << 31)
    return np.stack([s, fb[0::2]], axis=1).reshape(-1)


def packed_conv_m4(ctx, weights, geo, q):
    """The stream of tml__conv_s8_packed_m4 (layout described in armv7em/conv_packed_kernel.h) and the
    bytes of scratch it needs, or (NULL, 0) where that kernel does not apply: another layout, no folded
    bias, groups, a number of output channels not a multiple of 4, a clamp narrower than int8, a
    requantization the fast one would not compute exactly (a multiplier of at most 2^30 or a right shift
    outside [1, 21]), weights and biases the paired sums cannot carry (pair_weights_m4) or a window
    too large for the kernel's runs (2^13 filter rows, 2^17 values)."""
    fb = q["folded_bias"]
    # weights: [output_depth, filter_height * filter_width * input_depth] int8
    cout, cin = geo["output_depth"], geo["input_depth"]
    fast = _fast_requant(ctx, q, cout)
    if ctx.arch not in PACKED_ARCHES or fb is NULL or geo["filter_input_depth"] != cin or cout % 4 or fast is None:
        return NULL, 0
    mult, c, r = fast
    fh, row = geo["filter_height"], geo["filter_width"] * cin
    if fh >= 1 << 13 or row * fh >= 1 << 17:  # the kernel's run shape: rows < 2^13, words of a window < 2^16
        return NULL, 0
    # each filter row padded to whole words without dilation across where that adds no block of four
    # window values (conv_packed.h, tml__conv_row_bytes), else without dilation across split: the rows'
    # whole words, then their last row % 4 values (tml__conv_split)
    padded = -(-row // 4) * 4
    dw1 = geo["dilation_width"] == 1
    row_bytes = padded if dw1 and fh * padded == -(-(fh * row) // 4) * 4 else row
    k = fh * row_bytes
    k4 = -(-k // 4) * 4
    bias = np.asarray(ctx.arrays[fb.name].values, np.int64)
    w = np.zeros((cout, fh, row_bytes), np.int8)
    w[:, :, :row] = np.asarray(weights, np.int8).reshape(cout, fh, row)
    if dw1 and row_bytes % 4:
        lead = row & ~3
        w = np.concatenate([w[:, :, :lead].reshape(cout, fh * lead), w[:, :, lead:].reshape(cout, fh * (row - lead))],
                           axis=1)
    paired = pair_weights_m4(w.reshape(cout, k), bias)
    if paired is None:
        return NULL, 0
    padded = np.zeros((cout, k4), np.int8)
    padded[:, :k] = paired
    geometry = [geo[f] for f in _GEOMETRY]
    parts = []
    for g in range(0, cout, 4):
        # axes (channel pair, channel in pair, four values j, high/low half, value parity) ->
        # (j, parity, channel pair, half, channel in pair): each halfword pairs an even and an odd channel
        block = padded[g:g + 4].reshape(2, 2, k4 // 4, 2, 2).transpose(2, 4, 0, 3, 1)
        words = np.frombuffer(np.ascontiguousarray(block).tobytes(), "<i4").astype(np.int64)
        parts += [pair_sums_m4(bias[g:g + 4]), words,
                  np.stack([mult[g:g + 4], c[g:g + 4], r[g:g + 4]], axis=1).reshape(-1)]
    body = np.concatenate([np.asarray(x, np.int64) for x in parts])
    pointwise = geo["filter_height"] == geo["filter_width"] == 1 and geo["pad_height"] == geo["pad_width"] == 0
    # the pairs, the sentinel and the word the kernel reads past it (or the windows behind them)
    scratch = 4 * k4 + 8 + (0 if pointwise else 2 * k4 - 4)
    stream = ctx.packed_array("int32_t", np.concatenate([np.asarray(geometry + [-q["input_offset"], len(body), k4 // 4],
                                                                    np.int64), body]), "convpack", "TML_PACKED_DSP")
    return stream, scratch

_UNSUPPORTED = ("are not supported (float32/float32/float32, int8/int8/int8 and int16/int8/int16 are; "
                "hybrid models need full-integer quantization)")


def _emit(op, ctx, kernel, inp, w, bias, out, geo, out_c, channel_axis):
    """The float32 or int8 call of a convolution kernel (``kernel`` + ``_f32``/``_s8``)."""
    kind = ctx.dtypes_of(inp, w, out)
    ctx.allow_overlap(out.index, inp.index, window_lead(
        geo, geo["input_depth"] * inp.itemsize, out_c * out.itemsize))
    args = (ctx.tensor(inp.index), ctx.tensor(w.index), ctx.opt_tensor(bias.index if bias is not None else -1),
            ctx.tensor(out.index))
    if kind == "float32/float32/float32":
        lo, hi = act_range(op, ctx, out)
        ctx.emit(f"{kernel}_f32", *args, params_type=f"{kernel}_f32_params",
                 params=dict(geo, act_min=float(lo), act_max=float(hi)))
        return
    if kind == "int8/int8/int8":
        q = _int8_common(op, ctx, inp, w, bias, out, out_c, channel_axis)
        # conv weights are [output_depth, fh, fw, fdepth], depthwise ones [1, fh, fw, output_depth]
        q["folded_bias"] = folded_bias(ctx, w, bias, -inp.q_zero_point, out_c,
                                       channels_last=kernel == "tml_depthwise_conv")
        if kernel == "tml_conv":
            packed, scratch = packed_conv_m4(ctx, w.data, geo, q)
            if packed is not NULL:
                extra = {}
                if _runs_backward(geo, inp, out):
                    # the packed and the reference kernel (the two the dispatcher then picks) can also run
                    # from the last pixel to the first: the output may then start an input pixel after
                    # its input, which lets a wider output grow past its input's end
                    extra["backward"] = ctx.allow_backward(out.index, inp.index,
                                                           backward_trail(geo["input_depth"] * inp.itemsize))
                ctx.emit("tml_conv_s8", *args, params_type="tml_conv_s8_params",
                         params=dict(geo, **q, packed=packed, scratch=ctx.scratch_buffer(scratch), **extra),
                         replaced=(args[1], args[2], q["folded_bias"], q["per_channel_multiplier"],
                                   q["per_channel_shift"]))
                return
        if kernel == "tml_depthwise_conv":
            # stride 1 or 2 across: channel pairs over an int8 ring of rows (where its scratch costs no
            # arena); else pixel by pixel
            packed, scratch = packed_dw3_pairs_m4(ctx, w.data, geo, q)
            if packed is not NULL:
                # besides the other cores' kernels' (above)
                ctx.allow_overlap(out.index, inp.index, ring_lead(geo, geo["input_depth"] * inp.itemsize,
                                                                  out_c * out.itemsize))
                # the ring's three slots, each a buffer of its own: they fit where the arena has room
                slots = [ctx.scratch_buffer(scratch // 3) for _ in range(3)]
                ctx.emit("tml_depthwise_conv_s8", *args, params_type="tml_depthwise_conv_s8_params",
                         params=dict(geo, **q, packed=packed, scratch=slots[0], slot1=slots[1], slot2=slots[2]),
                         replaced=(args[1], args[2], q["folded_bias"], q["per_channel_multiplier"],
                                   q["per_channel_shift"]))
                return
            packed = packed_dw3_px_m4(ctx, w.data, geo, q)
            if packed is not NULL:
                ctx.emit("tml_depthwise_conv_s8", *args, params_type="tml_depthwise_conv_s8_params",
                         params=dict(geo, **q, packed=packed, patch=ctx.scratch_buffer(geo["input_depth"])),
                         replaced=(args[1], args[2], q["folded_bias"], q["per_channel_multiplier"],
                                   q["per_channel_shift"]))
                return
        if kernel == "tml_depthwise_conv" and ctx.arch in PATCH_ARCHES and q["folded_bias"] is not NULL and \
                geo["filter_height"] == geo["filter_width"] == 3 and geo["depth_multiplier"] == 1 and \
                geo["dilation_height"] == geo["dilation_width"] == 1 and geo["input_depth"] >= 16:
            # the Cortex-M4 path computes border pixels from a 3x3 patch (the window, padded with the
            # zero point) with its interior code; not worth the copies for fewer channels
            q["patch"] = ctx.scratch_buffer(9 * geo["input_depth"])
        ctx.emit(f"{kernel}_s8", *args, params_type=f"{kernel}_s8_params", params=dict(geo, **q))
        return
    if kind == "int16/int8/int16":
        q = int16x8_params(op, ctx, inp, w, bias, out, out_c, channel_axis)
        ctx.emit(f"{kernel}_s16", *args, params_type=f"{kernel}_s16_params", params=dict(geo, **q))
        return
    ctx.fail(f"input/weights/output dtypes {kind} {_UNSUPPORTED}")


def _runs_backward(geo, inp, out) -> bool:
    """Whether a packed int8 convolution may run backward (tml__conv_s8_packed_m4 and tml_conv_s8_ref):
    pointwise at stride 1 without padding, an input depth of whole words, one batch, an output at least as
    wide per pixel as the input (each pair's outputs then only cover input pixels already done)."""
    return geo["filter_height"] == geo["filter_width"] == 1 and geo["pad_height"] == geo["pad_width"] == 0 and \
        geo["stride_height"] == geo["stride_width"] == 1 and geo["input_depth"] % 4 == 0 and geo["batches"] == 1 \
        and geo["output_depth"] * out.itemsize >= geo["input_depth"] * inp.itemsize


@register("CONV_2D")
def lower_conv_2d(op, ctx):
    inp, w, bias, out = _operands(op, ctx)
    out_c, fh, fw, fdepth = (int(d) for d in w.shape)
    geo = geometry(op, ctx, inp, out, fh, fw)
    in_c = geo["input_depth"]
    if int(out.shape[3]) != out_c:
        ctx.fail(f"output has {out.shape[3]} channels but the weights have {out_c}")
    if fdepth < 1 or in_c % fdepth != 0 or out_c % (in_c // fdepth) != 0:
        ctx.fail(f"weights input depth {fdepth} does not divide the input depth {in_c} into groups "
                 f"that divide the {out_c} output channels")
    geo.update(filter_input_depth=fdepth, output_depth=out_c)
    ctx.macs += geo["batches"] * geo["output_height"] * geo["output_width"] * out_c * fh * fw * fdepth
    _emit(op, ctx, "tml_conv", inp, w, bias, out, geo, out_c, 0)


@register("DEPTHWISE_CONV_2D")
def lower_depthwise_conv_2d(op, ctx):
    inp, w, bias, out = _operands(op, ctx)
    one, fh, fw, out_c = (int(d) for d in w.shape)
    if one != 1:
        ctx.fail(f"depthwise weights must have shape [1, H, W, C*M], got {list(w.shape)}")
    geo = geometry(op, ctx, inp, out, fh, fw)
    in_c = geo["input_depth"]
    if in_c == 0 or out_c % in_c != 0:
        ctx.fail(f"weights have {out_c} channels, not a multiple of the {in_c} input channels")
    mult = out_c // in_c
    declared = int(op.options.get("depth_multiplier", 0) or 0)
    if declared not in (0, mult):
        ctx.fail(f"depth_multiplier {declared} does not match the weights ({out_c} channels for {in_c} inputs)")
    if int(out.shape[3]) != out_c:
        ctx.fail(f"output has {out.shape[3]} channels but the weights have {out_c}")
    geo = dict(batches=geo["batches"], input_height=geo["input_height"], input_width=geo["input_width"],
               input_depth=in_c, filter_height=fh, filter_width=fw, depth_multiplier=mult,
               output_height=geo["output_height"], output_width=geo["output_width"],
               stride_height=geo["stride_height"], stride_width=geo["stride_width"],
               dilation_height=geo["dilation_height"], dilation_width=geo["dilation_width"],
               pad_height=geo["pad_height"], pad_width=geo["pad_width"])
    ctx.macs += geo["batches"] * geo["output_height"] * geo["output_width"] * out_c * fh * fw
    if in_c == 1 and ctx.dtypes_of(inp, w, out) == "int8/int8/int8" and _depthwise_as_conv(op, ctx, inp, w, bias,
                                                                                           out, geo):
        return
    _emit(op, ctx, "tml_depthwise_conv", inp, w, bias, out, geo, out_c, 3)


def _depthwise_as_conv(op, ctx, inp, w, bias, out, geo) -> bool:
    """A depthwise layer of one input channel (a model's first layer, e.g. on a spectrogram or a
    grayscale image) is a convolution of depth 1: where the packed convolution applies, emit it, with
    the weights transposed to the convolution's layout (which only an image without the packed kernel
    reads). False where it does not apply."""
    out_c, fh, fw = geo["depth_multiplier"], geo["filter_height"], geo["filter_width"]
    cgeo = dict(batches=geo["batches"], input_height=geo["input_height"], input_width=geo["input_width"],
                input_depth=1, filter_height=fh, filter_width=fw, output_height=geo["output_height"],
                output_width=geo["output_width"], stride_height=geo["stride_height"],
                stride_width=geo["stride_width"], dilation_height=geo["dilation_height"],
                dilation_width=geo["dilation_width"], pad_height=geo["pad_height"], pad_width=geo["pad_width"],
                filter_input_depth=1, output_depth=out_c)
    weights = np.asarray(w.data, np.int8).reshape(fh * fw, out_c).T  # [output channel, tap]
    q = _int8_common(op, ctx, inp, w, bias, out, out_c, 3)
    q["folded_bias"] = folded_bias(ctx, w, bias, -inp.q_zero_point, out_c, channels_last=True)
    packed, scratch = packed_conv_m4(ctx, weights, cgeo, q)
    if packed is NULL:
        return False
    ctx.allow_overlap(out.index, inp.index, window_lead(cgeo, inp.itemsize, out_c * out.itemsize))
    wref = ctx.array("int8_t", weights, "wconv")
    bref = ctx.opt_tensor(bias.index if bias is not None else -1)
    ctx.emit("tml_conv_s8", ctx.tensor(inp.index), wref, bref, ctx.tensor(out.index), params_type="tml_conv_s8_params",
             params=dict(cgeo, **q, packed=packed, scratch=ctx.scratch_buffer(scratch)),
             replaced=(wref, bref, q["folded_bias"], q["per_channel_multiplier"], q["per_channel_shift"]))
    return True

"""FULLY_CONNECTED: int8 (per-tensor or per-channel weights), int16x8 and float32."""
from __future__ import annotations

import numpy as np

from ..registry import NULL, register
from .common import act_range, check_bias, flat_size, folded_bias, int16x8_params, requant_params, require_quantized
from .conv import pair_sums_m4, pair_weights_m4


#: layouts that carry the Cortex-M4 streams ("portable" too: other targets drop them, see PackedRef)
PACKED_ARCHES = ("cortex-m4", "portable")


def packed_weights_m4(ctx, w, fb, m: int, s: int, pm, ps, output_offset: int, lo: int, hi: int):
    """The Cortex-M4 stream of tml__fc_s8_rows4_m4 / _rows4_pc_m4 / _depth1_m4 (layouts described in
    fully_connected.h), or NULL where those kernels do not apply: another arch, no folded bias, a depth
    neither 1 nor a multiple of 4 (per channel: not a multiple of 4), or a requantization that the fast
    one (tml_requant_fast_of) would not compute exactly: a multiplier of at most 2^30 or a right shift
    outside [1, 21] (for any row), a clamp narrower than int8, or a group of four rows whose weights and
    biases the paired sums cannot carry (conv.pair_weights_m4)."""
    if ctx.arch not in PACKED_ARCHES or fb is NULL or (lo, hi) != (-128, 127):
        return NULL
    if pm is NULL:
        mult, shift = np.array([m], np.int64), np.array([s], np.int64)
    else:
        mult = np.asarray(ctx.arrays[pm.name].values, np.int64)
        shift = np.asarray(ctx.arrays[ps.name].values, np.int64)
    r = -shift
    if not (np.all(mult > 1 << 30) and np.all((r >= 1) & (r <= 21))):
        return NULL
    c = (2 * int(output_offset) + 1) << (r - 1)
    weights = np.asarray(w.data, np.int8)
    rows, depth = weights.shape[0], int(np.prod(weights.shape[1:]))
    weights = weights.reshape(rows, depth)
    if depth % 4 and (depth != 1 or pm is not NULL):
        return NULL
    bias = np.asarray(ctx.arrays[fb.name].values, np.int64)
    words = lambda b: np.frombuffer(np.ascontiguousarray(b, np.int8).tobytes(), "<i4").astype(np.int64)
    triples = lambda o, n: np.stack([mult[o:o + n], c[o:o + n], r[o:o + n]], axis=1).reshape(-1)
    parts = []
    if depth == 1:
        if np.abs(bias).max() + 128 * np.abs(weights.astype(np.int64)).max() >= 1 << 30:
            return NULL  # twice the sum would not fit int32
        parts.append([rows, m, c[0], r[0]])
        pad = -rows % 4
        wcol = np.concatenate([weights[:, 0], np.zeros(pad, np.int8)])
        bcol = np.concatenate([bias, np.zeros(pad, np.int64)])
        for g in range(0, rows + pad, 4):
            w16 = wcol[g:g + 4].astype(np.int64)
            parts += [2 * bcol[g:g + 4], (w16[0::2] & 0xFFFF) | (w16[1::2] << 16)]
    else:
        full = rows - rows % 4
        per_channel = pm is not NULL
        parts.append([depth, full, 0, 0, 0, rows % 4] if per_channel else [depth, full, m, c[0], r[0], rows % 4])
        for g in range(0, full, 4):
            paired = pair_weights_m4(weights[g:g + 4], bias[g:g + 4])
            if paired is None:
                return NULL
            # (row pair, row in pair, four inputs j, half, parity) -> (j, parity, row pair, half, row in pair)
            block = paired.reshape(2, 2, depth // 4, 2, 2).transpose(2, 4, 0, 3, 1)
            parts += [pair_sums_m4(bias[g:g + 4]), words(block)] + ([triples(g, 4)] if per_channel else [])
        for o in range(full, rows):
            parts += [bias[o:o + 1], words(weights[o])] + ([triples(o, 1)] if per_channel else [])
    return ctx.packed_array("int32_t", np.concatenate([np.asarray(x, np.int64) for x in parts]), "fcpack",
                            "TML_PACKED_DSP")


def packed_f32_m4(ctx, w, bias):
    """The Cortex-M4F float stream of tml__fc_f32_m4 (layout described there), or NULL for other archs."""
    if ctx.arch not in PACKED_ARCHES:
        return NULL
    weights = np.asarray(w.data, np.float32)
    rows = weights.shape[0]
    weights = weights.reshape(rows, -1)
    depth = weights.shape[1]
    d8 = depth - depth % 8
    # no bias: -0.0f, which leaves every sum unchanged
    b = np.full(rows, -0.0, np.float32) if bias is None else np.asarray(bias.data, np.float32).reshape(-1)
    parts = []
    full = rows - rows % 4
    for g in range(0, full, 4):
        rws = weights[g:g + 4]
        parts.append(rws[:, :d8].reshape(4, d8 // 8, 8).transpose(1, 0, 2).reshape(-1))
        parts.append(rws[:, d8:].T.reshape(-1))
        parts.append(b[g:g + 4])
    for o in range(full, rows):
        parts += [weights[o], b[o:o + 1]]
    if not parts:
        return NULL
    return ctx.packed_array("float", np.concatenate(parts).astype(np.float32), "fcpackf", "TML_PACKED_FPU")


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
    check_bias(ctx, bias, units)
    common = dict(batches=batches, accum_depth=depth, output_depth=units)
    if kind == "float32/float32/float32":
        lo, hi = act_range(op, ctx, out)
        packed = packed_f32_m4(ctx, w, bias)
        wref, bref = ctx.tensor(w.index), ctx.opt_tensor(bias.index if bias is not None else -1)
        ctx.emit("tml_fully_connected_f32", ctx.tensor(inp.index), wref, bref, ctx.tensor(out.index),
                 params_type="tml_fully_connected_f32_params",
                 params=dict(common, act_min=float(lo), act_max=float(hi), packed=packed),
                 replaced=(wref, bref) if packed is not NULL else ())
        return
    if kind == "int8/int8/int8":
        require_quantized(ctx, inp, w, out)
        if bias is not None and bias.dtype != "int32":
            ctx.fail(f"int8 FULLY_CONNECTED needs an int32 bias, got {bias.dtype}")
        m, s, pm, ps = requant_params(ctx, inp, w, out, units, float_product=True)
        lo, hi = act_range(op, ctx, out)
        fb = folded_bias(ctx, w, bias, -inp.q_zero_point, units)
        packed = packed_weights_m4(ctx, w, fb, m, s, pm, ps, out.q_zero_point, lo, hi)
        wref, bref = ctx.tensor(w.index), ctx.opt_tensor(bias.index if bias is not None else -1)
        ctx.emit("tml_fully_connected_s8", ctx.tensor(inp.index), wref, bref, ctx.tensor(out.index),
                 replaced=(wref, bref, fb, pm, ps) if packed is not NULL else (),
                 params_type="tml_fully_connected_s8_params",
                 params=dict(common, input_offset=-inp.q_zero_point, weights_offset=-w.q_zero_point,
                             output_offset=out.q_zero_point, output_multiplier=m, output_shift=s,
                             per_channel_multiplier=pm, per_channel_shift=ps, act_min=lo, act_max=hi,
                             folded_bias=fb, packed=packed))
        return
    if kind == "int16/int8/int16":
        q = int16x8_params(op, ctx, inp, w, bias, out, units, 0, float_product=True)
        ctx.emit("tml_fully_connected_s16", ctx.tensor(inp.index), ctx.tensor(w.index),
                 ctx.opt_tensor(bias.index if bias is not None else -1), ctx.tensor(out.index),
                 params_type="tml_fully_connected_s16_params", params=dict(common, **q))
        return
    ctx.fail(f"input/weights/output dtypes {kind} are not supported (float32/float32/float32, int8/int8/int8 "
             "and int16/int8/int16 are; hybrid models need full-integer quantization)")

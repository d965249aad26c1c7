"""Signal: TFLM's audio front end (the Signal library's custom operators), bit-exact with TFLM.

SignalWindow, SignalFftAutoScale, SignalRfft (int16, int32, float32), SignalEnergy, SignalFilterBank,
SignalFilterBankSquareRoot, SignalFilterBankSpectralSubtraction, SignalPCAN, SignalFilterBankLog.
Their FlexBuffer options arrive decoded in ``op.options``. What TFLM computes at Init/Prepare (the
kissfft factorization and twiddles, the log table) is computed here; what TFLM leaves to chance
(out-of-range indices, shifts beyond the word, tables too short) is refused. The spectral
subtraction's noise estimate is persistent state (``ctx.state_buffer``): kept across invokes,
zeroed by NAME_reset(), as TFLM keeps it in a persistent buffer cleared at Prepare and Reset.
"""
from __future__ import annotations

import math

import numpy as np

from ..registry import register
from .common import flat_size

# TFLM's signal/src/log.cc table (kLogLut): 128 segments of log2(1 + x), scale 65536, plus padding.
LOG_LUT = (
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944, 3087,
    3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864,
    4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595,
    5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470,
    5439, 5406, 5370, 5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630,
    4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186,
    3084, 2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
    1094, 963, 830, 695, 559, 421, 282, 142, 0, 0)

PCAN_LUT_SIZE = 125  # WideDynamicFunction reads lut[4 * 32 - 6 + 2] for inputs of 32 significant bits
_TFLITE_TYPES = {0: "float32", 2: "int32", 7: "int16"}


def _int_option(op, ctx, key: str, lo: int, hi: int, default=None) -> int:
    v = op.options.get(key, default)
    if v is None:
        ctx.fail(f"option '{key}' is missing")
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        ctx.fail(f"option '{key}' is {v!r}; it must be an integer")
    if not lo <= int(v) <= hi:
        ctx.fail(f"option '{key}' is {int(v)}; it must be from {lo} to {hi}")
    return int(v)


def _keys(op, ctx, *names: str) -> None:
    """TFLM reads these options by their position in the key-sorted FlexBuffer map: any other set of keys
    would make it read other values than the names say."""
    if set(op.options) != set(names):
        ctx.fail(f"options {sorted(op.options)} are not {sorted(names)}: TFLM reads them by position, so "
                 "exactly these keys are needed")


def _check(ctx, t, what: str, dtype: str, rank=None) -> None:
    if t.dtype != dtype:
        ctx.fail(f"{what} (tensor {t.index} '{t.name}') is {t.dtype}; it must be {dtype}")
    if rank is not None and len(t.shape) != rank:
        ctx.fail(f"{what} (tensor {t.index} '{t.name}') has shape {list(t.shape)}; it must have rank {rank}")


def _tensors(op, ctx):
    return [ctx.t(i) for i in op.inputs], [ctx.t(i) for i in op.outputs]


@register("SignalWindow", custom=True, operands=(2, 2, 1, ()))
def lower_window(op, ctx):
    (inp, w), (out,) = _tensors(op, ctx)
    _check(ctx, inp, "input", "int16")
    _check(ctx, w, "weights", "int16", 1)
    _check(ctx, out, "output", "int16")
    if len(inp.shape) < 1 or tuple(out.shape) != tuple(inp.shape):
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must have the same shape of rank >= 1")
    _keys(op, ctx, "shift")
    shift = _int_option(op, ctx, "shift", 0, 31)
    size, wsize = flat_size(inp.shape), int(w.shape[0])
    if wsize < 1 or size % wsize:
        ctx.fail(f"the window length {wsize} does not divide the input's {size} values")
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_signal_window_s16", ctx.tensor(inp.index), ctx.tensor(w.index), ctx.tensor(out.index),
             params_type="tml_signal_window_params", params=dict(size=size, weight_size=wsize, shift=shift))


@register("SignalFftAutoScale", custom=True, operands=(1, 1, 2, ()))
def lower_fft_auto_scale(op, ctx):
    (inp,), (out, bits) = _tensors(op, ctx)
    _check(ctx, inp, "input", "int16", 1)
    _check(ctx, out, "output", "int16", 1)
    _check(ctx, bits, "scale_bits output", "int32", 0)
    if out.shape != inp.shape:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must have the same shape")
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_signal_fft_auto_scale_s16", ctx.tensor(inp.index), ctx.tensor(out.index), ctx.tensor(bits.index),
             params_type="tml_signal_fft_auto_scale_params", params=dict(size=int(inp.shape[0])))


def kiss_factors(n: int) -> list:
    """kissfft's kf_factor: radix 4 first, then 2, then odd primes; [(radix, remaining length), ...].

    >>> kiss_factors(256)
    [(4, 64), (4, 16), (4, 4), (4, 1)]
    >>> kiss_factors(240)
    [(4, 60), (4, 15), (3, 5), (5, 1)]
    """
    out, p = [], 4
    floor_sqrt = math.floor(math.sqrt(n))
    while True:
        while n % p:
            p = {4: 2, 2: 3}.get(p, p + 2)
            if p > floor_sqrt:
                p = n
        n //= p
        out.append((p, n))
        if n <= 1:
            return out


def kiss_twiddles(fft_length: int, dtype: str) -> tuple:
    """The twiddles of kissfft's complex FFT of fft_length / 2 points and of its real-FFT split, as
    kiss_fft_alloc / kiss_fftr_alloc compute them in double: floor(0.5 + MAX * cos/sin) in fixed point
    (MAX = 32767 for int16, 2^31 - 1 for int32), the float32 cos/sin for float."""
    n = fft_length // 2
    top = {"int16": 32767, "int32": 2147483647}.get(dtype)

    def cexp(phase):
        if top is None:
            return [float(np.float32(math.cos(phase))), float(np.float32(math.sin(phase)))]
        return [math.floor(0.5 + top * math.cos(phase)), math.floor(0.5 + top * math.sin(phase))]
    tw = [v for i in range(n) for v in cexp(-2 * math.pi * i / n)]
    sup = [v for i in range(n // 2) for v in cexp(-math.pi * ((i + 1) / n + 0.5))]
    return tw, sup


_RFFT = {"int16": ("s16", "int16_t"), "int32": ("s32", "int32_t"), "float32": ("f32", "float")}


@register("SignalRfft", custom=True, operands=(1, 1, 1, ()))
def lower_rfft(op, ctx):
    (inp,), (out,) = _tensors(op, ctx)
    _keys(op, ctx, "T", "fft_length")
    t = op.options.get("T")
    dtype = _TFLITE_TYPES.get(t) if isinstance(t, int) and not isinstance(t, bool) else None
    if dtype is None:
        ctx.fail(f"option 'T' is {t!r}; it must be 7 (int16), 2 (int32) or 0 (float32)")
    _check(ctx, inp, "input", dtype)
    _check(ctx, out, "output", dtype)
    n = _int_option(op, ctx, "fft_length", 2, 1 << 16)
    if n % 2:
        ctx.fail(f"fft_length {n} is odd; TFLM's real FFT needs an even length")
    factors = kiss_factors(n // 2)
    if n // 2 > 1 and any(p > 5 for p, _ in factors):
        ctx.fail(f"fft_length {n}: {n // 2} has a prime factor above 5, which TFLM's kissfft build cannot "
                 "transform (its generic butterfly needs heap memory TFLM does not give it)")
    if n < 4:
        ctx.fail(f"fft_length {n} is too short (at least 4)")
    if len(inp.shape) < 1 or len(out.shape) != len(inp.shape):
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must have the same rank (at least 1)")
    length = int(inp.shape[-1])
    if not 1 <= length <= n:
        ctx.fail(f"rows of {length} samples do not fit fft_length {n}")
    if tuple(out.shape[:-1]) != tuple(inp.shape[:-1]) or int(out.shape[-1]) != n + 2:
        ctx.fail(f"output shape {list(out.shape)} must be {list(inp.shape[:-1]) + [n + 2]} "
                 f"(fft_length / 2 + 1 complex values per row)")
    tw, sup = kiss_twiddles(n, dtype)
    sfx, ctype = _RFFT[dtype]
    vals = np.float32 if dtype == "float32" else np.int64
    ctx.macs += flat_size(inp.shape[:-1]) * (n // 2) * max(1, int(math.log2(n)))
    params = dict(rows=flat_size(inp.shape[:-1]), input_length=length, fft_length=n,
                  factors=ctx.array("int32_t", np.array(factors, np.int64).reshape(-1), "fft_factors"),
                  twiddles=ctx.array(ctype, np.array(tw, vals), "fft_twiddles"),
                  super_twiddles=ctx.array(ctype, np.array(sup, vals), "fft_super_twiddles"))
    ctx.emit(f"tml_signal_rfft_{sfx}", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type=f"tml_signal_rfft_{sfx}_params", params=params)


@register("SignalEnergy", custom=True, operands=(1, 1, 1, ()))
def lower_energy(op, ctx):
    (inp,), (out,) = _tensors(op, ctx)
    _check(ctx, inp, "input", "int16", 1)
    _check(ctx, out, "output", "uint32", 1)
    bins = int(inp.shape[0]) // 2
    if int(inp.shape[0]) % 2 or int(out.shape[0]) != bins:
        ctx.fail(f"input {list(inp.shape)} must hold complex (re, im) pairs and the output one value per pair "
                 f"(got output {list(out.shape)})")
    _keys(op, ctx, "end_index", "start_index")
    start = _int_option(op, ctx, "start_index", 0, bins)
    end = _int_option(op, ctx, "end_index", start, bins)
    # value i is written over the pair it is computed from (the same 4 bytes, read first)
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_signal_energy_s16", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_signal_energy_params", params=dict(size=bins, start_index=start, end_index=end))


@register("SignalFilterBank", custom=True, operands=(6, 6, 1, ()))
def lower_filter_bank(op, ctx):
    (inp, w, uw, fstarts, wstarts, widths), (out,) = _tensors(op, ctx)
    _check(ctx, inp, "input", "uint32", 1)
    for t, what in ((w, "weights"), (uw, "unweights"), (fstarts, "channel_frequency_starts"),
                    (wstarts, "channel_weight_starts"), (widths, "channel_widths")):
        _check(ctx, t, what, "int16", 1)
        if not t.is_const:
            ctx.fail(f"{what} (tensor {t.index}) must be constant (its indices are checked at conversion)")
    _check(ctx, out, "output", "uint64", 1)
    _keys(op, ctx, "num_channels")
    ch = _int_option(op, ctx, "num_channels", 1, 1 << 15)
    if int(out.shape[0]) != ch:
        ctx.fail(f"output has {int(out.shape[0])} values for num_channels {ch}")
    if w.shape != uw.shape:
        ctx.fail(f"weights {list(w.shape)} and unweights {list(uw.shape)} must have the same shape")
    for t, what in ((fstarts, "channel_frequency_starts"), (wstarts, "channel_weight_starts"),
                    (widths, "channel_widths")):
        if int(t.shape[0]) < ch + 1:
            ctx.fail(f"{what} has {int(t.shape[0])} values; num_channels + 1 = {ch + 1} are needed")
    fs, ws, wd = (np.asarray(t.data, np.int64)[:ch + 1] for t in (fstarts, wstarts, widths))
    nin, nw = int(inp.shape[0]), int(w.shape[0])
    for i in range(ch + 1):
        if wd[i] < 0 or fs[i] < 0 or ws[i] < 0 or fs[i] + wd[i] > nin or ws[i] + wd[i] > nw:
            ctx.fail(f"channel {i}: frequency start {fs[i]}, weight start {ws[i]}, width {wd[i]} reach beyond the "
                     f"input ({nin}) or the weights ({nw})")
    ctx.macs += 2 * int(wd.sum())
    args = [ctx.tensor(t.index) for t in (inp, w, uw, fstarts, wstarts, widths, out)]
    ctx.emit("tml_signal_filter_bank_u32", *args, params_type="tml_signal_filter_bank_params",
             params=dict(num_channels=ch))


@register("SignalFilterBankSquareRoot", custom=True, operands=(2, 2, 1, ()))
def lower_filter_bank_sqrt(op, ctx):
    (inp, bits), (out,) = _tensors(op, ctx)
    _check(ctx, inp, "input", "uint64", 1)
    _check(ctx, bits, "scale_bits", "int32", 0)
    _check(ctx, out, "output", "uint32", 1)
    if out.shape != inp.shape:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must have the same shape")
    if bits.is_const and not 0 <= int(np.asarray(bits.data).reshape(-1)[0]) <= 31:
        ctx.fail(f"scale_bits is {int(np.asarray(bits.data).reshape(-1)[0])}; it must be from 0 to 31")
    ctx.emit("tml_signal_filter_bank_sqrt_u64", ctx.tensor(inp.index), ctx.tensor(bits.index), ctx.tensor(out.index),
             params_type="tml_signal_filter_bank_sqrt_params", params=dict(num_channels=int(inp.shape[0])))


@register("SignalFilterBankSpectralSubtraction", custom=True, operands=(1, 1, 2, ()))
def lower_spectral_subtraction(op, ctx):
    (inp,), (out, noise) = _tensors(op, ctx)
    for t, what in ((inp, "input"), (out, "output"), (noise, "noise estimate output")):
        _check(ctx, t, what, "uint32", 1)
    _keys(op, ctx, "alternate_one_minus_smoothing", "alternate_smoothing", "clamping", "min_signal_remaining",
          "num_channels", "one_minus_smoothing", "smoothing", "smoothing_bits", "spectral_subtraction_bits")
    ch = _int_option(op, ctx, "num_channels", 1, 1 << 20)
    for t, what in ((inp, "input"), (out, "output"), (noise, "noise estimate output")):
        if int(t.shape[0]) != ch:
            ctx.fail(f"{what} has {int(t.shape[0])} values for num_channels {ch}")
    u32 = (1 << 32) - 1
    clamping = op.options.get("clamping", False)
    if not isinstance(clamping, (bool, int)):
        ctx.fail(f"option 'clamping' is {clamping!r}; it must be a boolean")
    params = dict(num_channels=ch,
                  smoothing=_int_option(op, ctx, "smoothing", 0, u32),
                  one_minus_smoothing=_int_option(op, ctx, "one_minus_smoothing", 0, u32),
                  alternate_smoothing=_int_option(op, ctx, "alternate_smoothing", 0, u32),
                  alternate_one_minus_smoothing=_int_option(op, ctx, "alternate_one_minus_smoothing", 0, u32),
                  smoothing_bits=_int_option(op, ctx, "smoothing_bits", 0, 31),
                  min_signal_remaining=_int_option(op, ctx, "min_signal_remaining", 0, u32),
                  spectral_subtraction_bits=_int_option(op, ctx, "spectral_subtraction_bits", 0, 63),
                  clamping=1 if clamping else 0)
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_signal_spectral_subtraction_u32", ctx.tensor(inp.index), ctx.tensor(out.index),
             ctx.tensor(noise.index), ctx.state_buffer(4 * ch),
             params_type="tml_signal_spectral_subtraction_params", params=params)


@register("SignalPCAN", custom=True, operands=(3, 3, 1, ()))
def lower_pcan(op, ctx):
    (inp, noise, lut), (out,) = _tensors(op, ctx)
    _check(ctx, inp, "input", "uint32", 1)
    _check(ctx, noise, "noise estimate", "uint32", 1)
    _check(ctx, lut, "gain lut", "int16", 1)
    _check(ctx, out, "output", "uint32", 1)
    if not inp.shape == noise.shape == out.shape:
        ctx.fail(f"input {list(inp.shape)}, noise estimate {list(noise.shape)} and output {list(out.shape)} "
                 "must have the same shape")
    if int(lut.shape[0]) < PCAN_LUT_SIZE:
        ctx.fail(f"the gain lut has {int(lut.shape[0])} values; TFLM reads up to {PCAN_LUT_SIZE}")
    _keys(op, ctx, "snr_shift")
    shift = _int_option(op, ctx, "snr_shift", 0, 63)
    ctx.allow_inplace(out.index, inp.index)
    ctx.emit("tml_signal_pcan_u32", ctx.tensor(inp.index), ctx.tensor(noise.index), ctx.tensor(lut.index),
             ctx.tensor(out.index), params_type="tml_signal_pcan_params",
             params=dict(num_channels=int(inp.shape[0]), snr_shift=shift))


@register("SignalFilterBankLog", custom=True, operands=(1, 1, 1, ()))
def lower_filter_bank_log(op, ctx):
    (inp,), (out,) = _tensors(op, ctx)
    _check(ctx, inp, "input", "uint32", 1)
    _check(ctx, out, "output", "int16", 1)
    if out.shape != inp.shape:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must have the same shape")
    _keys(op, ctx, "input_correction_bits", "output_scale")
    params = dict(num_channels=int(inp.shape[0]),
                  input_correction_bits=_int_option(op, ctx, "input_correction_bits", 0, 31),
                  output_scale=_int_option(op, ctx, "output_scale", 0, (1 << 32) - 1),
                  log_lut=ctx.array("uint16_t", np.array(LOG_LUT, np.int64), "log_lut"))
    ctx.emit("tml_signal_filter_bank_log_u32", ctx.tensor(inp.index), ctx.tensor(out.index),
             params_type="tml_signal_filter_bank_log_params", params=params)

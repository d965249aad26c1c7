"""TFLM's Signal custom operators that stream through state (SignalFramer, SignalStacker, SignalDelay,
SignalOverlapAdd) and the inverse real FFT (SignalIrfft), as TFLM's signal/micro/kernels run them.

The state TFLM keeps in persistent buffers lives in arena bytes of its own (``ctx.state_buffer``),
placed for the whole run and zeroed at start-up and by NAME_reset(); each kernel's all-zero state is
its initial state (library/src/tinyml/ops/signal_stream.h). SignalIrfft has no state: the tables
TFLM's Init computes (KissFFT's factors and twiddles) are computed here and stored in flash.
"""
from __future__ import annotations

import math

import numpy as np

from ..registry import NULL, register
from .common import flat_size

_INT16, _BOOL = "int16", "bool"


def _opt_int(ctx, op, key: str, lo: int | None = None) -> int:
    v = _opt(ctx, op, key)
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        ctx.fail(f"option {key} must be an integer, got {v!r}")
    if lo is not None and v < lo:
        ctx.fail(f"option {key} is {v}; it must be at least {lo}")
    if v > 2 ** 24:
        ctx.fail(f"option {key} is {v}; at most {2 ** 24} is supported")
    return int(v)


#: TFLM's Signal kernels read their options by position in the FlexBuffer map (keys sorted), not by name:
#: framer (frame_size, frame_step, prefill), stacker (num_channels, stacker_left_context,
#: stacker_right_context, stacker_step), delay (delay_length), overlap-add (T, frame_step), irfft (T, fft_length).
_POSITIONS = {"frame_size": 0, "frame_step": 1, "prefill": 2, "num_channels": 0, "stacker_left_context": 1,
              "stacker_right_context": 2, "stacker_step": 3, "delay_length": 0, "fft_length": 1, "T": 0}


def _opt(ctx, op, key: str):
    if "" in op.options:
        ctx.fail("its custom options are not a FlexBuffer map (TFLM's kernel reads one)")
    keys = sorted(k for k in op.options if k != "")
    pos = _POSITIONS[key]
    if pos >= len(keys) or keys[pos] != key:
        ctx.fail(f"its options {keys} do not have '{key}' at position {pos}, where TFLM's kernel reads it")
    return op.options[key]


def _type_option(ctx, op, t) -> None:
    codes = {"float32": 0, "int32": 2, "int16": 7}
    v = _opt(ctx, op, "T")
    if v != codes.get(t.dtype):
        ctx.fail(f"option T is {v!r}, but the input is {t.dtype} (TFLM's kernel needs T = {codes.get(t.dtype)})")


def _require(ctx, t, dtype: str, what: str) -> None:
    if t.dtype != dtype:
        ctx.fail(f"{what} (tensor {t.index} '{t.name}') is {t.dtype}; TFLM's kernel takes {dtype}")


def _valid_out(ctx, t) -> None:
    _require(ctx, t, _BOOL, "the valid output")
    if len(t.shape) != 0:
        ctx.fail(f"the valid output (tensor {t.index}) has shape {list(t.shape)}; TFLM's kernel needs a scalar")


@register("SignalFramer", custom=True, operands=(1, 1, 2, ()))
def lower_framer(op, ctx):
    inp, out, valid = ctx.t(op.inputs[0]), ctx.t(op.outputs[0]), ctx.t(op.outputs[1])
    _require(ctx, inp, _INT16, "the input")
    _require(ctx, out, _INT16, "the output")
    _valid_out(ctx, valid)
    size, step = _opt_int(ctx, op, "frame_size", 1), _opt_int(ctx, op, "frame_step", 1)
    prefill = _opt(ctx, op, "prefill")
    if not isinstance(prefill, (bool, int, np.integer)):
        ctx.fail(f"option prefill must be a boolean, got {prefill!r}")
    prefill = bool(prefill)
    if len(inp.shape) < 1 or len(out.shape) != len(inp.shape) + 1:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)}: the output needs one dimension more")
    inner = int(inp.shape[-1])
    if inner < step or inner % step:
        ctx.fail(f"the input's last dimension {inner} is not a positive multiple of frame_step {step}")
    if prefill and step > size:
        ctx.fail(f"prefill with frame_step {step} larger than frame_size {size} (TFLM's kernel cannot start so)")
    n_frames = inner // step
    want = tuple(inp.shape[:-1]) + (n_frames, size)
    if tuple(out.shape) != want:
        ctx.fail(f"the output has shape {list(out.shape)}; frames of this input make {list(want)}")
    outer = flat_size(inp.shape[:-1])
    capacity = -(-size // step) * step
    state = ctx.state_buffer(4 * outer + 2 * outer * capacity)
    ctx.emit("tml_signal_framer_s16", ctx.tensor(inp.index), ctx.tensor(out.index), ctx.tensor(valid.index), state,
             params_type="tml_signal_framer_params",
             params=dict(outer=outer, n_frames=n_frames, frame_size=size, frame_step=step, capacity=capacity,
                         prefill=size - step if prefill else 0))


@register("SignalStacker", custom=True, operands=(1, 1, 2, ()))
def lower_stacker(op, ctx):
    inp, out, valid = ctx.t(op.inputs[0]), ctx.t(op.outputs[0]), ctx.t(op.outputs[1])
    _require(ctx, inp, _INT16, "the input")
    _require(ctx, out, _INT16, "the output")
    _valid_out(ctx, valid)
    nc = _opt_int(ctx, op, "num_channels", 1)
    left = _opt_int(ctx, op, "stacker_left_context", 0)
    right = _opt_int(ctx, op, "stacker_right_context", 0)
    step = _opt_int(ctx, op, "stacker_step", 1)
    if step > left + right + 1:
        ctx.fail(f"stacker_step {step} is larger than the {left + right + 1} frames stacked "
                 "(TFLM's kernel would drop frames it does not hold)")
    if len(inp.shape) != 1 or len(out.shape) != 1:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must both be 1-D (TFLM's kernel)")
    buffer_size = nc * (left + right + 1)
    if inp.shape[0] != nc or out.shape[0] != buffer_size:
        ctx.fail(f"input [{inp.shape[0]}] and output [{out.shape[0]}]: num_channels {nc} with "
                 f"{left}+{right}+1 frames need [{nc}] and [{buffer_size}]")
    state = ctx.state_buffer(8 + 2 * buffer_size)
    ctx.emit("tml_signal_stacker_s16", ctx.tensor(inp.index), ctx.tensor(out.index), ctx.tensor(valid.index), state,
             params_type="tml_signal_stacker_params",
             params=dict(num_channels=nc, left_context=left, buffer_size=buffer_size, step_size=nc * step))


@register("SignalDelay", custom=True, operands=(1, 1, 1, ()))
def lower_delay(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    _require(ctx, inp, _INT16, "the input")
    _require(ctx, out, _INT16, "the output")
    delay = _opt_int(ctx, op, "delay_length", 0)
    if len(inp.shape) < 1 or tuple(out.shape) != tuple(inp.shape):
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} must have the same shape (at least 1-D)")
    frame = int(inp.shape[-1])
    outer = flat_size(inp.shape[:-1])
    state = ctx.state_buffer(2 * outer * delay) if delay else NULL
    ctx.emit("tml_signal_delay_s16", ctx.tensor(inp.index), ctx.tensor(out.index), state,
             params_type="tml_signal_delay_params", params=dict(outer=outer, frame_size=frame, delay=delay))


@register("SignalOverlapAdd", custom=True, operands=(1, 1, 1, ()))
def lower_overlap_add(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if inp.dtype not in ("int16", "float32") or out.dtype != inp.dtype:
        ctx.fail(f"input/output dtypes {ctx.dtypes_of(inp, out)}: TFLM's kernel takes int16 or float32 for both")
    _type_option(ctx, op, inp)
    step = _opt_int(ctx, op, "frame_step", 1)
    if len(inp.shape) < 2 or len(out.shape) != len(inp.shape) - 1:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)}: the input needs [..., frames, frame_size] "
                 "and the output one dimension less")
    n_frames, size = int(inp.shape[-2]), int(inp.shape[-1])
    if step > size:
        ctx.fail(f"frame_step {step} is larger than frame_size {size} (TFLM's kernel cannot)")
    want = tuple(inp.shape[:-2]) + (n_frames * step,)
    if tuple(out.shape) != want:
        ctx.fail(f"the output has shape {list(out.shape)}; {n_frames} frames of step {step} make {list(want)}")
    outer = flat_size(inp.shape[:-2])
    state = ctx.state_buffer(outer * size * inp.itemsize)
    fn = "tml_signal_overlap_add_s16" if inp.dtype == "int16" else "tml_signal_overlap_add_f32"
    ctx.emit(fn, ctx.tensor(inp.index), ctx.tensor(out.index), state, params_type="tml_signal_overlap_add_params",
             params=dict(outer=outer, n_frames=n_frames, frame_size=size, frame_step=step))


# ---------------------------------------------------------------- SignalIrfft

_PI = 3.14159265358979323846264338327


def kiss_factors(n: int) -> list:
    """KissFFT's kf_factor: (radix, remaining length) pairs, powers of 4 first, then 2, then odd primes.

    >>> kiss_factors(8)
    [4, 2, 2, 1]
    >>> kiss_factors(12)
    [4, 3, 3, 1]
    >>> kiss_factors(14)
    [2, 7, 7, 1]
    """
    out, p = [], 4
    floor_sqrt = math.floor(math.sqrt(n))
    while True:
        while n % p:
            p = {4: 2, 2: 3}.get(p, p + 2)
            if p > floor_sqrt:
                p = n
        n //= p
        out += [p, n]
        if n <= 1:
            return out


def _twiddles(n: int, fixed_max: int | None) -> np.ndarray:
    """kiss_fft_alloc's inverse twiddles: exp(+2 pi i k / n), rounded as KissFFT does for the type."""
    vals = []
    for i in range(n):
        phase = -(-2 * _PI * i / n)
        vals += _cexp(phase, fixed_max)
    return np.array(vals)


def _super_twiddles(n: int, fixed_max: int | None) -> np.ndarray:
    """kiss_fftr_alloc's inverse super twiddles (n is the complex FFT's length)."""
    vals = []
    for i in range(n // 2):
        phase = -(-_PI * ((i + 1) / n + .5))
        vals += _cexp(phase, fixed_max)
    return np.array(vals)


def _cexp(phase: float, fixed_max: int | None) -> list:
    if fixed_max is None:
        return [float(np.float32(math.cos(phase))), float(np.float32(math.sin(phase)))]
    return [math.floor(.5 + fixed_max * math.cos(phase)), math.floor(.5 + fixed_max * math.sin(phase))]


_IRFFT = {"int16": ("s16", 15, 32767), "int32": ("s32", 31, 2147483647), "float32": ("f32", None, None)}


@register("SignalIrfft", custom=True, operands=(1, 1, 1, ()))
def lower_irfft(op, ctx):
    inp, out = ctx.t(op.inputs[0]), ctx.t(op.outputs[0])
    if inp.dtype not in _IRFFT or out.dtype != inp.dtype:
        ctx.fail(f"input/output dtypes {ctx.dtypes_of(inp, out)}: TFLM's kernel takes int16, int32 or float32 for both")
    _type_option(ctx, op, inp)
    length = _opt_int(ctx, op, "fft_length", 4)
    if length % 2:
        ctx.fail(f"fft_length {length} is odd; the real FFT needs an even length")
    nfft = length // 2
    factors = kiss_factors(nfft)
    big = sorted({r for r in factors[0::2] if r > 5})
    if big:
        ctx.fail(f"fft_length {length}: fft_length / 2 = {nfft} has the factor {big[0]}; TFLM's KissFFT "
                 "build handles only lengths whose halves factor into 2, 3 and 5")
    if len(inp.shape) < 1 or len(out.shape) != len(inp.shape):
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} need the same rank (at least 1)")
    if inp.shape[-1] % 2 or inp.shape[-1] // 2 < nfft + 1:
        ctx.fail(f"the input's last dimension {inp.shape[-1]} must hold at least {nfft + 1} complex values "
                 f"(2 x {nfft + 1}) for fft_length {length}")
    if out.shape[-1] != length:
        ctx.fail(f"the output's last dimension {out.shape[-1]} must be fft_length {length}")
    rows = flat_size(inp.shape) // int(inp.shape[-1])
    if rows != flat_size(out.shape) // length:
        ctx.fail(f"input {list(inp.shape)} and output {list(out.shape)} hold different numbers of rows")
    sfx, fracbits, fixed_max = _IRFFT[inp.dtype]
    params = dict(rows=rows, nfft=nfft, in_stride=int(inp.shape[-1]) // 2, fracbits=fracbits or 0,
                  factors=ctx.array("int32_t", np.array(factors), "kf_factors"),
                  twiddles=NULL, super_twiddles=NULL, twiddles_s16=NULL, super_twiddles_s16=NULL,
                  twiddles_f32=NULL, super_twiddles_f32=NULL)
    if fixed_max is None:
        params["twiddles_f32"] = ctx.array("float", _twiddles(nfft, None), "kf_tw")
        params["super_twiddles_f32"] = ctx.array("float", _super_twiddles(nfft, None), "kf_stw") if nfft > 1 else NULL
        scratch = 8 * nfft
    else:
        key, ctype = ("", "int32_t") if inp.dtype == "int32" else ("_s16", "int16_t")
        params["twiddles" + key] = ctx.array(ctype, _twiddles(nfft, fixed_max), "kf_tw")
        params["super_twiddles" + key] = (ctx.array(ctype, _super_twiddles(nfft, fixed_max), "kf_stw") if nfft > 1
                                          else NULL)
        scratch = nfft * 2 * inp.itemsize
    ctx.emit(f"tml_signal_irfft_{sfx}", ctx.tensor(inp.index), ctx.tensor(out.index), ctx.scratch_buffer(scratch),
             params_type="tml_signal_irfft_params", params=params)

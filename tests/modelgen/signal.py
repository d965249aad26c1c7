"""Signal (TFLM audio front end) test models: one custom operator each, written with tests/tflite_build.py
(TensorFlow cannot export the Signal library's operators), options as FlexBuffer maps like TFLM's.

Sweeps: window shifts and lengths (1-D and batched input), FFT lengths (radix 4, 2, 3 and 5 stages,
batched rows, rows shorter than the FFT), energy ranges, filter banks (synthetic mel-like bands with
weights, unweights and empty channels), square-root shifts (constant and computed scale bits), spectral
subtraction with and without clamping, PCAN gain tables and shifts, log scales and corrections; and a
chain FftAutoScale -> Rfft -> Energy as the audio front end runs it.
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tflite_build import build  # noqa: E402


def _op(code, inputs, outputs, **options):
    return dict(op="CUSTOM", custom=code, custom_options=options, inputs=inputs, outputs=outputs)


def _single(code, ins: list, outs: list, options: dict, const: dict | None = None) -> bytes:
    """ins/outs: (shape, dtype); const: input position -> data (a constant input)."""
    const = const or {}
    tensors, inputs = [], []
    for k, (shape, dtype) in enumerate(ins):
        t = dict(shape=list(shape), dtype=dtype, name=f"in{k}")
        if k in const:
            t["data"] = np.asarray(const[k]).astype(dtype)
        else:
            inputs.append(len(tensors))
        tensors.append(t)
    outputs = []
    for k, (shape, dtype) in enumerate(outs):
        outputs.append(len(tensors))
        tensors.append(dict(shape=list(shape), dtype=dtype, name=f"out{k}"))
    return build(tensors, [_op(code, list(range(len(ins))), outputs, **options)], inputs, outputs)


def window_models(rng) -> dict:
    out = {}
    for shape, wlen, shift in (((1, 480), 480, 12), ((64,), 64, 0), ((3, 32), 32, 15), ((96,), 32, 31),
                               ((2, 2, 16), 16, 8)):
        w = rng.integers(-32768, 32768, wlen).astype(np.int16)
        w[:4] = [32767, -32768, 0, 1]
        name = f"signal_window_{'x'.join(map(str, shape))}_w{wlen}_s{shift}"
        out[name] = _single("SignalWindow", [(shape, "int16"), ((wlen,), "int16")], [(shape, "int16")],
                            dict(shift=shift), {1: w})
    return out


def fft_models() -> dict:
    out = {}
    for n in (480, 64):
        out[f"signal_fft_auto_scale_{n}"] = _single("SignalFftAutoScale", [((n,), "int16")],
                                                    [((n,), "int16"), ((), "int32")], {})
    # fft lengths: 512 (4,4,4,4), 256 (4,4,4,2), 8 (4), 4 (2), 24 (4,3), 40 (4,5), 60 (2,3,5 after 4? no: 30 = 2*3*5),
    # 360 (4,3,3,5), 1024
    for n, shape in ((512, (480,)), (256, (256,)), (8, (8,)), (4, (3,)), (24, (20,)), (40, (40,)), (60, (60,)),
                     (360, (300,)), (1024, (1000,)), (64, (3, 50)), (32, (2, 2, 32))):
        outshape = shape[:-1] + (n + 2,)
        out[f"signal_rfft_{n}_{'x'.join(map(str, shape))}"] = _single(
            "SignalRfft", [(shape, "int16")], [(outshape, "int16")], dict(T=7, fft_length=n))
    for dtype, t_code in (("int32", 2), ("float32", 0)):
        for n, shape in ((512, (480,)), (60, (2, 60)), (40, (33,)), (360, (360,))):
            outshape = shape[:-1] + (n + 2,)
            out[f"signal_rfft_{dtype}_{n}_{'x'.join(map(str, shape))}"] = _single(
                "SignalRfft", [(shape, dtype)], [(outshape, dtype)], dict(T=t_code, fft_length=n))
    # the front end's chain: auto scale -> rfft -> energy
    tensors = [dict(shape=[480], dtype="int16", name="audio"), dict(shape=[480], dtype="int16", name="scaled"),
               dict(shape=[], dtype="int32", name="scale_bits"), dict(shape=[514], dtype="int16", name="spectrum"),
               dict(shape=[257], dtype="uint32", name="energy")]
    ops = [_op("SignalFftAutoScale", [0], [1, 2]), _op("SignalRfft", [1], [3], T=7, fft_length=512),
           _op("SignalEnergy", [3], [4], end_index=241, start_index=5)]
    out["signal_chain_scale_rfft_energy"] = build(tensors, ops, [0], [4, 2])
    return out


def energy_models() -> dict:
    out = {}
    for bins, start, end in ((257, 0, 257), (257, 5, 241), (16, 3, 3), (33, 1, 32)):
        out[f"signal_energy_{bins}_{start}_{end}"] = _single(
            "SignalEnergy", [((2 * bins,), "int16")], [((bins,), "uint32")], dict(end_index=end, start_index=start))
    return out


def _bands(rng, n_in: int, channels: int):
    """Mel-like triangular bands: channel i covers [edge i, edge i+1), weights fall and unweights rise."""
    edges = np.sort(rng.choice(np.arange(1, n_in), channels + 1, replace=False))
    fstarts, wstarts, widths, w = [], [], [], []
    for i in range(channels + 1):
        lo = int(edges[i])
        hi = int(edges[i + 1]) if i < channels else min(n_in, lo + int(rng.integers(0, 8)))
        fstarts.append(lo)
        wstarts.append(len(w))
        widths.append(hi - lo)
        w += [int(v) for v in rng.integers(0, 4097, hi - lo)]
    w = np.array(w or [0], np.int16)
    return w, (4096 - w).astype(np.int16), np.array(fstarts), np.array(wstarts), np.array(widths)


def filter_bank_models(rng) -> dict:
    out = {}
    for n_in, ch, neg in ((257, 40, False), (129, 8, False), (65, 3, True)):
        w, uw, fs, ws, wd = _bands(rng, n_in, ch)
        if neg:
            w[::3] = -w[::3]
            wd[1] = 0   # an empty channel
        nw = len(w)
        out[f"signal_filter_bank_{n_in}_{ch}{'_neg' if neg else ''}"] = _single(
            "SignalFilterBank",
            [((n_in,), "uint32"), ((nw,), "int16"), ((nw,), "int16"), ((ch + 1,), "int16"), ((ch + 1,), "int16"),
             ((ch + 1,), "int16")], [((ch,), "uint64")], dict(num_channels=ch),
            {1: w, 2: uw, 3: fs, 4: ws, 5: wd})
    for ch in (40, 7):
        out[f"signal_filter_bank_sqrt_{ch}"] = _single(
            "SignalFilterBankSquareRoot", [((ch,), "uint64"), ((), "int32")], [((ch,), "uint32")], {})
    for bits in (0, 5, 15):
        out[f"signal_filter_bank_sqrt_const{bits}"] = _single(
            "SignalFilterBankSquareRoot", [((40,), "uint64"), ((), "int32")], [((40,), "uint32")], {},
            {1: np.array(bits, np.int32)})
    return out


def subtraction_models() -> dict:
    out = {}
    base = dict(alternate_one_minus_smoothing=15401, alternate_smoothing=983, clamping=False,
                min_signal_remaining=819, num_channels=40, one_minus_smoothing=15975, smoothing=409,
                smoothing_bits=10, spectral_subtraction_bits=14)
    variants = {"model": {}, "clamp": dict(clamping=True),
                "fast": dict(smoothing=8192, one_minus_smoothing=8192, alternate_smoothing=16000,
                             alternate_one_minus_smoothing=384, smoothing_bits=4, min_signal_remaining=4000),
                "nobits": dict(smoothing_bits=0, spectral_subtraction_bits=0, smoothing=1, one_minus_smoothing=0,
                               alternate_smoothing=0, alternate_one_minus_smoothing=1, num_channels=5)}
    for name, v in variants.items():
        o = dict(base, **v)
        ch = o["num_channels"]
        out[f"signal_spectral_subtraction_{name}"] = _single(
            "SignalFilterBankSpectralSubtraction", [((ch,), "uint32")], [((ch,), "uint32"), ((ch,), "uint32")], o)
    return out


def pcan_models(rng) -> dict:
    out = {}
    # a smooth gain table shaped like the front end's, and a random one (wrapping arithmetic)
    x = np.arange(125)
    smooth = (32767 * np.exp(-x / 60.0)).astype(np.int16)
    rand = rng.integers(-32768, 32768, 130).astype(np.int16)
    for name, lut, shift, ch in (("smooth_s6", smooth, 6, 40), ("rand_s12", rand, 12, 16), ("smooth_s0", smooth, 0, 8),
                                 ("rand_s40", rand, 40, 5)):
        out[f"signal_pcan_{name}"] = _single(
            "SignalPCAN", [((ch,), "uint32"), ((ch,), "uint32"), ((len(lut),), "int16")], [((ch,), "uint32")],
            dict(snr_shift=shift), {2: lut})
    return out


def log_models() -> dict:
    out = {}
    for corr, scale, ch in ((3, 64, 40), (0, 1, 16), (12, 1600, 8), (31, 65535, 4)):
        out[f"signal_filter_bank_log_c{corr}_s{scale}"] = _single(
            "SignalFilterBankLog", [((ch,), "uint32")], [((ch,), "int16")],
            dict(input_correction_bits=corr, output_scale=scale))
    return out


def models() -> dict:
    rng = np.random.default_rng(1234)
    out = {}
    out.update(window_models(rng))
    out.update(fft_models())
    out.update(energy_models())
    out.update(filter_bank_models(rng))
    out.update(subtraction_models())
    out.update(pcan_models(rng))
    out.update(log_models())
    out.update(front_end_models())
    return out


def front_end_models() -> dict:
    """The Signal parts of TFLM's audio_preprocessor_int8 model, with its own constants (window, mel filter
    bank, PCAN gain table) and options: its operators 0-4 (Window, Reshape, FftAutoScale, Rfft, Energy) and
    9-13 (FilterBank, SquareRoot, SpectralSubtraction, PCAN, Log), the builtin operators between them
    (CAST, STRIDED_SLICE, CONCATENATION) left out."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src = os.path.join(os.path.dirname(root), "shared", "models", "audio_preprocessor_int8.tflite")
    if not os.path.exists(src):
        return {}
    from platformio_tinyml.read.reader import read_model
    g = read_model(src)
    out = {}
    for name, first, last in (("signal_front_end_spectrum", 0, 4), ("signal_front_end_features", 9, 13)):
        ops = g.ops[first:last + 1]
        produced = {t for op in ops for t in op.outputs}
        used = sorted({t for op in ops for t in op.inputs + op.outputs if t >= 0})
        index = {t: k for k, t in enumerate(used)}
        tensors = []
        for t in used:
            tt = g.tensors[t]
            d = dict(shape=list(tt.shape), dtype=tt.dtype, name=tt.name)
            if tt.data is not None and t not in produced:
                d["data"] = np.asarray(tt.data).astype(tt.dtype)
            tensors.append(d)
        inputs = [index[t] for t in used if tensors[index[t]].get("data") is None and t not in produced]
        consumed = {t for op in ops for t in op.inputs}
        outputs = [index[t] for t in used if t in produced and t not in consumed]
        built = []
        for op in ops:
            o = dict(inputs=[index[t] for t in op.inputs], outputs=[index[t] for t in op.outputs])
            if op.type == "CUSTOM":
                o.update(op="CUSTOM", custom=op.custom_code, custom_options=dict(op.options))
            else:
                o.update(op=op.type, options_type="ReshapeOptions", options={})
            built.append(o)
        out[name] = build(tensors, built, inputs, outputs)
    return out

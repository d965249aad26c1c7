"""Test models for TFLM's Signal streaming operators and SignalIrfft (custom operators, built with
tests/tflite_build.py: TensorFlow exports them only through the tflite_micro signal ops' own build).

Options are FlexBuffer maps as TFLM's kernels read them (keys sorted; OverlapAdd and Irfft carry the
type 'T' that TensorFlow adds: 0 float32, 2 int32, 7 int16).
"""
from __future__ import annotations

TYPE_CODES = {"float32": 0, "int32": 2, "int16": 7}


def custom_model(code: str, in_shape, in_dtype: str, outs: list, options: dict) -> bytes:
    """One custom operator: input 0 -> outputs ``outs`` [(shape, dtype)], all of them model outputs."""
    from tflite_build import build
    tensors = [dict(shape=list(in_shape), dtype=in_dtype, name="input")]
    tensors += [dict(shape=list(s), dtype=d, name=f"output{k}") for k, (s, d) in enumerate(outs)]
    ids = list(range(1, 1 + len(outs)))
    ops = [dict(op="CUSTOM", custom=code, inputs=[0], outputs=ids, custom_options=options)]
    return build(tensors, ops, [0], ids)


def framer(shape, size: int, step: int, prefill: bool) -> bytes:
    out = list(shape[:-1]) + [shape[-1] // step, size]
    return custom_model("SignalFramer", shape, "int16", [(out, "int16"), ([], "bool")],
                        dict(frame_size=size, frame_step=step, prefill=prefill))


def stacker(channels: int, left: int, right: int, step: int) -> bytes:
    return custom_model("SignalStacker", [channels], "int16", [([channels * (left + right + 1)], "int16"), ([], "bool")],
                        dict(num_channels=channels, stacker_left_context=left, stacker_right_context=right,
                             stacker_step=step))


def delay(shape, length: int) -> bytes:
    return custom_model("SignalDelay", shape, "int16", [(shape, "int16")], dict(delay_length=length))


def overlap_add(shape, dtype: str, step: int) -> bytes:
    out = list(shape[:-2]) + [shape[-2] * step]
    return custom_model("SignalOverlapAdd", shape, dtype, [(out, dtype)], dict(T=TYPE_CODES[dtype], frame_step=step))


def irfft(rows: list, length: int, dtype: str, extra: int = 0) -> bytes:
    """Input [*rows, 2 * (length / 2 + 1 + extra)]: ``extra`` complex values per row TFLM's kernel skips."""
    in_shape = list(rows) + [2 * (length // 2 + 1 + extra)]
    return custom_model("SignalIrfft", in_shape, dtype, [(list(rows) + [length], dtype)],
                        dict(T=TYPE_CODES[dtype], fft_length=length))


def models() -> dict:
    m = {
        "signal_stream_framer_prefill": framer([320], 400, 160, True),
        "signal_stream_framer_2d": framer([3, 12], 8, 4, False),
        "signal_stream_framer_uneven_prefill": framer([2, 10], 7, 5, True),
        "signal_stream_framer_step_over_size": framer([2, 6], 2, 3, False),
        "signal_stream_stacker_l2_r1": stacker(4, 2, 1, 1),
        "signal_stream_stacker_single": stacker(3, 0, 0, 1),
        "signal_stream_stacker_step2": stacker(5, 3, 2, 2),
        "signal_stream_stacker_step_all": stacker(2, 1, 1, 3),
        "signal_stream_delay_long": delay([2, 3], 4),
        "signal_stream_delay_short": delay([8], 3),
        "signal_stream_delay_zero": delay([4], 0),
        "signal_stream_delay_3d": delay([2, 2, 5], 7),
        "signal_stream_overlap_add_s16": overlap_add([2, 4], "int16", 2),
        "signal_stream_overlap_add_f32_3d": overlap_add([3, 2, 8], "float32", 4),
        "signal_stream_overlap_add_s16_no_overlap": overlap_add([4, 4], "int16", 4),
        "signal_stream_overlap_add_f32_step1": overlap_add([1, 6], "float32", 1),
    }
    for dtype in ("int16", "int32", "float32"):
        for length, rows in ((8, [2]), (12, [1]), (30, [2, 2]), (64, [3]), (512, [1])):
            m[f"signal_stream_irfft_{dtype}_{length}"] = irfft(rows, length, dtype)
        m[f"signal_stream_irfft_{dtype}_stride"] = irfft([2], 16, dtype, extra=3)
    return m

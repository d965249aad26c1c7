"""Differential kernel test of the Signal family's Cortex-M4 (Armv7E-M DSP) kernels, the int16 real FFT
and inverse real FFT, SignalWindow, SignalFftAutoScale, SignalEnergy, SignalFilterBank and
SignalFilterBankSquareRoot (FPU), against the reference kernels: every fft_length up to 1024 whose half
factors into 2, 3 and 5, random and extreme inputs, unaligned and in-place buffers; exact comparison, run
under QEMU (tests/kernels/diff_signal.c). And the audio preprocessor models built for the Cortex-M4 against
TFLM under QEMU. Their cycles: python benchmarks/signal_kernels.py (a measurement, not a test)."""
import os
import sys

import numpy as np
import pytest

from conftest import ROOT, SHARED_MODELS
from tflm_oracle import assert_same, tflm_run

from platformio_tinyml.targets.qemurun import QemuModel, clang_arm, missing_tools, run_program

sys.path.insert(0, os.path.join(ROOT, "tools"))
import fetch_old_gcc  # noqa: E402

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_signal.c")
KERNELS = ["rfft_s16", "irfft_s16", "window_s16", "fft_auto_scale_s16", "energy_s16",
           "filter_bank_u32", "filter_bank_sqrt_u64"]


@pytest.mark.parametrize("float_abi,cc", [("hard", "gcc"), ("soft", "gcc8"), ("hard", "clang")])
def test_dsp_signal_kernels_equal_reference(float_abi, cc, tmp_path):
    """Also built with GCC 8 (the oldest GCC the library supports) and clang: the inline-asm wrappers."""
    assert not missing_tools(), missing_tools()
    compiler = (clang_arm() if cc == "clang" else [str(fetch_old_gcc.fetch())] if cc == "gcc8"
                else ["arm-none-eabi-gcc"])
    rc, out = run_program([SOURCE], str(tmp_path), float_abi=float_abi, cc=compiler)
    assert "path: arm-dsp" in out, out  # the optimized path is what ran
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    for line in lines:
        assert line.endswith(" 0 differ") and not line.split(":")[1].strip().startswith("0 cases"), out
    assert rc == 0, out


def test_signal_forced_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-DTML_FORCE_REFERENCE", "-DCASES=20"])
    assert "path: reference" in out and rc == 0, out


def _audio(frames, rng):
    """30 ms frames of 16 kHz audio: silence, a tone, noise at several levels, full-scale extremes."""
    t = np.arange(480)
    out = [np.zeros(480, np.int16), np.full(480, -32768, np.int16),
           np.where(t % 2, 32767, -32768).astype(np.int16)]
    for i in range(frames - len(out)):
        level = [30, 3000, 32767][i % 3]
        tone = level * 0.5 * np.sin(2 * np.pi * (200 + 300 * i) * t / 16000)
        out.append(np.clip(tone + rng.normal(0, level / 4, 480), -32768, 32767).astype(np.int16))
    return out


@pytest.mark.parametrize("name", ["audio_preprocessor_int8", "audio_preprocessor_float"])
def test_audio_preprocessor_on_cortex_m4_matches_tflm(name):
    """Built for the Cortex-M4 (-Wall -Wextra -Werror, the optimized kernels) and run under QEMU, one frame
    from the reset state per run, against TFLM."""
    path = os.path.join(SHARED_MODELS, f"{name}.tflite")
    with QemuModel(path, "m") as target:
        t = target.inputs[0]
        for i, frame in enumerate(_audio(6, np.random.default_rng(0))):
            x = frame.astype(t.np_dtype).reshape(t.shape)
            assert_same(target.run([x])[0], tflm_run(path, [x])[0], f"{name} frame {i}")

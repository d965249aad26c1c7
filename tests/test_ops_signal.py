"""Signal (TFLM's audio front end custom operators): bit-exact with TFLM's interpreter.

Models from tests/modelgen/signal.py, one custom operator each (plus the FftAutoScale -> Rfft -> Energy
chain). Inputs: random values over the whole range of each dtype, silence, full scale (both signs,
alternating), single impulses, and the boundaries of each operator's arithmetic (powers of two,
2^32 - 1, 2^64 - 1). The spectral subtraction keeps a noise estimate across invokes: it is compared
over several invokes of one TFLM interpreter (and across TFLM's reset) with the generated C invoked as
often in one process (a harness of this file: NAME_invoke repeatedly, NAME_reset where TFLM resets).
SignalEnergy leaves the bins outside [start_index, end_index) as they were in TFLM (whatever its arena
held) and sets them to 0 here: only the computed bins are compared.
"""
import glob
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tflm_oracle import assert_same, tflm_run

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = sorted(p for p in glob.glob(os.path.join(HERE, "models", "signal_*.tflite"))
             if not os.path.basename(p).startswith("signal_stream"))   # another family's models
sys.path.insert(0, HERE)
from conftest import SHARED_MODELS as SHARED  # noqa: E402


def _id(p):
    return os.path.basename(p)[:-len(".tflite")]


def _edge_inputs(t, rng) -> list:
    """Edge-value arrays for an input tensor of this dtype and shape."""
    n, shape = t.size, t.shape
    if t.dtype == "int16":
        alt = np.resize(np.array([32767, -32768], np.int16), n)
        imp = np.zeros(n, np.int16)
        imp[n // 3] = -32768
        sine = (32767 * np.sin(np.arange(n) * 2 * np.pi * 7 / max(n, 1))).astype(np.int16)
        small = rng.integers(-4, 5, n).astype(np.int16)
        return [a.reshape(shape) for a in (np.zeros(n, np.int16), np.full(n, -32768, np.int16),
                                           np.full(n, 32767, np.int16), alt, imp, sine, small)]
    if t.dtype == "uint32":
        vals = np.array([0, 1, 2, 3, 4095, 4096, 65535, 65536, 2**31 - 1, 2**31, 2**32 - 1, 2**20 + 7], np.uint64)
        edge = np.resize(vals, n).astype(np.uint32)
        return [a.reshape(shape) for a in (np.zeros(n, np.uint32), np.full(n, 2**32 - 1, np.uint32), edge,
                                           np.roll(edge, 5), (np.uint32(1) << (np.arange(n) % 32).astype(np.uint32)))]
    if t.dtype == "uint64":
        vals = np.array([0, 1, 2, 2**32 - 1, 2**32, 2**32 + 1, 2**63, 2**64 - 1, 2**40 + 12345, 99], np.uint64)
        return [a.reshape(shape) for a in (np.zeros(n, np.uint64), np.full(n, 2**64 - 1, np.uint64),
                                           np.resize(vals, n))]
    if t.dtype == "int32" and not shape:   # scale bits
        return [np.array(b, np.int32).reshape(shape) for b in (0, 1, 7, 15)]
    if t.dtype in ("int32", "float32"):    # int32 / float FFT samples
        big = 2**31 - 1 if t.dtype == "int32" else 1.0
        dt = np.int32 if t.dtype == "int32" else np.float32
        imp = np.zeros(n, dt)
        imp[n // 3] = -big
        alt = np.resize(np.array([big, -big - (t.dtype == "int32")], dt), n)
        tone = (big * np.sin(np.arange(n) * 2 * np.pi * 5 / max(n, 1))).astype(dt)
        return [a.reshape(shape) for a in (np.zeros(n, dt), np.full(n, -big - (t.dtype == "int32"), dt),
                                           np.full(n, big, dt), alt, imp, tone)]
    raise AssertionError(t.dtype)


def _random_input(t, rng):
    if t.dtype == "int16":
        return rng.integers(-32768, 32768, t.shape).astype(np.int16)
    if t.dtype == "uint32":
        # a spread of magnitudes: the log and square-root paths depend on the leading bit
        bits = rng.integers(0, 33, t.shape)
        return (rng.integers(0, 2**32, t.shape, dtype=np.uint64) >> (32 - bits).astype(np.uint64)).astype(np.uint32)
    if t.dtype == "uint64":
        bits = rng.integers(0, 65, t.shape).astype(np.uint64)
        v = rng.integers(0, 2**64 - 1, t.shape, dtype=np.uint64, endpoint=True)
        return np.where(bits == 0, 0, v >> (np.uint64(64) - np.maximum(bits, 1))).astype(np.uint64)
    if t.dtype == "int32" and not t.shape:
        return rng.integers(0, 16, t.shape).astype(np.int32)
    if t.dtype == "int32":
        return rng.integers(-2**31, 2**31, t.shape).astype(np.int32)
    if t.dtype == "float32":
        return (rng.uniform(-1, 1, t.shape) * 10.0 ** rng.integers(-3, 4)).astype(np.float32)
    raise AssertionError(t.dtype)


def _input_sets(hm, seeds=(0, 1, 2)) -> list:
    sets = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        sets.append([_random_input(t, rng) for t in hm.inputs])
    rng = np.random.default_rng(99)
    edges = [_edge_inputs(t, rng) for t in hm.inputs]
    for k in range(max(len(e) for e in edges)):
        sets.append([e[k % len(e)] for e in edges])
    return sets


def _energy_ranges(path) -> dict:
    """output index -> (start, end) of the bins a SignalEnergy producing that model output computes."""
    from platformio_tinyml.read.reader import read_model
    g = read_model(path)
    out = {}
    for op in g.ops:
        if op.kind == "SignalEnergy" and op.outputs[0] in g.outputs:
            out[g.outputs.index(op.outputs[0])] = (op.options["start_index"], op.options["end_index"])
    return out


def _compare(path, ours, ref, what, ranges):
    for k, (o, r) in enumerate(zip(ours, ref)):
        r = np.asarray(r).reshape(o.shape)
        if k in ranges:
            lo, hi = ranges[k]
            o, r = o[lo:hi], r[lo:hi]
        assert_same(o, r, f"{_id(path)} {what} output {k}")


def test_models_exist():
    assert len(ALL) >= 40, "run: python tests/make_models.py signal"


@pytest.mark.parametrize("path", [p for p in ALL if "spectral_subtraction" not in p], ids=_id)
def test_signal_matches_tflm(path):
    from platformio_tinyml.targets.hostrun import HostModel
    ranges = _energy_ranges(path)
    with HostModel(path, name="model") as hm:
        for i, inputs in enumerate(_input_sets(hm)):
            _compare(path, hm.run(inputs), tflm_run(path, inputs), f"input set {i}", ranges)


# ---------------------------------------------------------------- several invokes (persistent state)

_MULTI = r"""/* invoke NAME_invoke on STEPS input sets in one process; NAME_reset() before step RESET_AT */
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

int main(int argc, char **argv)
{
    const tml_model *m = &model_model;
    int steps, reset_at, s, i;
    FILE *in, *out;
    if (argc != 5) return 2;
    steps = atoi(argv[1]);
    reset_at = atoi(argv[2]);
    in = fopen(argv[3], "rb");
    out = fopen(argv[4], "wb");
    if (!in || !out) return 2;
    for (s = 0; s < steps; s++) {
        if (s == reset_at) model_reset();
        for (i = 0; i < m->input_count; i++) {
            if (fread(m->input(i), 1, m->inputs[i].bytes, in) != m->inputs[i].bytes) return 3;
        }
        if (m->invoke() != 0) return 4;
        for (i = 0; i < m->output_count; i++) {
            if (fwrite(m->output(i), 1, m->outputs[i].bytes, out) != m->outputs[i].bytes) return 5;
        }
    }
    fclose(in);
    fclose(out);
    return 0;
}
"""


class MultiRun:
    """The generated C of a model, invoked several times in one process."""

    def __init__(self, path, tmp_path, cc="cc"):
        from platformio_tinyml.targets.hostrun import HOST_CFLAGS, HostModel
        from platformio_tinyml.api import library_dir
        self.hm = HostModel(path, name="model", workdir=str(tmp_path / "gen"), cc=cc)
        main = tmp_path / "multi.c"
        main.write_text(_MULTI)
        self.exe = tmp_path / "multi"
        gen = self.hm.dir / "gen"
        res = subprocess.run([cc, *HOST_CFLAGS, "-I", str(library_dir() / "src"), "-I", str(gen),
                              str(gen / "model.c"), str(main), "-o", str(self.exe), "-lm"],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        self.tmp = tmp_path

    def run(self, steps: list, reset_at: int = -1) -> list:
        with open(self.tmp / "in.bin", "wb") as f:
            for inputs in steps:
                for a in inputs:
                    f.write(np.ascontiguousarray(a).tobytes())
        res = subprocess.run([str(self.exe), str(len(steps)), str(reset_at), str(self.tmp / "in.bin"),
                              str(self.tmp / "out.bin")], capture_output=True, text=True)
        assert res.returncode == 0, (res.returncode, res.stderr)
        raw = open(self.tmp / "out.bin", "rb").read()
        outs, pos = [], 0
        for _ in steps:
            step = []
            for t in self.hm.outputs:
                step.append(np.frombuffer(raw[pos:pos + t.nbytes], t.np_dtype).reshape(t.shape))
                pos += t.nbytes
            outs.append(step)
        return outs


def tflm_steps(path, steps: list, reset_at: int = -1) -> list:
    """The same steps in ONE TFLM interpreter (state carried over; ip.reset() before step reset_at)."""
    from tflite_micro.python.tflite_micro import runtime
    from tflm_oracle import tflm_output_count
    ip = runtime.Interpreter.from_file(str(path), arena_size=4 * 1024 * 1024)
    n_out = tflm_output_count(path)
    outs = []
    for s, inputs in enumerate(steps):
        if s == reset_at:
            ip.reset()
        for i, a in enumerate(inputs):
            ip.set_input(a, i)
        ip.invoke()
        outs.append([np.array(ip.get_output(i)) for i in range(n_out)])
    return outs


SUBTRACTION = [p for p in ALL if "spectral_subtraction" in p]
STATEFUL = SUBTRACTION + [p for p in ALL if "front_end_features" in p]


def _steady(t, rng):
    if t.dtype == "uint32":
        return rng.integers(0, 2**16, t.shape).astype(np.uint32)
    return _random_input(t, rng)


@pytest.mark.parametrize("path", STATEFUL, ids=_id)
def test_spectral_subtraction_state_over_invokes(path, tmp_path):
    mr = MultiRun(path, tmp_path)
    rng = np.random.default_rng(5)
    steps = [[_random_input(t, rng) for t in mr.hm.inputs] for _ in range(4)]
    edges = [_edge_inputs(t, rng) for t in mr.hm.inputs]                  # jumps to silence and full scale
    steps += [[e[k % len(e)] for e in edges] for k in range(max(map(len, edges)))]
    steps += [[_steady(t, rng) for t in mr.hm.inputs] for _ in range(4)]   # a steady level
    for reset_at in (-1, 6):
        ours, ref = mr.run(steps, reset_at), tflm_steps(path, steps, reset_at)
        for s, (o, r) in enumerate(zip(ours, ref)):
            _compare(path, o, r, f"step {s} (reset before step {reset_at})", {})


def test_noise_estimate_is_state_in_the_arena():
    """The noise estimate is planned in the arena for the whole run and cleared by NAME_reset()."""
    from platformio_tinyml.api import convert
    prog, files = convert(SUBTRACTION[0], "m", "reference")
    assert len(prog.states) == 1 and prog.states[0][1] == 4 * 40
    off = prog.states[0][0]
    assert f"memset(arena + {off}, 0, 160);" in files["m.c"]
    assert prog.arena_bytes >= off + 160


# ---------------------------------------------------------------- the audio front end models


@pytest.mark.parametrize("name", ["audio_preprocessor_int8", "audio_preprocessor_float"])
def test_audio_preprocessor_matches_tflm_over_frames(name, tmp_path):
    path = os.path.join(SHARED, f"{name}.tflite")
    mr = MultiRun(path, tmp_path)
    t = mr.hm.inputs[0]
    rng = np.random.default_rng(3)
    n = t.size
    tone = (8000 * np.sin(np.arange(n) * 2 * np.pi * 1000 / 16000)).astype(np.int16)
    steps = [[a.reshape(t.shape)] for a in (
        rng.integers(-32768, 32768, n).astype(np.int16), np.zeros(n, np.int16), tone,
        np.full(n, 32767, np.int16), np.resize(np.array([32767, -32768], np.int16), n),
        rng.integers(-300, 300, n).astype(np.int16), tone // 4, rng.integers(-32768, 32768, n).astype(np.int16))]
    for reset_at in (-1, 4):
        ours, ref = mr.run(steps, reset_at), tflm_steps(path, steps, reset_at)
        for s, (o, r) in enumerate(zip(ours, ref)):
            _compare(path, o, r, f"frame {s} (reset before {reset_at})", {})


# ---------------------------------------------------------------- compilers


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_signal_compiles_warning_free(cc, tmp_path):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (.ci/run installs it)")
    for name in ("signal_chain_scale_rfft_energy", "signal_spectral_subtraction_clamp", "signal_pcan_rand_s12",
                 "signal_filter_bank_log_c3_s64", "signal_filter_bank_257_40", "signal_window_3x32_w32_s15",
                 "signal_filter_bank_sqrt_40"):
        path = os.path.join(HERE, "models", f"{name}.tflite")
        (tmp_path / name).mkdir()
        mr = MultiRun(path, tmp_path / name, cc=cc)
        rng = np.random.default_rng(0)
        steps = [[_random_input(t, rng) for t in mr.hm.inputs] for _ in range(2)]
        ranges = _energy_ranges(path)
        for s, (o, r) in enumerate(zip(mr.run(steps), tflm_steps(path, steps))):
            _compare(path, o, r, f"{cc} step {s}", ranges)


@pytest.mark.parametrize("name", ["signal_chain_scale_rfft_energy", "signal_front_end_features",
                                  "signal_rfft_int32_360_360", "signal_rfft_float32_512_480"])
def test_signal_on_cortex_m4(name):
    """The generated C cross-compiles warning-free for the Cortex-M4F (-Os) and matches TFLM under QEMU (the
    float FFT too: no product is fused into a multiply-add there)."""
    from platformio_tinyml.targets.qemurun import QemuModel, missing_tools
    if missing_tools():
        pytest.fail(f"missing {missing_tools()} (.ci/run installs them)")
    path = os.path.join(HERE, "models", f"{name}.tflite")
    with QemuModel(path, name="model") as qm:
        rng = np.random.default_rng(4)
        sets = [[_random_input(t, rng) for t in qm.inputs], [_edge_inputs(t, rng)[-1] for t in qm.inputs]]
        for inputs in sets:
            _compare(path, qm.run(inputs), tflm_run(path, inputs), "cortex-m4", _energy_ranges(path))


# ---------------------------------------------------------------- refusals


def _one_op(code, ins, outs, options, const=None):
    from modelgen.signal import _single
    return _single(code, ins, outs, options, const)


_W = np.ones(16, np.int16)
_LUT = np.zeros(125, np.int16)
_SS = dict(alternate_one_minus_smoothing=1, alternate_smoothing=1, clamping=False, min_signal_remaining=1,
           num_channels=4, one_minus_smoothing=1, smoothing=1, smoothing_bits=10, spectral_subtraction_bits=14)
REFUSALS = {
    "rfft_odd_length": (("SignalRfft", [((9,), "int16")], [((11,), "int16")], dict(T=7, fft_length=9)), "odd"),
    "rfft_radix_7": (("SignalRfft", [((14,), "int16")], [((16,), "int16")], dict(T=7, fft_length=14)),
                     "prime factor above 5"),
    "rfft_type_mismatch": (("SignalRfft", [((8,), "float32")], [((10,), "float32")], dict(T=2, fft_length=8)),
                           "must be int32"),
    "rfft_unknown_type": (("SignalRfft", [((8,), "int8")], [((10,), "int8")], dict(T=9, fft_length=8)),
                          "must be 7 (int16), 2 (int32) or 0 (float32)"),
    "rfft_rows_too_long": (("SignalRfft", [((20,), "int16")], [((18,), "int16")], dict(T=7, fft_length=16)),
                           "do not fit"),
    "rfft_output_shape": (("SignalRfft", [((16,), "int16")], [((16,), "int16")], dict(T=7, fft_length=16)),
                          "must be [18]"),
    "window_shift_32": (("SignalWindow", [((16,), "int16"), ((16,), "int16")], [((16,), "int16")], dict(shift=32),
                         {1: _W}), "from 0 to 31"),
    "window_length": (("SignalWindow", [((20,), "int16"), ((16,), "int16")], [((20,), "int16")], dict(shift=1),
                       {1: _W}), "does not divide"),
    "energy_end": (("SignalEnergy", [((16,), "int16")], [((8,), "uint32")], dict(start_index=0, end_index=9)),
                   "end_index"),
    "energy_start_after_end": (("SignalEnergy", [((16,), "int16")], [((8,), "uint32")],
                                dict(start_index=5, end_index=4)), "end_index"),
    "filter_bank_variable_weights": (("SignalFilterBank", [((8,), "uint32"), ((4,), "int16"), ((4,), "int16"),
                                                           ((3,), "int16"), ((3,), "int16"), ((3,), "int16")],
                                      [((2,), "uint64")], dict(num_channels=2),
                                      {2: np.ones(4), 3: [0, 1, 2], 4: [0, 1, 2], 5: [1, 1, 1]}), "must be constant"),
    "filter_bank_band_outside": (("SignalFilterBank", [((8,), "uint32"), ((4,), "int16"), ((4,), "int16"),
                                                       ((3,), "int16"), ((3,), "int16"), ((3,), "int16")],
                                  [((2,), "uint64")], dict(num_channels=2),
                                  {1: np.ones(4), 2: np.ones(4), 3: [0, 1, 7], 4: [0, 1, 2], 5: [1, 1, 2]}),
                                 "reach beyond"),
    "pcan_short_lut": (("SignalPCAN", [((4,), "uint32"), ((4,), "uint32"), ((100,), "int16")], [((4,), "uint32")],
                        dict(snr_shift=6), {2: np.zeros(100)}), "reads up to 125"),
    "pcan_shift": (("SignalPCAN", [((4,), "uint32"), ((4,), "uint32"), ((125,), "int16")], [((4,), "uint32")],
                    dict(snr_shift=64), {2: _LUT}), "from 0 to 63"),
    "subtraction_channels": (("SignalFilterBankSpectralSubtraction", [((5,), "uint32")],
                              [((5,), "uint32"), ((5,), "uint32")], _SS), "num_channels 4"),
    "subtraction_bits": (("SignalFilterBankSpectralSubtraction", [((4,), "uint32")],
                          [((4,), "uint32"), ((4,), "uint32")], dict(_SS, smoothing_bits=32)), "from 0 to 31"),
    "log_correction": (("SignalFilterBankLog", [((4,), "uint32")], [((4,), "int16")],
                        dict(input_correction_bits=32, output_scale=1)), "from 0 to 31"),
    "log_dtype": (("SignalFilterBankLog", [((4,), "int32")], [((4,), "int16")],
                   dict(input_correction_bits=3, output_scale=1)), "must be uint32"),
    "window_extra_option": (("SignalWindow", [((16,), "int16"), ((16,), "int16")], [((16,), "int16")],
                             dict(shift=1, alpha=3), {1: _W}), "TFLM reads them by position"),
    "energy_missing_option": (("SignalEnergy", [((16,), "int16")], [((8,), "uint32")], dict(end_index=4)),
                              "TFLM reads them by position"),
    "sqrt_output_shape": (("SignalFilterBankSquareRoot", [((4,), "uint64"), ((), "int32")], [((5,), "uint32")], {}),
                          "same shape"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_signal_refusals(case, tmp_path):
    from platformio_tinyml.api import convert
    from platformio_tinyml.errors import UnsupportedError
    args, expect = REFUSALS[case]
    path = tmp_path / f"{case}.tflite"
    path.write_bytes(_one_op(*args))
    with pytest.raises(UnsupportedError) as e:
        convert(str(path), "m", "reference")
    msg = str(e.value)
    assert expect in msg and "operator 0" in msg and "\n" not in msg, msg

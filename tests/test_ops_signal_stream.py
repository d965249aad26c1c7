"""TFLM's Signal streaming operators (SignalFramer, SignalStacker, SignalDelay, SignalOverlapAdd) and
SignalIrfft: the generated C, invoked several times in one process (with NAME_reset() in between),
against one TFLM interpreter invoked as often (with reset()), bit for bit (float too).

A framer's or stacker's frame output is compared only when TFLM says it is valid: TFLM leaves it as it
was otherwise. Models from tests/modelgen/signal_stream.py; sweeps build their models here.
"""
import glob
import os
import shutil
import subprocess

import numpy as np
import pytest

from conftest import ROOT
from steps_harness import host_steps, tflm_steps
from tflm_oracle import assert_same

from modelgen.signal_stream import TYPE_CODES, custom_model, delay, framer, irfft, overlap_add, stacker
from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = sorted(glob.glob(os.path.join(HERE, "models", "signal_stream_*.tflite")))
STATEFUL = [p for p in ALL if "irfft" not in p]
IRFFT = [p for p in ALL if "irfft" in p]
LIMITS = {"int16": (-32768, 32767), "int32": (-2 ** 31, 2 ** 31 - 1)}


def _id(p):
    return os.path.basename(p)[:-len(".tflite")]


def _random(t, rng, scale=1.0):
    if t.dtype == "float32":
        return (rng.normal(0, 1000 * scale, t.shape)).astype(np.float32)
    lo, hi = LIMITS[t.dtype]
    return rng.integers(lo, hi + 1, t.shape, dtype=np.int64).astype(t.np_dtype)


def _compare_steps(path, steps, reset_at=(), hm=None):
    """Run ``steps`` through our C and TFLM; valid-flagged outputs compared only where TFLM says valid."""
    own = hm or HostModel(path, name="model")
    try:
        ours = host_steps(own, steps, reset_at)
    finally:
        if hm is None:
            own.close()
    ref = tflm_steps(path, steps, reset_at)
    g = read_model(path)
    kinds = [g.tensors[t].dtype for t in g.outputs]
    for s, (o, r) in enumerate(zip(ours, ref)):
        for k, (a, b) in enumerate(zip(o, r)):
            valid_of = k + 1 if k + 1 < len(kinds) and kinds[k + 1] == "bool" and kinds[k] != "bool" else None
            if valid_of is not None and not bool(np.asarray(r[valid_of])):
                continue
            assert_same(a, np.asarray(b), f"{os.path.basename(path)} invoke {s} output {k}")
            if a.dtype == np.float32:  # bit for bit, not only within tolerance
                assert np.array_equal(a, np.asarray(b).reshape(a.shape)), f"{path} invoke {s} output {k}"
    return ours, ref


def test_models_exist():
    assert STATEFUL and IRFFT, "run: python tests/make_models.py signal_stream"


@pytest.mark.parametrize("path", STATEFUL, ids=_id)
def test_stateful_ops_match_tflm_over_invokes_and_reset(path):
    with HostModel(path, name="model") as hm:
        for seed in (0, 1):
            rng = np.random.default_rng(seed)
            steps = [[_random(t, rng) for t in hm.inputs] for _ in range(9)]
            _compare_steps(path, steps, reset_at=(5,), hm=hm)


@pytest.mark.parametrize("path", IRFFT, ids=_id)
def test_irfft_matches_tflm(path):
    with HostModel(path, name="model") as hm:
        t = hm.inputs[0]
        rng = np.random.default_rng(3)
        steps = [[_random(t, rng)] for _ in range(3)] + [[_random(t, rng, 1e-3)]]
        if t.dtype != "float32":
            lo, hi = LIMITS[t.dtype]
            steps += [[np.full(t.shape, lo, t.np_dtype)], [np.full(t.shape, hi, t.np_dtype)],
                      [np.zeros(t.shape, t.np_dtype)], [rng.integers(-3, 4, t.shape).astype(t.np_dtype)]]
        else:
            steps += [[np.full(t.shape, 3e30, np.float32)], [np.zeros(t.shape, np.float32)]]
        _compare_steps(path, steps, hm=hm)


def _multi(ops_spec):
    """One model with several independent custom operators: [(code, in shape, dtype, outs, options)]."""
    from tflite_build import build
    tensors, ops, inputs, outputs = [], [], [], []
    for code, shape, dtype, outs, opts in ops_spec:
        i = len(tensors)
        tensors.append(dict(shape=list(shape), dtype=dtype))
        ids = list(range(i + 1, i + 1 + len(outs)))
        tensors += [dict(shape=list(s), dtype=d) for s, d in outs]
        ops.append(dict(op="CUSTOM", custom=code, inputs=[i], outputs=ids, custom_options=opts))
        inputs.append(i)
        outputs += ids
    return build(tensors, ops, inputs, outputs)


def _irfft_lengths(limit):
    out = []
    for n in range(2, limit // 2 + 1):
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            out.append(2 * n)
    return out


@pytest.mark.parametrize("dtype", ["int16", "int32", "float32"])
def test_irfft_length_sweep(dtype, tmp_path):
    """Every fft_length up to 200 whose half factors into 2, 3 and 5 (the lengths TFLM's KissFFT build runs)."""
    spec = [("SignalIrfft", [2 * (n // 2 + 1)], dtype, [([n], dtype)], dict(T=TYPE_CODES[dtype], fft_length=n))
            for n in _irfft_lengths(200)]
    path = tmp_path / "sweep.tflite"
    path.write_bytes(_multi(spec))
    with HostModel(str(path), name="model") as hm:
        rng = np.random.default_rng(11)
        steps = [[_random(t, rng) for t in hm.inputs] for _ in range(3)]
        _compare_steps(str(path), steps, hm=hm)


def _framer_spec(shape, size, step, prefill):
    out = list(shape[:-1]) + [shape[-1] // step, size]
    return ("SignalFramer", shape, "int16", [(out, "int16"), ([], "bool")],
            dict(frame_size=size, frame_step=step, prefill=prefill))


def test_streaming_option_sweep(tmp_path):
    """Many framer, stacker, delay and overlap-add settings in one model, over 12 invokes and a reset."""
    spec = []
    for size, step in ((1, 1), (3, 1), (4, 2), (5, 2), (6, 3), (9, 4), (2, 5), (7, 7)):
        for prefill in (False, True):
            if prefill and step > size:
                continue
            spec.append(_framer_spec([2, 2 * step], size, step, prefill))
    for nc, left, right, st in ((1, 0, 0, 1), (2, 3, 0, 1), (2, 0, 3, 2), (3, 1, 1, 2), (1, 2, 2, 5), (4, 0, 1, 2)):
        spec.append(("SignalStacker", [nc], "int16", [([nc * (left + right + 1)], "int16"), ([], "bool")],
                     dict(num_channels=nc, stacker_left_context=left, stacker_right_context=right, stacker_step=st)))
    for shape, d in (([1], 1), ([1], 5), ([3, 2], 2), ([5], 5), ([2, 4], 9)):
        spec.append(("SignalDelay", shape, "int16", [(shape, "int16")], dict(delay_length=d)))
    for dtype in ("int16", "float32"):
        for frames, size, step in ((1, 1, 1), (3, 5, 2), (2, 6, 6), (4, 3, 1)):
            spec.append(("SignalOverlapAdd", [2, frames, size], dtype, [([2, frames * step], dtype)],
                         dict(T=TYPE_CODES[dtype], frame_step=step)))
    path = tmp_path / "sweep.tflite"
    path.write_bytes(_multi(spec))
    with HostModel(str(path), name="model") as hm:
        rng = np.random.default_rng(5)
        steps = [[_random(t, rng) for t in hm.inputs] for _ in range(12)]
        _compare_steps(str(path), steps, reset_at=(7,), hm=hm)


@pytest.mark.parametrize("dtype", ["int16", "float32"])
def test_overlap_add_saturation(dtype, tmp_path):
    path = tmp_path / "ola.tflite"
    path.write_bytes(overlap_add([3, 6], dtype, 2))
    hi, lo = (32767, -32768) if dtype == "int16" else (1e38, -1e38)
    t = np.dtype(np.int16 if dtype == "int16" else np.float32)
    steps = [[np.full((3, 6), hi, t)], [np.full((3, 6), hi, t)], [np.full((3, 6), lo, t)], [np.full((3, 6), lo, t)],
             [np.full((3, 6), lo, t)], [np.zeros((3, 6), t)]]
    _compare_steps(str(path), steps)


def test_state_is_zeroed_by_reset_and_planned_for_the_run():
    from platformio_tinyml.api import convert
    prog, files = convert(os.path.join(HERE, "models", "signal_stream_framer_prefill.tflite"), "m", "reference")
    (offset, nbytes), = prog.states
    assert nbytes == 4 + 2 * 480  # one row: its count and a FIFO of 400 rounded up to 3 steps of 160
    src = files["m.c"]
    assert f"memset(arena + {offset}, 0, {nbytes});" in src
    assert src.index("m_reset();") < src.index("tml_signal_framer_s16(")


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


@pytest.mark.parametrize("model,needle", [
    (lambda: custom_model("SignalFramer", [8], "int16", [([2, 4], "int16"), ([], "bool")],
                          dict(frame_size=4, frame_step=4)), "'prefill' at position 2"),
    (lambda: framer([6], 2, 3, True), "prefill with frame_step 3 larger than frame_size 2"),
    (lambda: framer([7], 4, 2, False), "not a positive multiple of frame_step 2"),
    (lambda: custom_model("SignalFramer", [8], "int16", [([2, 5], "int16"), ([], "bool")],
                          dict(frame_size=4, frame_step=4, prefill=False)), "frames of this input make [2, 4]"),
    (lambda: custom_model("SignalFramer", [8], "int8", [([2, 4], "int8"), ([], "bool")],
                          dict(frame_size=4, frame_step=4, prefill=False)), "TFLM's kernel takes int16"),
    (lambda: custom_model("SignalFramer", [8], "int16", [([2, 4], "int16"), ([1], "bool")],
                          dict(frame_size=4, frame_step=4, prefill=False)), "needs a scalar"),
    (lambda: custom_model("SignalFramer", [8], "int16", [([2, 4], "int16"), ([], "int16")],
                          dict(frame_size=4, frame_step=4, prefill=False)), "takes bool"),
    (lambda: custom_model("SignalFramer", [4], "int16", [([2, 1], "int16"), ([], "bool")],
                          dict(frame_size=0, frame_step=2, prefill=False)), "frame_size is 0"),
    (lambda: stacker(2, 1, 1, 4), "stacker_step 4 is larger than the 3 frames"),
    (lambda: custom_model("SignalStacker", [3], "int16", [([6], "int16"), ([], "bool")],
                          dict(num_channels=2, stacker_left_context=1, stacker_right_context=1, stacker_step=1)),
     "need [2] and [6]"),
    (lambda: delay([4], -1), "delay_length is -1"),
    (lambda: custom_model("SignalDelay", [4], "int16", [([4], "int16")], [1, 2]), "not a FlexBuffer map"),
    (lambda: custom_model("SignalDelay", [4], "int16", [([5], "int16")], dict(delay_length=1)), "same shape"),
    (lambda: custom_model("SignalOverlapAdd", [2, 4], "int8", [([4], "int8")], dict(T=9, frame_step=2)),
     "int16 or float32"),
    (lambda: overlap_add([2, 4], "int16", 5), "frame_step 5 is larger than frame_size 4"),
    (lambda: custom_model("SignalOverlapAdd", [2, 4], "int16", [([4], "int16")], dict(T=0, frame_step=2)),
     "option T is 0"),
    (lambda: custom_model("SignalOverlapAdd", [2, 4], "int16", [([5], "int16")], dict(T=7, frame_step=2)),
     "make [4]"),
    (lambda: irfft([1], 14, "int16"), "has the factor 7"),
    (lambda: custom_model("SignalIrfft", [8], "int16", [([7], "int16")], dict(T=7, fft_length=7)), "is odd"),
    (lambda: irfft([1], 2, "float32"), "fft_length is 2; it must be at least 4"),
    (lambda: custom_model("SignalIrfft", [8], "int16", [([8], "int16")], dict(T=7, fft_length=8)),
     "at least 5 complex values"),
    (lambda: custom_model("SignalIrfft", [10], "int16", [([10], "int16")], dict(T=7, fft_length=8)),
     "must be fft_length 8"),
    (lambda: custom_model("SignalIrfft", [10], "int8", [([8], "int8")], dict(T=9, fft_length=8)),
     "int16, int32 or float32"),
    (lambda: custom_model("SignalIrfft", [10], "int16", [([8], "int16")], dict(fft_length=8)), "'T' at position 0"),
])
def test_refusals(model, needle):
    with pytest.raises(UnsupportedError) as e:
        _lower(model())
    msg = str(e.value)
    assert needle in msg and "\n" not in msg, msg


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_compilers(cc):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    for name in ("signal_stream_framer_2d", "signal_stream_stacker_l2_r1", "signal_stream_irfft_int16_30",
                 "signal_stream_irfft_float32_64", "signal_stream_overlap_add_f32_3d", "signal_stream_delay_short"):
        path = os.path.join(HERE, "models", f"{name}.tflite")
        with HostModel(path, name="model", cc=cc) as hm:
            rng = np.random.default_rng(0)
            _compare_steps(path, [[_random(t, rng) for t in hm.inputs] for _ in range(3)], hm=hm)


def test_cross_compiles_for_cortex_m4(tmp_path):
    from platformio_tinyml.api import generate
    assert shutil.which("arm-none-eabi-gcc"), ".ci/run installs arm-none-eabi-gcc"
    for name in ("signal_stream_framer_prefill", "signal_stream_irfft_int32_64", "signal_stream_irfft_float32_30",
                 "signal_stream_overlap_add_s16"):
        generate(os.path.join(HERE, "models", f"{name}.tflite"), str(tmp_path), name="m", arch="cortex-m4")
        subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard",
                        "-Os", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "library", "src"),
                        "-c", str(tmp_path / "m.c"), "-o", str(tmp_path / "m.o")], check=True)


def test_random_options_are_lowered_or_refused_in_one_line():
    """Random (often nonsensical) options and shapes: every model lowers and generates C, or is refused
    with one line; never another exception."""
    from platformio_tinyml.emit.codegen import generate_sources
    rng = np.random.default_rng(9)
    small = lambda: int(rng.integers(-2, 12))  # noqa: E731
    made = refused = 0
    for k in range(120):
        kind = k % 5
        shape = [int(rng.integers(1, 5)) for _ in range(int(rng.integers(1, 4)))]
        dtype = str(rng.choice(["int16", "int16", "float32", "int32", "int8"]))
        if kind == 0:
            m = custom_model("SignalFramer", shape, dtype, [(shape + [small() or 1], dtype), ([], "bool")],
                             dict(frame_size=small(), frame_step=small(), prefill=bool(small() % 2)))
        elif kind == 1:
            m = custom_model("SignalStacker", shape, dtype, [([max(1, small())], dtype), ([], "bool")],
                             dict(num_channels=small(), stacker_left_context=small(), stacker_right_context=small(),
                                  stacker_step=small()))
        elif kind == 2:
            m = custom_model("SignalDelay", shape, dtype, [(shape, dtype)], dict(delay_length=small()))
        elif kind == 3:
            m = custom_model("SignalOverlapAdd", shape, dtype, [(shape[:-1] or [1], dtype)],
                             dict(T=int(rng.choice([0, 2, 7, 9])), frame_step=small()))
        else:
            m = custom_model("SignalIrfft", shape, dtype, [(shape[:-1] + [2 * max(1, small())], dtype)],
                             dict(T=int(rng.choice([0, 2, 7])), fft_length=2 * small()))
        try:
            prog = _lower(m)
        except UnsupportedError as e:
            assert "\n" not in str(e), str(e)
            refused += 1
            continue
        generate_sources(prog, "m")
        made += 1
    assert made >= 5 and refused >= 5, (made, refused)


@pytest.mark.parametrize("name", ["signal_stream_irfft_int16_30", "signal_stream_irfft_int32_64",
                                  "signal_stream_irfft_float32_64"])
def test_irfft_on_the_emulated_cortex_m4(name):
    """The Cortex-M4F build (GCC, newlib) under QEMU against TFLM: the 64-bit products and wraps of the
    fixed-point transforms and the float one on the target."""
    from platformio_tinyml.targets.qemurun import QemuModel
    path = os.path.join(HERE, "models", f"{name}.tflite")
    with QemuModel(path, name="model") as qm:
        rng = np.random.default_rng(4)
        x = [_random(t, rng) for t in qm.inputs]
        ours = qm.run(x)
    ref = tflm_steps(path, [x])[0]
    for o, r in zip(ours, ref):
        assert_same(o, np.asarray(r), name)

"""SUB, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE: generated C vs TFLite Micro."""
import glob
import os
import shutil

import numpy as np
import pytest

from conftest import TEST_MODELS
from tflite_build import build
from tflm_oracle import assert_same, check_against_tflm, tflm_run

from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.lower.ops.common import quantize_multiplier
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "binary_*.tflite")))
_OPTS = {"SUB": "SubOptions", "DIV": "DivOptions", "SQUARED_DIFFERENCE": "SquaredDifferenceOptions"}


def test_models_exist():
    assert len(MODELS) >= 70, "run: python tests/make_models.py binary"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["binary_sub_bcast_5d_int8", "binary_div_s8_bcast_relu", "binary_max_i64",
                                  "binary_sqdiff_const_int16", "binary_audio_int32_chain"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    check_against_tflm(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


# ---------------------------------------------------------------- helpers


def _model(op, tensors, act=0) -> bytes:
    o = dict(op=op, inputs=[0, 1], outputs=[2])
    if op in _OPTS and op != "SQUARED_DIFFERENCE":
        o.update(options_type=_OPTS[op], options=dict(fused_activation_function=act))
    ins = [i for i in (0, 1) if tensors[i].get("data") is None]
    return build(tensors=[dict(t) for t in tensors], ops=[o], inputs=ins, outputs=[2])


def _q(shape, dtype, scale, zp, data=None):
    return dict(shape=list(shape), dtype=dtype, scale=scale, zp=zp, data=data)


def _ours_and_tflm(model: bytes, tmp_path, inputs: list, tflm: bool = True):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)[0]
    return ours, (tflm_run(str(path), inputs)[0].reshape(ours.shape) if tflm else None)


def _run_both(model: bytes, tmp_path, inputs: list):
    ours, ref = _ours_and_tflm(model, tmp_path, inputs)
    assert_same(ours, ref)


def _all_pairs(dtype="int8"):
    """Every (a, b) pair of int8 values, as two flat arrays of 65536."""
    v = np.arange(-128, 128, dtype=dtype)
    return np.repeat(v, 256), np.tile(v, 256)


# ---------------------------------------------------------------- edge values


@pytest.mark.parametrize("op", ["SUB", "SQUARED_DIFFERENCE"])
@pytest.mark.parametrize("scales,zps", [((0.05, 0.04, 0.02), (3, -5, -7)), ((0.5, 0.001, 0.7), (-128, 127, 0)),
                                        ((0.0123457, 0.0371, 0.0291), (11, -3, 4)),
                                        ((0.02, 0.02, 0.5), (0, 0, 100))])
def test_int8_every_pair(tmp_path, op, scales, zps):
    """Every pair of int8 inputs: saturation, zeros, the extremes, every rounding case of the scales."""
    t = [_q([65536], "int8", s, z) for s, z in zip(scales, zps)]
    _run_both(_model(op, t), tmp_path, list(_all_pairs()))


def _div_zone(a, b, scales, zps):
    """Inputs where TFLM's int8 DIV shifts right by 32 or more (undefined in C++), and the sign there."""
    f = np.float32
    _, shift = quantize_multiplier(float(f(scales[0])) / (float(f(scales[1])) * float(f(scales[2]))))
    v1 = a.astype(np.int64) - zps[0]
    v2 = b.astype(np.int64) - zps[1]
    v1 = np.where(v2 < 0, -v1, v1)
    v2 = np.abs(v2)
    recip = np.array([x.bit_length() - 1 for x in v2.tolist()])          # 31 - clz(v2)
    head = np.array([31 - (~x if x < 0 else x).bit_length() for x in v1.tolist()])  # leading sign bits
    return (shift - recip - head) <= -32, np.where(v1 < 0, -1, 1)


@pytest.mark.parametrize("scales,zps,act", [((0.05, 0.04, 0.02), (3, -5, -7), 0),
                                            ((0.1, 0.02, 0.3), (-20, 0, -128), 1),
                                            ((0.0123457, 0.0371, 0.0291), (11, -3, 4), 0),
                                            ((0.5, 0.001, 0.7), (0, 0, 0), 3),
                                            ((0.05, 0.05, 0.003), (0, 100, 10), 0)])
def test_div_int8_every_pair(tmp_path, scales, zps, act):
    """Every pair of int8 inputs, division by zero (input2 at its zero point) included: as TFLM, except
    where TFLM's last shift is 32 or more, where its Cortex-M build's 1 or -1 (before the zero point)
    is expected (its x86 build, our oracle here, differs there, but agrees for a dividend of 0)."""
    a, b = _all_pairs()
    t = [_q([65536], "int8", s, z) for s, z in zip(scales, zps)]
    ours, ref = _ours_and_tflm(_model("DIV", t, act), tmp_path, [a, b])
    zone, sign = _div_zone(a, b, scales, zps)
    dividend_zero = (a.astype(int) - zps[0]) == 0
    assert np.array_equal(ours[~zone | dividend_zero], ref[~zone | dividend_zero])
    lo = max(-128, zps[2]) if act in (1, 3) else -128
    expected = np.clip(zps[2] + sign, lo, 127)
    assert np.array_equal(ours[zone], expected[zone])
    assert ((b.astype(int) - zps[1]) == 0).sum() == 256  # the zero divisors were compared with TFLM above


@pytest.mark.parametrize("dtype,scale", [("int16", 0.0003), ("int16", 1.5e-5)])
@pytest.mark.parametrize("op", ["SUB", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM"])
def test_int16_extremes(tmp_path, dtype, scale, op):
    t = [_q([3, 40], dtype, scale, 0), _q([40], dtype, scale * 1.7, 0), _q([3, 40], dtype, scale * 2.3, 0)]
    rng = np.random.default_rng(4)
    a = rng.integers(-32768, 32768, (3, 40)).astype(np.int16)
    b = rng.integers(-32768, 32768, (40,)).astype(np.int16)
    a[0, :6] = [-32768, 32767, 0, -32768, 32767, 1]
    b[:6] = [32767, -32768, 0, -32768, 32767, -1]
    _run_both(_model(op, t), tmp_path, [a, b])


def _int32_model(op, act=0, shape=(64,)):
    t = [dict(shape=list(shape), dtype="int32")] * 3
    return _model(op, t, act)


_I32_EDGES = [(2**31 - 1, 1), (-2**31, 1), (-2**31, -2**31), (2**31 - 1, -1), (46341, 46341), (-7, 2), (7, -2),
              (-7, -2), (1, 3), (-1, 3), (65536, 65536), (0, 5), (12345678, -3)]


@pytest.mark.parametrize("op,act", [("SUB", 0), ("SUB", 1), ("SUB", 3), ("DIV", 0), ("DIV", 2),
                                    ("SQUARED_DIFFERENCE", 0), ("MAXIMUM", 0), ("MINIMUM", 0)])
def test_int32_edges(tmp_path, op, act):
    """Wrap-around (SUB, SQUARED_DIFFERENCE), truncation toward zero of negative quotients, the extremes."""
    rng = np.random.default_rng(8)
    a = rng.integers(-2**31, 2**31, 64).astype(np.int32)
    b = rng.integers(-2**31, 2**31, 64).astype(np.int32)
    b[b == 0] = 1
    for i, (x, y) in enumerate(_I32_EDGES):
        a[i], b[i] = x, y
    if op == "DIV":
        b[(a == -2**31) & (b == -1)] = 2  # TFLM traps there (tested below against Cortex-M's result)
        a[20:40] = rng.integers(-100, 100, 20)
        b[20:40] = rng.integers(1, 9, 20) * rng.choice([-1, 1], 20)
    _run_both(_int32_model(op, act), tmp_path, [a, b])


def test_int32_div_by_zero_and_overflow(tmp_path):
    """TFLM fails the invoke for x / 0 and traps (x86) on INT32_MIN / -1; the kernel gives Cortex-M SDIV's
    0 and INT32_MIN, and the generator refuses a constant zero divisor."""
    a = np.array([5, -5, 0, -2**31, -2**31, 2**31 - 1, 7, -7], np.int32)
    b = np.array([0, 0, 0, -1, 1, -1, 2, 2], np.int32)
    ours, _ = _ours_and_tflm(_int32_model("DIV", shape=(8,)), tmp_path, [a, b], tflm=False)
    assert ours.tolist() == [0, 0, 0, -2**31, -2**31, -(2**31 - 1), 3, -3]
    ok = b != 0
    ok[3] = False
    path = tmp_path / "m.tflite"
    b2 = np.where(ok, b, 1).astype(np.int32)
    a2 = np.where(ok, a, 0).astype(np.int32)
    assert_same(ours[ok], tflm_run(str(path), [a2, b2])[0][ok])


def test_audio_chain_extremes(tmp_path):
    """The audio front end's int32 tail with every int16 input extreme (negative quotients truncate)."""
    x = np.array(list(range(-20, 20)), np.int32)
    x[:8] = [-32768, 32767, -32767, 0, -1, 1, -3, 3]
    path = os.path.join(TEST_MODELS, "binary_audio_int32_chain.tflite")
    with HostModel(path, name="model") as hm:
        ours = hm.run([x])[0]
    assert_same(ours, tflm_run(path, [x])[0])


def _nan_same(ours, ref):
    assert np.array_equal(np.isnan(ours), np.isnan(ref))
    assert_same(np.nan_to_num(ours), np.nan_to_num(ref))


@pytest.mark.parametrize("op,act", [("DIV", 0), ("DIV", 1), ("SUB", 0), ("SUB", 3), ("MAXIMUM", 0),
                                    ("MINIMUM", 0), ("SQUARED_DIFFERENCE", 0)])
def test_float_specials(tmp_path, op, act):
    """Division by zero (clamped infinities), NaN (TFLM's comparisons keep it), huge values."""
    sp = [0.0, -0.0, np.inf, -np.inf, np.nan, 3e38, -3e38, 1.0, -2.5]
    a = np.array([x for x in sp for _ in sp], np.float32)
    b = np.array([y for _ in sp for y in sp], np.float32)
    t = [dict(shape=[a.size], dtype="float32")] * 3
    ours, ref = _ours_and_tflm(_model(op, t, act), tmp_path, [a, b])
    _nan_same(ours, ref)


# ---------------------------------------------------------------- sweeps


def _random_bcast(rng, rank):
    out = rng.integers(1, 4, rank)
    s1 = [d if rng.random() < 0.6 else 1 for d in out]
    s2 = [d if rng.random() < 0.6 else 1 for d in out]
    s1 = s1[int(rng.integers(0, rank)):]  # drop leading dims: lower ranks broadcast too
    out = [max(x, y) for x, y in zip([1] * (rank - len(s1)) + s1, s2)]
    return s1, s2, out


@pytest.mark.parametrize("seed", range(6))
def test_broadcast_sweep(tmp_path, seed):
    """Random broadcasts of rank 1 to 6 (either side, both sides), random scales and zero points."""
    rng = np.random.default_rng(100 + seed)
    op, dtype = [("SUB", "int8"), ("MAXIMUM", "int8"), ("DIV", "int8"), ("SQUARED_DIFFERENCE", "int8"),
                 ("SUB", "int16"), ("MINIMUM", "int32")][seed]
    s1, s2, out = _random_bcast(rng, 1 + seed)
    if dtype == "int32":
        t = [dict(shape=s, dtype=dtype) for s in (s1, s2, out)]
    else:
        zp = (lambda: int(rng.integers(-100, 100))) if dtype == "int8" else (lambda: 0)  # noqa: E731
        t = [_q(s, dtype, float(rng.uniform(0.01, 0.2)), zp()) for s in (s1, s2, out)]
        if op == "DIV":  # a rescale factor above 2^6: TFLM's last shift stays below 32 (test_div_int8_every_pair)
            t[0]["scale"], t[1]["scale"], t[2]["scale"] = (float(rng.uniform(0.1, 0.2)), float(rng.uniform(0.01, 0.03)),
                                                           float(rng.uniform(0.01, 0.03)))
    info = np.iinfo(dtype) if dtype != "int32" else np.iinfo(np.int16)
    a = rng.integers(info.min, info.max + 1, s1).astype(dtype)
    b = rng.integers(info.min, info.max + 1, s2).astype(dtype)
    _run_both(_model(op, t, int(rng.integers(0, 4)) if op in ("SUB", "DIV") else 0), tmp_path, [a, b])


# ---------------------------------------------------------------- refusals


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


@pytest.mark.parametrize("op,tensors,needle", [
    ("SUB", [_q([4], "int8", 0.1, 0), _q([4], "int16", 0.1, 0), _q([4], "int8", 0.1, 0)],
     "float32, int32, int8, int16 for all three"),
    ("SUB", [dict(shape=[4], dtype="int64")] * 3, "not supported"),
    ("DIV", [_q([4], "int16", 0.1, 0)] * 3, "float32, int32, int8 for all three"),
    ("SQUARED_DIFFERENCE", [dict(shape=[4], dtype="int64")] * 3, "not supported"),
    ("MAXIMUM", [dict(shape=[4], dtype="uint8")] * 3, "float32, int8, int16, int32, int64"),
    ("SUB", [_q([4], "int32", 0.1, 0)] * 3, "quantized int32"),
    ("SQUARED_DIFFERENCE", [_q([4], "int16", 0.1, 3)] * 3, "zero points of 0"),
    ("SUB", [_q([4], "int8", 0.5, 0), _q([4], "int8", 0.5, 0), _q([4], "int8", 1e-7, 0)],
     "output multiplier"),
    ("DIV", [_q([4], "int8", 0.5, 0), _q([4], "int8", 1e-4, 0), _q([4], "int8", 1e-4, 0)], "out of range"),
    ("DIV", [_q([4], "int8", 1e-8, 0), _q([4], "int8", 1.0, 0), _q([4], "int8", 10.0, 0)], "out of range"),
    ("DIV", [dict(shape=[4], dtype="int32"), dict(shape=[4], dtype="int32", data=np.array([1, 0, 2, 3], np.int32)),
             dict(shape=[4], dtype="int32")], "holds 0"),
    ("SQUARED_DIFFERENCE", [_q([4], "int8", 1.0, 0), _q([4], "int8", 1.0, 0), _q([4], "int8", 1e-14, 0)],
     "too large"),
    ("SUB", [dict(shape=[2, 3], dtype="float32"), dict(shape=[4], dtype="float32"),
             dict(shape=[2, 3], dtype="float32")], "do not broadcast"),
])
def test_unsupported_fails_at_generation(op, tensors, needle):
    with pytest.raises(UnsupportedError, match=needle):
        _lower(_model(op, tensors))


def test_per_channel_refused():
    t = [dict(shape=[2, 3], dtype="int8", scale=[0.1, 0.2, 0.3], zp=[0, 0, 0], quant_dim=1),
         _q([2, 3], "int8", 0.1, 0), _q([2, 3], "int8", 0.1, 0)]
    with pytest.raises(UnsupportedError, match="per channel"):
        _lower(_model("SUB", t))


def test_fused_tanh_refused():
    t = [dict(shape=[4], dtype="float32")] * 3
    with pytest.raises(UnsupportedError, match="fused activation"):
        _lower(_model("DIV", t, act=4))


@pytest.mark.parametrize("op", ["SUB", "DIV", "MAXIMUM", "SQUARED_DIFFERENCE"])
def test_inplace(op):
    """The output takes the place of an input that dies at the operator."""
    t = [dict(shape=[3, 5], dtype="float32"), dict(shape=[5], dtype="float32"), dict(shape=[3, 5], dtype="float32"),
         dict(shape=[3, 5], dtype="float32")]
    ops = [dict(op="RELU", inputs=[0], outputs=[3]), dict(op=op, inputs=[3, 1], outputs=[2])]
    prog = _lower(build(tensors=t, ops=ops, inputs=[0, 1], outputs=[2]))
    assert prog.offsets[2] == prog.offsets[3]

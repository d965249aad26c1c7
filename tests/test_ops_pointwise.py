"""LEAKY_RELU, PRELU, HARD_SWISH, ELU, LOG_SOFTMAX: generated C bit-exact (int) / close (float) with TFLM.

Besides the committed models (tests/modelgen/pointwise.py), sweeps of quantization parameters and
options are built here with tests/tflite_build.py, several operators per model (one compilation), and
fed every int8 value or the ends of the int16 range."""
import glob
import os
import shutil

import numpy as np
import pytest

from conftest import TEST_MODELS
from modelgen.pointwise import leaky_model, prelu_model, unary_model
from tflite_build import build
from tflm_oracle import assert_same, check_against_tflm, tflm_run

from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "pointwise_*.tflite")))
ALL_S8 = np.arange(-128, 128, dtype=np.int8)


def _id(path):
    return os.path.basename(path)[len("pointwise_"):-len(".tflite")]


def test_models_present():
    assert len(MODELS) >= 59, "run: python tests/make_models.py pointwise"


@pytest.mark.parametrize("path", MODELS, ids=_id)
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("name", ["leaky_relu_s16_zp", "prelu_s8_2way", "hard_swish_s8_q1", "log_softmax_s8_q1",
                                  "elu_f32", "log_softmax_4d_f32"])
def test_clang(name):
    if shutil.which("clang") is None:
        pytest.fail("clang is not installed")
    check_against_tflm(os.path.join(TEST_MODELS, f"pointwise_{name}.tflite"), seeds=(4,), cc="clang")


def _run_both(model: bytes, tmp_path, inputs: list):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)
    ref = tflm_run(str(path), inputs)
    assert len(ours) == len(ref)
    for k, (o, r) in enumerate(zip(ours, ref)):
        assert_same(o, r, f"output {k}")


def _many_unary(op, dtype, params, shape, options_type=None, options=None) -> bytes:
    """One model with len(params) independent unary operators; params: (s_in, zp_in, s_out, zp_out[, opts])."""
    tensors, ops = [], []
    for k, prm in enumerate(params):
        s_in, zp_in, s_out, zp_out = prm[:4]
        tensors += [dict(shape=list(shape), dtype=dtype, scale=s_in, zp=zp_in),
                    dict(shape=list(shape), dtype=dtype, scale=s_out, zp=zp_out)]
        o = dict(op=op, inputs=[2 * k], outputs=[2 * k + 1])
        if options_type:
            o.update(options_type=options_type, options=prm[4] if len(prm) > 4 else (options or {}))
        ops.append(o)
    n = len(params)
    return build(tensors=tensors, ops=ops, inputs=[2 * k for k in range(n)], outputs=[2 * k + 1 for k in range(n)])


def _sweep(rng, n, s_lo, s_hi, zp=(-128, 127)):
    """n random (s_in, zp_in, s_out, zp_out), scales log-uniform in [s_lo, s_hi]."""
    ls = lambda: float(np.float32(10 ** rng.uniform(np.log10(s_lo), np.log10(s_hi))))  # noqa: E731
    return [(ls(), int(rng.integers(zp[0], zp[1] + 1)), ls(), int(rng.integers(zp[0], zp[1] + 1))) for _ in range(n)]


# ---------------------------------------------------------------- sweeps, every int8 input


def test_leaky_relu_s8_sweep(tmp_path):
    rng = np.random.default_rng(1)
    params = [p + (dict(alpha=float(np.float32(a))),) for p, a in
              zip(_sweep(rng, 12, 0.002, 0.5), [0.1, 0.2, 0.01, 0.3, -0.5, 1.0, 0.0, 2.0, -3.0, 0.999, 1e-4, 0.5])]
    # exact halves: ratios 1/2, 1/4, 3/2 and 1/8 land every odd input on a rounding tie
    params += [(0.04, 0, 0.08, 0, dict(alpha=0.5)), (0.03, 1, 0.02, -1, dict(alpha=-0.25)),
               (0.01, -128, 0.08, 127, dict(alpha=1.0))]
    model = _many_unary("LEAKY_RELU", "int8", params, (256,), "LeakyReluOptions")
    _run_both(model, tmp_path, [ALL_S8] * len(params))


def test_leaky_relu_s16_sweep(tmp_path):
    rng = np.random.default_rng(2)
    params = [p + (dict(alpha=a),) for p, a in
              zip(_sweep(rng, 8, 1e-5, 0.01, zp=(-2000, 2000)), [0.1, -0.2, 1.5, 0.0, 0.3, 0.05, -1.0, 4.0])]
    params[0] = (1e-4, 0, 1e-4, 0, dict(alpha=0.25))
    params += [(0.001, 0, 0.002, 0, dict(alpha=0.5)), (0.003, 5, 0.002, -5, dict(alpha=-0.5)),  # halves
               # 1.5 in float32 but not in double, where TFLM takes these ratios: ties that round the other way
               (0.000165, 0, 0.00011, 0, dict(alpha=1.0)), (0.000285, 0, 0.00019, 0, dict(alpha=-1.0))]
    model = _many_unary("LEAKY_RELU", "int16", params, (300,), "LeakyReluOptions")
    x = rng.integers(-32768, 32768, 300).astype(np.int16)
    x[:8] = [-32768, 32767, 0, -1, 1, -32767, 16384, -16385]
    x[8:40] = np.arange(-16, 16)
    _run_both(model, tmp_path, [x] * len(params))


def test_hard_swish_s8_sweep(tmp_path):
    """Input scales from 1e-3 (reluish shift right) to 2 (shift left), output scales near and far."""
    rng = np.random.default_rng(3)
    params = [(s_in, zi, max(s_out, s_in / 100), zo) for s_in, zi, s_out, zo in _sweep(rng, 14, 0.001, 2.0)]
    params += [(0.0625, 0, 0.0625 / 127.99, 0), (0.0234, -128, 0.0234, 127), (3.0, 0, 0.03, -128),
               (0.0234375, 0, 0.046875, 0), (0.09375, 3, 0.0234375, -3),  # power-of-two ratios: rounding ties
               # ratios whose float32 and double quotients give different 16-bit multipliers (TFLM: double)
               (0.04501096159219742, 99, 0.018903888761997223, -109),
               (0.01227426528930664, 61, 0.004948974121361971, 30)]
    model = _many_unary("HARD_SWISH", "int8", params, (256,), "HardSwishOptions")
    _run_both(model, tmp_path, [ALL_S8] * len(params))


def test_elu_s8_sweep(tmp_path):
    rng = np.random.default_rng(4)
    params = _sweep(rng, 12, 0.003, 1.0) + [(1e-3, 0, 1e-6, 0), (0.5, -128, 100.0, 127), (1.0, 0, 1.2e-38, 0),
                                          (0.01, 3, 1e-30, -7)]
    model = _many_unary("ELU", "int8", params, (256,))
    _run_both(model, tmp_path, [ALL_S8] * len(params))


def test_log_softmax_s8_sweep(tmp_path):
    """Input scales across the kernel's range; rows: all equal, one high rest lowest, ramps, random."""
    rng = np.random.default_rng(5)
    scales = [1e-7, 0.0008, 0.004, 0.01, 0.05, 0.1, 0.3, 1.0, 3.0, 9.0, 20.0, 40.0, 1000.0]
    params = [(s, int(rng.integers(-128, 128)), 16.0 / 256, 127) for s in scales]
    model = _many_unary("LOG_SOFTMAX", "int8", params, (6, 32), "LogSoftmaxOptions")
    x = rng.integers(-128, 128, (6, 32)).astype(np.int8)
    x[0] = 5
    x[1] = -128
    x[1, 7] = 127
    x[2] = np.arange(-128, 128, 8)
    x[3] = np.arange(127, -129, -8)
    x[4, :16] = 127
    x[4, 16:] = -128
    _run_both(model, tmp_path, [x] * len(params))


def test_prelu_sweep(tmp_path):
    """Quantization parameters and full-range int8 alphas (a non-constant alpha), int8 and int16."""
    rng = np.random.default_rng(6)
    tensors, ops, ins, outs = [], [], [], []
    cases = []
    for dtype, n in (("int8", 8), ("int16", 6)):
        for _ in range(n):
            zp = (-128, 127) if dtype == "int8" else (0, 0)
            s_in, zi, s_out, zo = _sweep(rng, 1, 1e-4 if dtype == "int16" else 0.003, 0.3, zp)[0]
            s_a, za = float(np.float32(10 ** rng.uniform(-3, 0))), int(rng.integers(-128, 128))
            k = len(tensors)
            tensors += [dict(shape=[4, 64], dtype=dtype, scale=s_in, zp=zi),
                        dict(shape=[64], dtype="int8", scale=s_a, zp=za),
                        dict(shape=[4, 64], dtype=dtype, scale=s_out, zp=zo)]
            ops.append(dict(op="PRELU", inputs=[k, k + 1], outputs=[k + 2]))
            ins += [k, k + 1]
            outs.append(k + 2)
            cases.append(dtype)
    model = build(tensors=tensors, ops=ops, inputs=ins, outputs=outs)
    inputs = []
    for dtype in cases:
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max + 1, (4, 64)).astype(dtype)
        x[0, :4] = [info.min, info.max, 0, -1]
        inputs += [x, np.arange(-128, 128, 4, dtype=np.int8)]
    _run_both(model, tmp_path, inputs)


def test_prelu_quantized_5d_6d(tmp_path):
    """TFLM's quantized PRELU broadcasts at any rank (its float one stops at 4)."""
    q8, q16 = (0.05, -4, 0.01, 3, 0.04, 9), (0.0007, 0, 0.008, -2, 0.0005, 0)
    for dtype, q, (si, sa, so) in (("int8", q8, ((2, 1, 3, 2, 5), (3, 1, 5), (2, 1, 3, 2, 5))),
                                   ("int16", q16, ((1, 2, 1, 3, 1, 4), (2, 2, 1, 3, 4, 1), (2, 2, 1, 3, 4, 4)))):
        rng = np.random.default_rng(8)
        x = rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max + 1, si).astype(dtype)
        _run_both(prelu_model(dtype, si, sa, so, q, seed=9), tmp_path, [x])


def test_float_edges(tmp_path):
    """Wide float inputs: HARD_SWISH's corners at -3 and 3, ELU and LEAKY_RELU at 0 and below, LOG_SOFTMAX
    rows far apart."""
    x = np.concatenate([np.array([-3.0, 3.0, 0.0, -0.0, -2.9999998, 3.0000002, -1e-30, 1e-30, -100.0, 100.0,
                                  -6.0, 6.0, -87.0, 88.0, -1e6, 1e6], np.float32),
                        np.linspace(-12, 12, 112, dtype=np.float32)]).reshape(4, 32)
    t = [dict(shape=[4, 32], dtype="float32") for _ in range(8)]
    ops = [dict(op="HARD_SWISH", inputs=[0], outputs=[1]), dict(op="ELU", inputs=[0], outputs=[2]),
           dict(op="LEAKY_RELU", inputs=[0], outputs=[3], options_type="LeakyReluOptions",
                options=dict(alpha=-0.37)),
           dict(op="LOG_SOFTMAX", inputs=[0], outputs=[4], options_type="LogSoftmaxOptions", options={}),
           dict(op="PRELU", inputs=[0, 7], outputs=[5])]
    t[7] = dict(shape=[32], dtype="float32", data=np.linspace(-2, 2, 32, dtype=np.float32))
    model = build(tensors=t, ops=ops, inputs=[0], outputs=[1, 2, 3, 4, 5])
    _run_both(model, tmp_path, [x])


# ---------------------------------------------------------------- refusals


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


def _q(shape, dtype, scale=0.05, zp=0, data=None, quant_dim=None):
    d = dict(shape=list(shape), dtype=dtype, scale=scale, zp=zp, data=data)
    if quant_dim is not None:
        d["quant_dim"] = quant_dim
    return d


@pytest.mark.parametrize("model,needle", [
    (lambda: unary_model("HARD_SWISH", "int16", 0.001, 0, 0.001, 0), "float32, int8 for both are"),
    (lambda: unary_model("ELU", "int16", 0.001, 0, 0.001, 0), "float32, int8 for both are"),
    (lambda: unary_model("LOG_SOFTMAX", "int16", 0.001, 0, 0.001, 0), "float32, int8 for both are"),
    (lambda: build(tensors=[_q([4], "int8"), _q([4], "int16")], ops=[dict(op="LEAKY_RELU", inputs=[0], outputs=[1])],
                   inputs=[0], outputs=[1]), "int8/int16 are not supported"),
    (lambda: unary_model("LOG_SOFTMAX", "int8", 0.1, 0, 1.0 / 256, -128), "scale 16/256 and zero point 127"),
    (lambda: unary_model("LOG_SOFTMAX", "int8", 0.1, 0, 16.0 / 256, 0), "scale 16/256 and zero point 127"),
    (lambda: unary_model("LOG_SOFTMAX", "int8", 2.0 ** -26, 0, 16.0 / 256, 127), "out of the int8 LOG_SOFTMAX"),
    (lambda: unary_model("LOG_SOFTMAX", "int8", 1e-9, 0, 16.0 / 256, 127), "out of the int8 LOG_SOFTMAX"),
    (lambda: unary_model("HARD_SWISH", "int8", 1.0, 0, 0.001, 0), "not below 1"),
    (lambda: unary_model("HARD_SWISH", "int8", 0.0625, 0, 0.0625 / 128, 0), "not below 1"),
    (lambda: leaky_model("int8", 0.5, 1000.0, 0, 1e-7, 0), "left shift of"),
    (lambda: build(tensors=[_q([2, 3], "int16", 0.001), _q([3], "int16", 0.001, data=np.ones(3, np.int16)),
                            _q([2, 3], "int16", 0.001)], ops=[dict(op="PRELU", inputs=[0, 1], outputs=[2])],
                   inputs=[0], outputs=[2]), "int16/int16/int16 are not supported"),
    (lambda: prelu_model("float32", (1, 2, 2, 2, 3), (3,), (1, 2, 2, 2, 3)), "at most 4"),
    (lambda: prelu_model("int8", (2, 1, 2, 1, 2, 1, 2), (2, 1, 2, 1, 2, 1), (2, 2, 2, 2, 2, 2, 2),
                         (0.1, 0, 0.1, 0, 0.1, 0)), "at most 6 are supported"),
    (lambda: prelu_model("float32", (2, 3), (3,), (4, 3)), "do not broadcast to"),
    (lambda: prelu_model("float32", (2, 3), (3,), (2, 2, 3)), "not the broadcast"),
    (lambda: prelu_model("float32", (2, 3), (2,), (2, 3)), "do not broadcast"),
    (lambda: build(tensors=[dict(shape=[2, 3], dtype="float32"), dict(shape=[3, 2], dtype="float32")],
                   ops=[dict(op="LOG_SOFTMAX", inputs=[0], outputs=[1])], inputs=[0], outputs=[1]),
     "shape \\(3, 2\\) differ"),
    (lambda: build(tensors=[_q([2, 3], "int8"), _q([2, 4], "int8")], ops=[dict(op="ELU", inputs=[0], outputs=[1])],
                   inputs=[0], outputs=[1]), "sizes differ"),
    (lambda: build(tensors=[_q([2, 3], "int8", [0.1, 0.2, 0.3], [0, 0, 0], quant_dim=1), _q([2, 3], "int8")],
                   ops=[dict(op="LEAKY_RELU", inputs=[0], outputs=[1])], inputs=[0], outputs=[1]), "per channel"),
])
def test_refused_at_generation(model, needle):
    with pytest.raises(UnsupportedError, match=needle):
        _lower(model())


def test_hard_swish_refusal_matches_tflm(tmp_path):
    """The scales refused above make TFLM's Prepare fail too (output exponent 1)."""
    path = tmp_path / "m.tflite"
    path.write_bytes(unary_model("HARD_SWISH", "int8", 0.0625, 0, 0.0625 / 128, 0))
    with pytest.raises(Exception):
        tflm_run(str(path), [np.zeros((2, 3, 17), np.int8)])


def test_in_place():
    """The element-wise kernels may write over an input that dies at the operator."""
    prog = _lower(open(os.path.join(TEST_MODELS, "pointwise_hard_swish_s8_q0.tflite"), "rb").read())
    assert len(prog.calls) == 1 and prog.arena_bytes < 2 * 2 * 3 * 17

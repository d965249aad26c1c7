"""EXP, LOG, SQRT, RSQRT, ABS, NEG, L2_NORMALIZATION: generated C vs TFLite Micro."""
import glob
import os
import shutil

import numpy as np
import pytest

from conftest import TEST_MODELS
from tflm_oracle import assert_same, tflm_run

from modelgen.unary import unary_model
from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.targets.qemurun import QemuModel

ALL = sorted(glob.glob(os.path.join(TEST_MODELS, "unary_*.tflite")))
MODELS = [p for p in ALL if not os.path.basename(p).startswith("unary_refuse_")]
REFUSE = [p for p in ALL if os.path.basename(p).startswith("unary_refuse_")]

F32_EDGES = np.array([0.0, -0.0, 1.0, -1.0, np.nan, np.inf, -np.inf, 1e-40, -1e-40, 1e-30, 88.7, 89.0, -87.0,
                      -104.0, 3.4e38, -3.4e38, 0.5, 2.0, 4.0, 1e6, -1e-7, 7.0, 1e-45], np.float32)


def same(ours, ref, what="output"):
    """assert_same, with NaN where TFLM has NaN and equal infinities."""
    ours, ref = np.asarray(ours), np.asarray(ref).reshape(np.shape(ours))
    if np.issubdtype(ref.dtype, np.floating):
        nan = np.isnan(ref)
        assert np.array_equal(np.isnan(ours), nan), f"{what}: NaN at {np.argwhere(np.isnan(ours) != nan)[:5].tolist()}"
        inf = np.isinf(ref)
        assert np.array_equal(ours[inf], ref[inf]), f"{what}: infinities differ: {ours[inf]} vs {ref[inf]}"
        fin = ~(nan | inf)
        assert_same(ours[fin], ref[fin], what)
    else:
        assert_same(ours, ref, what)


def _inputs(t, rng, rsqrt: bool = False):
    """Random values over the dtype's whole range; RSQRT's quantized inputs at or above the zero point
    (TFLM stops with an error below it); floats mostly in [-4, 4] with a few edge values."""
    if t.dtype == "float32":
        x = rng.uniform(-4, 4, t.shape).astype(np.float32)
        flat = x.reshape(-1)
        k = min(flat.size // 4, F32_EDGES.size)
        flat[rng.choice(flat.size, k, replace=False)] = F32_EDGES[:k]
        return x
    info = np.iinfo(t.np_dtype)
    lo = t.q_zero_point if rsqrt else info.min
    return rng.integers(lo, info.max, t.shape, endpoint=True).astype(t.np_dtype)


def check(path, seeds=(0, 1, 2), cc=None):
    with HostModel(str(path), name="model", cc=cc) as hm:
        rsqrt = any(op.type == "RSQRT" for op in hm.prog.graph.ops)
        for seed in seeds:
            rng = np.random.default_rng(seed)
            inputs = [_inputs(t, rng, rsqrt) for t in hm.inputs]
            for o, r in zip(hm.run(inputs), tflm_run(str(path), inputs)):
                same(o, r, f"{os.path.basename(path)} seed {seed}")


def run_both(model: bytes, tmp_path, inputs: list):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)
    for o, r in zip(ours, tflm_run(str(path), inputs)):
        same(o, r)


def test_models_exist():
    assert len(MODELS) >= 35 and len(REFUSE) == 3, "run: python tests/make_models.py unary"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check(path)


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["unary_chain_float", "unary_rsqrt_s8_q0", "unary_l2norm_s8_r3_zp"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    check(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


@pytest.mark.parametrize("op", ["EXP", "LOG", "SQRT", "RSQRT", "ABS", "NEG"])
def test_float_edges(tmp_path, op):
    """Zeros of both signs, negative inputs to LOG/SQRT/RSQRT, NaN, infinities, denormals, overflow of EXP."""
    x = np.concatenate([F32_EDGES, -F32_EDGES]).reshape(2, -1)
    run_both(unary_model(op, "float32", shape=x.shape), tmp_path, [x])


def test_l2norm_float_edges(tmp_path):
    """Rows of zeros (the 1e-6 floor), a tiny row, huge values (the sum overflows to inf), NaN."""
    x = np.zeros((5, 4), np.float32)
    x[1] = [1e-8, -1e-8, 0, 1e-9]
    x[2] = [3e38, 1.0, -2.0, 0.5]
    x[3] = [np.nan, 1.0, 2.0, 3.0]
    x[4] = [-3.0, 4.0, 0.0, 0.0]
    run_both(unary_model("L2_NORMALIZATION", "float32", shape=x.shape, options=True), tmp_path, [x])


@pytest.mark.parametrize("q_in,q_out", [((0.05, 3), (0.03, -120)), ((0.02, -128), (0.02, -128)),
                                        ((0.1, 127), (0.4, -128)), ((0.5, 0), (0.01, 0)),
                                        ((0.01, -7), (0.5, 100)), ((0.003, 60), (0.003, 61))])
def test_abs_s8_every_value(tmp_path, q_in, q_out):
    x = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)
    run_both(unary_model("ABS", "int8", q_in, q_out, shape=x.shape), tmp_path, [x])


@pytest.mark.parametrize("q", [(0.001, 0.0007), (0.001, 0.001), (0.5, 0.002), (1e-4, 0.3), None, (None, 0.1)])
def test_abs_s16_extremes(tmp_path, q):
    """Quantized (saturating) and plain (|-32768| wraps; a plain input with a quantized output is plain too)."""
    x = np.array([-32768, -32767, -1, 0, 1, 32767, -16384, 16383, 12345, -23456], np.int16)
    qi, qo = (None, None) if q is None else tuple(None if s is None else (s, 0) for s in q)
    run_both(unary_model("ABS", "int16", qi, qo, shape=x.shape), tmp_path, [x])


@pytest.mark.parametrize("q_in,q_out", [((0.05, -128), (0.02, -100)), ((1.0, -50), (0.005, 10)),
                                        ((0.003, 20), (0.3, 0)), ((0.2, -128), (0.002, -128)),
                                        ((0.5, 126), (0.01, -128)), ((4e-6, -128), (2.0, 0))])
def test_rsqrt_s8_every_value(tmp_path, q_in, q_out):
    """Every input at or above the zero point (the zero point itself gives the maximum)."""
    x = np.arange(q_in[1], 128, dtype=np.int8)
    run_both(unary_model("RSQRT", "int8", q_in, q_out, shape=x.shape), tmp_path, [x])


@pytest.mark.parametrize("q_in,q_out", [((0.001, 0), (0.01, 0)), ((1e-5, 0), (0.01, 0)), ((0.5, 0), (1e-4, 0)),
                                        ((3e-4, 0), (3e-4, 0))])
def test_rsqrt_s16_range(tmp_path, q_in, q_out):
    x = np.concatenate([np.arange(0, 300), np.arange(32767 - 300, 32768),
                        np.random.default_rng(5).integers(0, 32768, 400)]).astype(np.int16)
    run_both(unary_model("RSQRT", "int16", q_in, q_out, shape=x.shape), tmp_path, [x])


def test_l2norm_s8_edges(tmp_path):
    """Rows at the zero point (sum 0), one step off it (sum 1), a single large value, full-range rows."""
    zp = 7
    x = np.full((6, 9), zp, np.int8)
    x[1, 3] = zp + 1
    x[2, 0] = -128
    x[3] = [127, -128] * 4 + [0]
    x[4] = np.arange(-128, 127, 28)[:9]
    x[5, :2] = [zp - 1, zp + 1]
    run_both(unary_model("L2_NORMALIZATION", "int8", (0.1, zp), (1 / 128, 0), shape=x.shape, options=True),
             tmp_path, [x])


@pytest.mark.parametrize("q_out", [(0.05, 3), (1 / 128, -128), None])
def test_l2norm_s8_output_quantization_ignored(tmp_path, q_out):
    """TFLM writes scale 1/128, zero point 0 whatever the output tensor says."""
    x = np.random.default_rng(8).integers(-128, 128, (4, 12)).astype(np.int8)
    run_both(unary_model("L2_NORMALIZATION", "int8", (0.1, -20), q_out, shape=x.shape, options=True),
             tmp_path, [x])


def test_l2norm_s8_widest_row(tmp_path):
    """The deepest row the int32 sum holds, every value 255 steps from the zero point: the inverse
    square root's input above 2^29 (its scaling loop runs)."""
    x = np.full((1, 33025), -128, np.int8)
    x[0, ::5] = 100
    run_both(unary_model("L2_NORMALIZATION", "int8", (0.1, 127), (1 / 128, 0), shape=x.shape, options=True),
             tmp_path, [x])


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


@pytest.mark.parametrize("path", REFUSE, ids=[os.path.basename(p)[:-7] for p in REFUSE])
def test_int8_float_only_ops_refused(path):
    """TensorFlow quantizes EXP, LOG and SQRT to int8; TFLite Micro runs them in float32 only."""
    with pytest.raises(UnsupportedError, match="takes float32 only"):
        lower_graph(read_model(path))


@pytest.mark.parametrize("model,needle", [
    (unary_model("NEG", "int8", (0.1, 0), (0.1, 0)), "takes float32 only"),
    (unary_model("EXP", "int16", (0.1, 0), (0.1, 0)), "takes float32 only"),
    (unary_model("ABS", "int32"), "float32, int8 and int16 are"),
    (unary_model("ABS", "int8"), "no quantization parameters"),
    (unary_model("ABS", "int16", (0.1, 3), (0.1, 0)), "zero points 0"),
    (unary_model("ABS", "int16", (0.1, 0), None), "no quantization parameters"),
    (unary_model("ABS", "int8", (1e-3, 0), (1e-14, 0)), "too far apart"),
    (unary_model("RSQRT", "int16"), "needs quantized tensors"),
    (unary_model("RSQRT", "int32"), "float32, int8 and int16 are"),
    (unary_model("RSQRT", "int16", (0.1, 2), (0.1, 0)), "zero points 0"),
    (unary_model("RSQRT", "int8", (0.1, 2), None), "no quantization parameters"),
    (unary_model("RSQRT", "int8", (0.1, 0), (1e8, 0)), "too far apart"),
    (unary_model("L2_NORMALIZATION", "int16", (0.1, 0), (0.1, 0), options=True), "float32 and int8 are"),
    (unary_model("L2_NORMALIZATION", "float32", shape=(1, 2, 2, 2, 3), options=True), "takes 1 to 4"),
    (unary_model("L2_NORMALIZATION", "int8", (0.1, 0), (1 / 128, 0), shape=(1, 33026), options=True),
     "holds at most 33025"),
])
def test_unsupported_fails_at_generation(model, needle):
    with pytest.raises(UnsupportedError, match=needle):
        _lower(model)


def test_refusals_name_types_and_shapes():
    from tflite_build import build
    mixed = build(tensors=[dict(shape=[4], dtype="int8", scale=0.1, zp=0), dict(shape=[4], dtype="int16", scale=0.1, zp=0)],
                  ops=[dict(op="ABS", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedError, match="input dtype int8 and output dtype int16 differ"):
        _lower(mixed)
    relu = build(tensors=[dict(shape=[2, 4], dtype="float32"), dict(shape=[2, 4], dtype="float32")],
                 ops=[dict(op="L2_NORMALIZATION", inputs=[0], outputs=[1], options_type="L2NormOptions",
                           options=dict(fused_activation_function=1))], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedError, match="fused activation"):
        _lower(relu)
    shapes = build(tensors=[dict(shape=[2, 4], dtype="float32"), dict(shape=[8], dtype="float32")],
                   ops=[dict(op="EXP", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedError, match=r"shape \[2, 4\] and output shape \[8\] differ"):
        _lower(shapes)
    count = build(tensors=[dict(shape=[2, 4], dtype="float32"), dict(shape=[7], dtype="float32")],
                  ops=[dict(op="LOG", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])
    with pytest.raises(UnsupportedError, match="different element counts"):
        _lower(count)


def test_other_shape_same_count(tmp_path):
    """ABS, LOG, SQRT, RSQRT and NEG take any output shape with as many elements (TFLM checks only the
    types)."""
    from tflite_build import build
    x = np.random.default_rng(2).uniform(0.1, 5, (2, 6)).astype(np.float32)
    model = build(tensors=[dict(shape=[2, 6], dtype="float32"), dict(shape=[3, 4], dtype="float32"),
                           dict(shape=[12], dtype="float32")],
                  ops=[dict(op="SQRT", inputs=[0], outputs=[1]), dict(op="LOG", inputs=[1], outputs=[2])],
                  inputs=[0], outputs=[2])
    run_both(model, tmp_path, [x])


def test_inplace_chain():
    """Each element-wise kernel of the float chain writes over its dying input: the arena holds little
    more than the input and one temporary."""
    prog = _lower(open(os.path.join(TEST_MODELS, "unary_chain_float.tflite"), "rb").read())
    g = prog.graph
    io_bytes = g.tensors[g.inputs[0]].nbytes
    unary = [o for o in g.ops if o.type in ("ABS", "SQRT", "NEG", "EXP", "RSQRT", "LOG")]
    assert any(prog.offsets[o.outputs[0]] == prog.offsets[o.inputs[0]] for o in unary)
    assert prog.arena_bytes <= 4 * io_bytes


@pytest.mark.parametrize("name", ["unary_chain_float", "unary_rsqrt_s8_q2", "unary_l2norm_s8_r2_zp",
                                  "unary_abs_s16_rescale"])
def test_cortex_m4_matches_tflm(name):
    """The generated C cross-compiled for the Cortex-M4F (-Wall -Wextra -Werror) and run under QEMU
    (newlib's expf/logf/sqrtf), negative, zero and denormal inputs included."""
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    rng = np.random.default_rng(11)
    with QemuModel(path) as qm:
        inputs = [_inputs(t, rng, "rsqrt" in name) for t in qm.inputs]
        for x in inputs:   # the firmware's inputs are C literals: finite values only
            if x.dtype == np.float32:
                x[~np.isfinite(x)] = 0.5
        for o, r in zip(qm.run(inputs), tflm_run(path, inputs)):
            same(o, r, name)


def test_cross_compiles_for_cortex_m4_os(tmp_path):
    """Every kernel of the family in one model set, compiled as a Cortex-M4F build compiles it (-Os)."""
    import subprocess
    from platformio_tinyml.api import generate, library_dir
    flags = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-Os", "-std=c99",
             "-Wall", "-Wextra", "-Werror"]
    for name in ("unary_chain_float", "unary_abs_s8_rescale", "unary_abs_i16_plain", "unary_rsqrt_s16_q0",
                 "unary_l2norm_s8_r4", "unary_l2norm_f32_r4"):
        rep = generate(os.path.join(TEST_MODELS, f"{name}.tflite"), str(tmp_path / name), name=name, arch="cortex-m4")
        src = next(f for f in rep.files if f.endswith(".c"))
        res = subprocess.run(["arm-none-eabi-gcc", *flags, "-I", str(library_dir() / "src"), "-c", src,
                              "-o", str(tmp_path / f"{name}.o")], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr

"""CAST: generated C vs TFLite Micro."""
import glob
import os
import shutil
import subprocess

import numpy as np
import pytest

from conftest import SHARED_MODELS, TEST_MODELS
from tflm_oracle import assert_same, tflm_run

from modelgen.cast import cast_chain, cast_model
from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.targets.qemurun import QemuModel

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "cast_*.tflite")))
INTS = ("int8", "int16", "int32", "uint32")

#: float32 values at the edges of every output type: truncation, saturation, NaN, infinities
F32_EDGES = np.array([0.0, -0.0, 0.99, -0.99, 1.5, -1.5, np.nan, -np.nan, np.inf, -np.inf, 127.0, 127.99, 128.0,
                      -128.0, -128.99, -129.0, 255.5, 32767.5, 32768.0, -32768.9, -32769.0, 65535.9, 2147483520.0,
                      2147483648.0, -2147483648.0, -2147483904.0, 4294967040.0, 4294967296.0, 1e20, -1e20, 1e-40,
                      -1e-45, 3.4e38, -3.4e38], np.float32)


def same(ours, ref, what="output"):
    """Bit-exact for integers; floats within tolerance, with NaN where TFLM has NaN and equal infinities."""
    ours, ref = np.asarray(ours), np.asarray(ref).reshape(np.shape(ours))
    if np.issubdtype(ref.dtype, np.floating):
        nan = np.isnan(ref)
        assert np.array_equal(np.isnan(ours), nan), f"{what}: NaN differs"
        fin = ~nan
        assert np.array_equal(np.isinf(ours[fin]), np.isinf(ref[fin])), f"{what}: infinities differ"
        inf = np.isinf(ref)
        assert np.array_equal(ours[inf], ref[inf]), f"{what}: infinities differ"
        assert_same(ours[~(nan | inf)], ref[~(nan | inf)], what)
    else:
        assert_same(ours, ref, what)


def _inputs(t, rng):
    """The whole range of an integer type (its extremes included); floats of every magnitude up to
    1e11 of both signs, with edge values."""
    if t.dtype == "float32":
        x = (rng.standard_normal(t.shape) * 10.0 ** rng.integers(-3, 12, t.shape)).astype(np.float32)
        flat = x.reshape(-1)
        k = min(flat.size // 3, F32_EDGES.size)
        flat[rng.choice(flat.size, k, replace=False)] = F32_EDGES[rng.choice(F32_EDGES.size, k, replace=False)]
        return x
    info = np.iinfo(t.np_dtype)
    x = rng.integers(info.min, info.max, t.shape, endpoint=True, dtype=np.int64).astype(t.np_dtype)
    flat = x.reshape(-1)
    flat[:4] = [info.min, info.max, 0, -1 if info.min < 0 else 1]
    return x


def check(path, seeds=(0, 1, 2), cc=None):
    with HostModel(str(path), name="model", cc=cc) as hm:
        for seed in seeds:
            rng = np.random.default_rng(seed)
            inputs = [_inputs(t, rng) for t in hm.inputs]
            for o, r in zip(hm.run(inputs), tflm_run(str(path), inputs)):
                same(o, r, f"{os.path.basename(path)} seed {seed}")


def run_both(model: bytes, tmp_path, inputs: list):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)
    for o, r in zip(ours, tflm_run(str(path), inputs)):
        same(o, r)


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


def test_models_exist():
    assert len(MODELS) >= 45, "run: python tests/make_models.py cast"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check(path)


@pytest.mark.parametrize("dst", ["int8", "int16", "int32", "uint32", "float32"])
def test_float_edges(tmp_path, dst):
    """float32 -> each type: truncation toward zero, saturation at both ends, NaN -> 0, infinities."""
    run_both(cast_model("float32", dst, F32_EDGES.shape), tmp_path, [F32_EDGES])


def test_float_edges_to_bool(tmp_path):
    """NaN, -0.0 and denormals through bool (NaN and denormals are true, -0.0 false)."""
    run_both(cast_chain(["float32", "bool", "float32"], F32_EDGES.shape), tmp_path, [F32_EDGES])


@pytest.mark.parametrize("src", INTS)
@pytest.mark.parametrize("dst", INTS + ("float32",))
def test_integer_extremes(tmp_path, src, dst):
    """The low bits of each integer's extremes and neighbours; to float32, rounding of 2^31 - 1,
    2^32 - 1 and odd values above 2^24."""
    info = np.iinfo(src)
    vals = sorted({int(v) for v in (info.min, info.min + 1, -129, -128, -1, 0, 1, 127, 128, 255, 256, 32767,
                                    32768, 65535, 65536, 16777217, -16777217, info.max - 1, info.max)
                   if info.min <= v <= info.max})
    x = np.array(vals, np.int64).astype(src)
    run_both(cast_model(src, dst, x.shape), tmp_path, [x])


def test_views_are_aliases():
    """A type to itself and int32 <-> uint32 call no kernel: the output is the input's bytes."""
    for name in ("cast_s32_u32", "cast_u32_s32", "cast_f32_f32", "cast_s8_s8"):
        prog = _lower(open(os.path.join(TEST_MODELS, f"{name}.tflite"), "rb").read())
        assert prog.calls == [] and prog.alias_of == {1: 0}, name
    prog = _lower(open(os.path.join(TEST_MODELS, "cast_audio_spectrum.tflite"), "rb").read())
    casts = [o for o in prog.graph.ops if o.type == "CAST"]
    assert all(o.outputs[0] in prog.alias_of for o in casts)
    assert not any(c.fn.startswith("tml_cast") for c in prog.calls)


def test_constant_view_is_copied():
    prog = _lower(open(os.path.join(TEST_MODELS, "cast_const_view.tflite"), "rb").read())
    assert [c.fn for c in prog.calls][:1] == ["tml_copy"]


def test_narrowing_runs_in_place():
    """int32 -> int8 (the audio front end's last CAST) writes over its dying input."""
    prog = _lower(open(os.path.join(TEST_MODELS, "cast_audio_features_int8.tflite"), "rb").read())
    last = prog.graph.ops[-1]
    assert last.type == "CAST" and prog.offsets[last.outputs[0]] == prog.offsets[last.inputs[0]]


@pytest.mark.parametrize("model", ["audio_preprocessor_int8", "audio_preprocessor_float"])
def test_shared_audio_model_casts(tmp_path, model):
    """Each CAST of the shared audio front ends (uint32 -> int32, int32 -> uint32, int16 -> int32,
    int16 -> float32, int32 -> int8) on its own, with the model's shapes, over the inputs' whole range."""
    g = read_model(os.path.join(SHARED_MODELS, f"{model}.tflite"))
    casts = [o for o in g.ops if o.type == "CAST"]
    assert len(casts) >= 3
    rng = np.random.default_rng(4)
    for op in casts:
        src, dst = g.tensors[op.inputs[0]], g.tensors[op.outputs[0]]
        run_both(cast_model(src.dtype, dst.dtype, src.shape, dst.shape), tmp_path, [_inputs(src, rng)])


@pytest.mark.parametrize("src,dst,needle", [
    ("uint8", "int32", "input dtype uint8 is not supported"),
    ("int32", "uint8", "output dtype uint8 is not supported"),
    ("int64", "int32", "input dtype int64"),
    ("int32", "int64", "output dtype int64"),
    ("uint16", "int32", "input dtype uint16"),
    ("int32", "uint16", "output dtype uint16"),
    ("uint64", "uint32", "input dtype uint64"),
    ("float32", "uint64", "output dtype uint64"),
])
def test_unsupported_types_refused(src, dst, needle):
    with pytest.raises(UnsupportedError, match=needle):
        _lower(cast_model(src, dst, (4,)))


def test_shape_mismatch_refused():
    with pytest.raises(UnsupportedError, match="different element counts"):
        _lower(cast_model("int32", "float32", (2, 3), (5,)))


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["cast_f32_s8", "cast_f32_u32", "cast_u32_f32", "cast_f32_bool_s32"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    check(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


@pytest.mark.parametrize("name", ["cast_f32_s8", "cast_f32_u32", "cast_u32_f32", "cast_audio_features_int8",
                                  "cast_s16_bool_f32"])
def test_cortex_m4_matches_tflm(name):
    """Under QEMU (the M4's VCVT saturates where x86 does not: the kernels never depend on either)."""
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    rng = np.random.default_rng(12)
    with QemuModel(path) as qm:
        inputs = [_inputs(t, rng) for t in qm.inputs]
        for x in inputs:   # the firmware's inputs are C literals: finite values only
            if x.dtype == np.float32:
                x[~np.isfinite(x)] = -2.5e9
        for o, r in zip(qm.run(inputs), tflm_run(path, inputs)):
            same(o, r, name)


def test_cross_compiles_for_cortex_m4_os(tmp_path):
    """Every CAST kernel, compiled as a Cortex-M4F build compiles it (-Os, -Werror)."""
    from platformio_tinyml.api import library_dir
    src = tmp_path / "all.c"
    calls = []
    short = {"int8": ("s8", "int8_t"), "int16": ("s16", "int16_t"), "int32": ("s32", "int32_t"),
             "uint32": ("u32", "uint32_t"), "float32": ("f32", "float"), "bool": ("bool", "uint8_t")}
    for a, (sa, ca) in short.items():
        for b, (sb, cb) in short.items():
            if a != b and {a, b} != {"int32", "uint32"}:
                calls.append(f"void f_{sa}_{sb}(const {ca} *x, {cb} *y) {{ tml_cast_{sa}_{sb}(&p, x, y); }}")
    assert len(calls) == 28
    src.write_text('#include "tinyml.h"\nstatic const tml_cast_params p = {64};\n' + "\n".join(calls) + "\n")
    flags = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-Os", "-std=c99",
             "-Wall", "-Wextra", "-Werror", "-Wno-missing-prototypes"]
    res = subprocess.run(["arm-none-eabi-gcc", *flags, "-I", str(library_dir() / "src"), "-c", str(src),
                          "-o", str(tmp_path / "all.o")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr

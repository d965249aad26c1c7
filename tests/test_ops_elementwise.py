"""ADD, MUL, QUANTIZE, DEQUANTIZE: generated C vs TFLite Micro."""
import glob
import os
import shutil

import numpy as np
import pytest

from conftest import SHARED_MODELS, TEST_MODELS
from tflite_build import build
from tflm_oracle import assert_same, check_against_tflm, tflm_run

from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "elementwise_*.tflite")))


def test_models_exist():
    assert len(MODELS) >= 50, "run: python tests/make_models.py elementwise"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["elementwise_fio_add_mul_int16", "elementwise_add_bcast_5d_int8",
                                  "elementwise_mul_bcast_2way_float", "elementwise_requant_s16_s32",
                                  "elementwise_add_i32_bcast"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    check_against_tflm(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


def test_simple_add_model():
    """The TFLM memory-footprint example: int8 ADD of two 1x128x128x1 inputs."""
    check_against_tflm(os.path.join(SHARED_MODELS, "simple_add_model.tflite"), seeds=(0, 5))


def _run_both(model: bytes, tmp_path, inputs: list):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)
    ref = tflm_run(str(path), inputs)
    for o, r in zip(ours, ref):
        assert_same(o, r)


@pytest.mark.parametrize("dst,scale,zp", [("int8", 0.25, 3), ("int8", 0.01, -128), ("int16", 0.5, 0),
                                          ("int16", 1e-4, 0)])
def test_quantize_halfway_and_saturation(tmp_path, dst, scale, zp):
    """Exact halves (round away from zero) and values far out of range (saturate).

    Quotients beyond the int32 range are left out: TFLM's float -> int32 cast is undefined
    there (x86 gives INT32_MIN, Arm saturates); our kernel saturates."""
    model = build(tensors=[dict(shape=[40], dtype="float32"), dict(shape=[40], dtype=dst, scale=scale, zp=zp)],
                  ops=[dict(op="QUANTIZE", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])
    k = np.arange(-20, 20, dtype=np.float32)
    x = ((k + 0.5) * np.float32(scale)).astype(np.float32)
    x[:4] = np.float32(scale) * np.array([2e6, -2e6, 7e4, -7e4], np.float32)
    _run_both(model, tmp_path, [x])


@pytest.mark.parametrize("dtype,scales,zps", [("int8", (0.5, 0.001, 0.003), (-128, 127, 0)),
                                              ("int8", (0.02, 0.02, 0.5), (0, 0, 100)),
                                              ("int16", (0.001, 0.0003, 0.0002), (0, 0, 0))])
@pytest.mark.parametrize("op", ["ADD", "MUL"])
def test_extreme_scales(tmp_path, dtype, scales, zps, op):
    """Very different input scales and zero points at the ends of the range, full-range inputs."""
    t = [dict(shape=[2, 3, 4], dtype=dtype, scale=s, zp=z) for s, z in zip(scales, zps)]
    t[1]["shape"] = [3, 1]
    model = build(tensors=t, ops=[dict(op=op, inputs=[0, 1], outputs=[2])], inputs=[0, 1], outputs=[2])
    rng = np.random.default_rng(9)
    info = np.iinfo(dtype)
    a = rng.integers(info.min, info.max + 1, (2, 3, 4)).astype(dtype)
    b = rng.integers(info.min, info.max + 1, (3, 1)).astype(dtype)
    a.flat[:2] = [info.min, info.max]
    b.flat[:2] = [info.min, info.max]
    _run_both(model, tmp_path, [a, b])


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


@pytest.mark.parametrize("tensors,op,needle", [
    ([dict(shape=[4], dtype="int8", scale=0.1, zp=0), dict(shape=[4], dtype="int16", scale=0.1, zp=0),
      dict(shape=[4], dtype="int8", scale=0.1, zp=0)], "ADD", "float32, int8, int16 or int32"),
    ([dict(shape=[4], dtype="int16", scale=0.1, zp=3), dict(shape=[4], dtype="int16", scale=0.1, zp=0),
      dict(shape=[4], dtype="int16", scale=0.1, zp=0)], "MUL", "zero points of 0"),
    ([dict(shape=[4], dtype="float32"), dict(shape=[4], dtype="int32", scale=0.1, zp=0)], "QUANTIZE",
     "float32 -> int8/int16"),
    ([dict(shape=[4], dtype="int32", scale=0.1, zp=0), dict(shape=[4], dtype="float32")], "DEQUANTIZE",
     "int8, uint8 and int16 to float32"),
])
def test_unsupported_fails_at_generation(tensors, op, needle):
    n = len(tensors)
    model = build(tensors=tensors, ops=[dict(op=op, inputs=list(range(n - 1)), outputs=[n - 1])],
                  inputs=list(range(n - 1)), outputs=[n - 1])
    with pytest.raises(UnsupportedError, match=needle):
        _lower(model)


def test_inplace_shrinks_arena():
    """Element-wise kernels may write over an input that dies at the operator."""
    prog = _lower(open(os.path.join(TEST_MODELS, "elementwise_fio_add_mul_int8.tflite"), "rb").read())
    g = prog.graph
    add = next(o for o in g.ops if o.type == "ADD")
    assert prog.offsets[add.outputs[0]] in (prog.offsets[add.inputs[0]], prog.offsets[add.inputs[1]])

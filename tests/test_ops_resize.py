"""SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR: generated C vs TFLite Micro."""
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
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "resize_*.tflite")))
_Q = {"float32": {}, "int8": dict(scale=0.05, zp=-3), "int16": dict(scale=0.001, zp=0)}


def test_models_exist():
    assert len(MODELS) >= 50, "run: python tests/make_models.py resize"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path, seeds=(0, 1, 2))


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["resize_bl_half_int8", "resize_bl_align_f32", "resize_nn_half_int16",
                                  "resize_s2d_b3_int8", "resize_d2s_b2_f32"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    check_against_tflm(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


def _resize_model(op, dtype, in_shape, size, align=False, half=False, out_shape=None, size_dtype="int32"):
    opts = "ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions"
    out_shape = out_shape or [in_shape[0], size[0], size[1], in_shape[3]]
    return build(tensors=[dict(shape=list(in_shape), dtype=dtype, **_Q[dtype]),
                          dict(shape=[len(size)], dtype=size_dtype, data=np.array(size, size_dtype)),
                          dict(shape=list(out_shape), dtype=dtype, **_Q[dtype])],
                 ops=[dict(op=op, inputs=[0, 1], outputs=[2], options_type=opts,
                           options=dict(align_corners=align, half_pixel_centers=half))],
                 inputs=[0], outputs=[2])


def _block_model(op, dtype, in_shape, out_shape, block):
    opts = "SpaceToDepthOptions" if op == "SPACE_TO_DEPTH" else "DepthToSpaceOptions"
    return build(tensors=[dict(shape=list(in_shape), dtype=dtype, **_Q[dtype]),
                          dict(shape=list(out_shape), dtype=dtype, **_Q[dtype])],
                 ops=[dict(op=op, inputs=[0], outputs=[1], options_type=opts, options=dict(block_size=block))],
                 inputs=[0], outputs=[1])


def _run_both(model: bytes, tmp_path, inputs: list):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)
    ref = tflm_run(str(path), inputs)
    for o, r in zip(ours, ref):
        assert_same(o, r)


def _extremes(dtype, shape, rng):
    if dtype == "float32":
        x = rng.uniform(-100, 100, shape).astype(np.float32)
        x.flat[:3] = [0.0, -1e30, 1e30][: x.size]
        return x
    info = np.iinfo(dtype)
    x = rng.choice(np.array([info.min, info.max, info.min + 1, -1, 0, 1], np.int64), shape).astype(dtype)
    x.flat[::3] = rng.integers(info.min, info.max + 1, x.flat[::3].shape)
    return x


# every option combination TFLM accepts, on up- and downscales by whole and fractional factors
SWEEP = [((1, 3, 4, 2), (7, 9)), ((1, 6, 5, 4), (4, 2)), ((2, 5, 3, 3), (5, 8)), ((1, 2, 7, 8), (11, 7)),
         ((1, 4, 4, 5), (1, 12)), ((1, 7, 1, 1), (2, 3))]
OPTIONS = [(False, False), (True, False), (False, True)]


@pytest.mark.parametrize("align,half", OPTIONS)
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_bilinear_sweep(tmp_path, dtype, align, half):
    """Extreme values (int8 range ends, alternating -1 / 0 / 1 where TFLM's rounding has halves)."""
    rng = np.random.default_rng(5)
    for in_shape, size in SWEEP:
        _run_both(_resize_model("RESIZE_BILINEAR", dtype, in_shape, size, align, half), tmp_path,
                  [_extremes(dtype, in_shape, rng)])


@pytest.mark.parametrize("align,half", OPTIONS + [(True, True)])
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_nearest_sweep(tmp_path, dtype, align, half):
    rng = np.random.default_rng(6)
    for in_shape, size in SWEEP[:4]:
        _run_both(_resize_model("RESIZE_NEAREST_NEIGHBOR", dtype, in_shape, size, align, half), tmp_path,
                  [_extremes(dtype, in_shape, rng)])


MANY_SIZES = [(a, b) for a in (1, 2, 3, 5, 8, 13, 37) for b in (1, 4, 7, 16, 29)]


@pytest.mark.parametrize("op,dtype,align,half", [
    *[("RESIZE_BILINEAR", d, a, h) for d in ("int8", "float32") for a, h in OPTIONS],
    *[("RESIZE_NEAREST_NEIGHBOR", d, a, h) for d in ("int8", "int16", "float32") for a, h in OPTIONS + [(True, True)]]])
def test_many_sizes_one_model(tmp_path, op, dtype, align, half):
    """35 resizes of one input to every output size from 1 to 37 (whole and fractional factors, up and
    down) in one model, each an output: the generator's index and weight tables for all of them."""
    h, w = (3, 5) if (align + half + len(dtype)) % 2 else (6, 4)
    tens = [dict(shape=[1, h, w, 3], dtype=dtype, **_Q[dtype])]
    ops, outs = [], []
    for oh, ow in MANY_SIZES:
        tens += [dict(shape=[2], dtype="int32", data=np.array([oh, ow], np.int32)),
                 dict(shape=[1, oh, ow, 3], dtype=dtype, **_Q[dtype])]
        ops.append(dict(op=op, inputs=[0, len(tens) - 2], outputs=[len(tens) - 1],
                        options_type="ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else
                        "ResizeNearestNeighborOptions", options=dict(align_corners=align, half_pixel_centers=half)))
        outs.append(len(tens) - 1)
    rng = np.random.default_rng(len(outs))
    _run_both(build(tensors=tens, ops=ops, inputs=[0], outputs=outs), tmp_path, [_extremes(dtype, (1, h, w, 3), rng)])


def test_bilinear_halfway_rounding(tmp_path):
    """Outputs exactly halfway between two int8 values, positive and negative: TFLM rounds them away
    from zero."""
    x = np.array([-3, 0, 3, -128, 127, -1, 0, 1], np.int8).reshape(1, 1, 8, 1)
    _run_both(_resize_model("RESIZE_BILINEAR", "int8", (1, 1, 8, 1), (1, 16)), tmp_path, [x])
    _run_both(_resize_model("RESIZE_BILINEAR", "int8", (1, 1, 8, 1), (2, 32), half=True), tmp_path, [x])


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("block,shape", [(2, (1, 4, 4, 1)), (2, (2, 2, 6, 3)), (4, (1, 8, 4, 2)), (1, (1, 3, 3, 2))])
def test_block_sweep(tmp_path, dtype, block, shape):
    n, h, w, c = shape
    rng = np.random.default_rng(block)
    s2d = _block_model("SPACE_TO_DEPTH", dtype, shape, (n, h // block, w // block, c * block * block), block)
    _run_both(s2d, tmp_path, [_extremes(dtype, shape, rng)])
    d2s_in = (n, h // block, w // block, c * block * block)
    d2s = _block_model("DEPTH_TO_SPACE", dtype, d2s_in, shape, block)
    _run_both(d2s, tmp_path, [_extremes(dtype, d2s_in, rng)])


@pytest.mark.parametrize("op,dtype,size,align,half", [
    ("RESIZE_NEAREST_NEIGHBOR", "int16", (3, 5), False, False), ("RESIZE_NEAREST_NEIGHBOR", "float32", (3, 5), True, False),
    ("RESIZE_NEAREST_NEIGHBOR", "int8", (3, 5), False, True), ("RESIZE_BILINEAR", "int8", (3, 5), False, False),
    ("RESIZE_BILINEAR", "int8", (3, 5), True, False), ("RESIZE_BILINEAR", "int8", (3, 5), False, True)])
def test_identity_resize_is_alias(tmp_path, op, dtype, size, align, half):
    """A resize to the input's own size copies every value: the output is the input's bytes, no kernel."""
    model = _resize_model(op, dtype, (2, 3, 5, 4), size, align, half)
    prog = _lower(model)
    assert not [c for c in prog.calls if c.op_type == op] and prog.offsets[2] == prog.offsets[0]
    _run_both(model, tmp_path, [_extremes(dtype, (2, 3, 5, 4), np.random.default_rng(1))])


def test_block_size_one_is_alias():
    for op in ("SPACE_TO_DEPTH", "DEPTH_TO_SPACE"):
        prog = _lower(_block_model(op, "int8", (1, 3, 3, 2), (1, 3, 3, 2), 1))
        assert not prog.calls and prog.offsets[1] == prog.offsets[0]


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


@pytest.mark.parametrize("model,needle", [
    (_resize_model("RESIZE_BILINEAR", "int16", (1, 2, 2, 1), (4, 4)), "float32 or int8"),
    (_resize_model("RESIZE_BILINEAR", "int8", (1, 2, 2, 1), (4, 4), True, True), "cannot both be true"),
    (_resize_model("RESIZE_NEAREST_NEIGHBOR", "int8", (1, 2, 2, 1), (4, 4, 1), out_shape=[1, 4, 4, 1]),
     "2 values"),
    (_resize_model("RESIZE_NEAREST_NEIGHBOR", "int8", (1, 2, 2, 1), (4, 4), out_shape=[1, 4, 5, 1]),
     "should be"),
    (_resize_model("RESIZE_NEAREST_NEIGHBOR", "int8", (1, 2, 2, 1), (4, 4), size_dtype="int64"), "int32"),
    (build(tensors=[dict(shape=[2, 2, 1], dtype="int8", scale=0.1, zp=0),
                    dict(shape=[2], dtype="int32", data=np.array([4, 4], np.int32)),
                    dict(shape=[4, 4, 1], dtype="int8", scale=0.1, zp=0)],
           ops=[dict(op="RESIZE_BILINEAR", inputs=[0, 1], outputs=[2])], inputs=[0], outputs=[2]), "4-D"),
    (build(tensors=[dict(shape=[1, 2, 2, 1], dtype="float32"), dict(shape=[2], dtype="int32"),
                    dict(shape=[1, 4, 4, 1], dtype="float32")],
           ops=[dict(op="RESIZE_NEAREST_NEIGHBOR", inputs=[0, 1], outputs=[2])], inputs=[0, 1], outputs=[2]),
     "constant int32"),
    (_block_model("SPACE_TO_DEPTH", "int16", (1, 2, 2, 1), (1, 1, 1, 4), 2), "float32 or int8"),
    (_block_model("SPACE_TO_DEPTH", "int8", (1, 3, 2, 1), (1, 1, 1, 4), 2), "multiples of block_size"),
    (_block_model("DEPTH_TO_SPACE", "float32", (1, 1, 1, 6), (1, 2, 2, 1), 2), "multiple of block_size"),
    (_block_model("DEPTH_TO_SPACE", "int8", (1, 1, 1, 4), (1, 2, 2, 1), 0), "at least 1"),
    (_block_model("DEPTH_TO_SPACE", "int8", (1, 1, 1, 4), (1, 1, 4, 1), 2), "should be"),
], ids=["bl_int16", "bl_align_half", "size_3", "out_shape", "size_int64", "rank3", "size_not_const",
        "s2d_int16", "s2d_indivisible", "d2s_depth", "d2s_block0", "d2s_shape"])
def test_unsupported_fails_at_generation(model, needle):
    with pytest.raises(UnsupportedError, match=needle):
        _lower(model)

"""BATCH_MATMUL: generated C vs TFLite Micro (int8, int16, float32), on the host and on the Cortex-M4 under
QEMU; sweeps of ranks, broadcasts, adj_x / adj_y, constant and variable rhs, zero points; edge values;
the refusals."""
import glob
import os

import numpy as np
import pytest

from conftest import TEST_MODELS
from tflite_build import build
from tflm_oracle import assert_same, check_against_tflm, random_input, tflm_run

from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.lower.registry import ScratchRef
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.targets.qemurun import QemuModel

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "batch_matmul_*.tflite")))


def test_models_exist():
    assert len(MODELS) >= 27, "run: python tests/make_models.py batch_matmul"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path)


M4_MODELS = ["batch_matmul_attention_int8", "batch_matmul_adj_x_int8", "batch_matmul_const_rhs_int8",
             "batch_matmul_const_rhs_bcast_int8", "batch_matmul_rank5_int8", "batch_matmul_bcast_lhs_int8",
             "batch_matmul_attention_f32", "batch_matmul_adj_x_int16x8"]


@pytest.mark.parametrize("name", M4_MODELS)
def test_cortex_m4_matches_tflm(name):
    """The Armv7E-M kernel (a constant rhs packed by the generator, a variable one transposed in planned
    scratch), cross-compiled with -Werror, run under QEMU."""
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    with QemuModel(path, "m") as target:
        for seed in (0, 1):
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            for o, r in zip(target.run(inputs), tflm_run(path, inputs)):
                assert_same(o, r, f"{name} seed {seed} (Cortex-M4)")


def bmm_model(dtype, ls, rs, adj_x=False, adj_y=False, const_rhs=False, zps=(3, -7, 5), scales=(0.05, 0.03, 0.2),
              seed=0, rhs_data=None):
    rng = np.random.default_rng(seed)
    rows, depth = (ls[-1], ls[-2]) if adj_x else (ls[-2], ls[-1])
    cols = rs[-2] if adj_y else rs[-1]
    rank = max(len(ls), len(rs))
    le, re_ = [1] * (rank - len(ls)) + list(ls), [1] * (rank - len(rs)) + list(rs)
    oshape = [max(a, b) for a, b in zip(le[:-2], re_[:-2])] + [rows, cols]
    if dtype == "float32":
        q = [{}, {}, {}]
    else:
        z = zps if dtype == "int8" else (0, 0, 0)
        q = [dict(scale=s, zp=zz) for s, zz in zip(scales, z)]
    data = rhs_data
    if const_rhs and data is None:
        data = rng.uniform(-1, 1, rs).astype(np.float32) if dtype == "float32" else \
            random_input(dtype, rs, rng)
    t = [dict(shape=list(ls), dtype=dtype, **q[0]), dict(shape=list(rs), dtype=dtype, data=data, **q[1]),
         dict(shape=oshape, dtype=dtype, **q[2])]
    return build(tensors=t, ops=[dict(op="BATCH_MATMUL", inputs=[0, 1], outputs=[2], options_type="BatchMatMulOptions",
                                      options=dict(adj_x=adj_x, adj_y=adj_y))],
                 inputs=[0] if const_rhs else [0, 1], outputs=[2])


def _check(model: bytes, tmp_path, seeds=(0, 1), inputs=None, m4=False):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    if inputs is None:
        check_against_tflm(str(path), seeds=seeds)
    else:
        with HostModel(str(path), name="model") as hm:
            for o, r in zip(hm.run(inputs), tflm_run(str(path), inputs)):
                assert_same(o, r)
    if m4:
        with QemuModel(str(path), "m") as target:
            rng = np.random.default_rng(5)
            ins = inputs or [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            for o, r in zip(target.run(ins), tflm_run(str(path), ins)):
                assert_same(o, r, "Cortex-M4")


def _sweep():
    rng = np.random.default_rng(77)
    cases = []
    for k in range(30):
        dtype = ("int8", "int16", "float32")[k % 3]
        lr, rr = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        rank = max(lr, rr)
        batch = [int(rng.integers(1, 4)) for _ in range(rank - 2)]
        lb = [b if rng.random() < 0.6 else 1 for b in batch][rank - lr:]
        rb = [b if rng.random() < 0.6 else 1 for b in batch][rank - rr:]
        rows, depth, cols = (int(rng.integers(1, 7)), int(rng.integers(1, 21)), int(rng.integers(1, 9)))
        ax, ay = bool(k & 1), bool(k & 2)
        ls = lb + ([depth, rows] if ax else [rows, depth])
        rs = rb + ([cols, depth] if ay else [depth, cols])
        cases.append((dtype, ls, rs, ax, ay, k % 5 == 4, k))
    return cases


@pytest.mark.parametrize("dtype, ls, rs, adj_x, adj_y, const_rhs, seed", _sweep())
def test_sweep_ranks_broadcasts_adjoints(dtype, ls, rs, adj_x, adj_y, const_rhs, seed, tmp_path):
    _check(bmm_model(dtype, ls, rs, adj_x, adj_y, const_rhs, seed=seed), tmp_path, seeds=(seed,),
           m4=dtype == "int8" and seed % 3 == 0)


@pytest.mark.parametrize("zps", [(0, 0, 0), (-128, 127, -128), (127, -128, 127), (5, 0, -3)])
@pytest.mark.parametrize("const_rhs", [False, True])
def test_zero_points(zps, const_rhs, tmp_path):
    """Zero points at the ends of int8 (and symmetric rhs, the folded form of a constant rhs)."""
    _check(bmm_model("int8", [2, 3, 12], [2, 12, 5], zps=zps, const_rhs=const_rhs), tmp_path, m4=True)


@pytest.mark.parametrize("fill", [-128, 127])
def test_extremes_saturate(fill, tmp_path):
    for dtype in ("int8", "int16"):
        big = 32767 if fill > 0 else -32768
        x = np.full((2, 4, 16), fill if dtype == "int8" else big, np.int8 if dtype == "int8" else np.int16)
        y = np.full((2, 16, 4), 127 if dtype == "int8" else 32767, x.dtype)
        _check(bmm_model(dtype, [2, 4, 16], [2, 16, 4], zps=(0, 0, 0), scales=(0.5, 0.5, 0.1)), tmp_path,
               inputs=[x, y], m4=dtype == "int8")


def test_halfway_rounding(tmp_path):
    """Effective scale exactly 1/2: odd sums land on halves, which TFLM rounds away from zero."""
    rng = np.random.default_rng(3)
    x = rng.integers(-5, 6, (1, 3, 4)).astype(np.int8)
    y = rng.integers(-5, 6, (1, 4, 8)).astype(np.int8)
    _check(bmm_model("int8", [1, 3, 4], [1, 4, 8], zps=(0, 0, 0), scales=(1.0, 0.5, 1.0)), tmp_path, inputs=[x, y],
           m4=True)


def test_large_depth_int16(tmp_path):
    """int16 sums beyond int32: TFLM accumulates in 64 bits."""
    x = np.full((1, 2, 300), 32767, np.int16)
    y = np.full((1, 300, 3), -32768, np.int16)
    _check(bmm_model("int16", [1, 2, 300], [1, 300, 3], scales=(1.0, 1.0, 1e5)), tmp_path, inputs=[x, y])


def _lower_modified(name, edit, arch="reference"):
    g = read_model(os.path.join(TEST_MODELS, f"{name}.tflite"))
    edit(g)
    return lower_graph(g, arch)


def _t(g, k):
    return g.tensors[g.ops[0].inputs[k]] if k >= 0 else g.tensors[g.ops[0].outputs[0]]


def _set(obj, **kw):
    for k, v in kw.items():
        setattr(obj, k, v)


@pytest.mark.parametrize("name, edit, message", [
    ("batch_matmul_b2_3x4x5_f32", lambda g: _set(_t(g, 0), shape=(1, 1, 1, 2, 2, 3, 4)), "ranks 2 to 5"),
    ("batch_matmul_b2_3x4x5_f32", lambda g: _set(_t(g, 1), shape=(5,)), "ranks 2 to 5"),
    ("batch_matmul_b2_3x4x5_f32", lambda g: _set(_t(g, 1), shape=(3, 4, 5)), "do not broadcast"),
    ("batch_matmul_b2_3x4x5_f32", lambda g: _set(_t(g, 1), shape=(2, 6, 5)), "different accumulation depths"),
    ("batch_matmul_b2_3x4x5_f32", lambda g: _set(_t(g, -1), shape=(2, 3, 6)), "is not the product's shape"),
    ("batch_matmul_b2_3x4x5_int8", lambda g: _set(_t(g, 1), scale=np.array([0.1, 0.2], np.float32),
                                                  zero_point=np.zeros(2, np.int64)), "one scale per tensor"),
    ("batch_matmul_b2_3x4x5_int16x8", lambda g: _set(_t(g, 0), zero_point=np.array([4], np.int64)),
     "need zero point 0"),
    ("batch_matmul_b2_3x4x5_int8", lambda g: _set(_t(g, 1), dtype="int16"), "dtypes int8/int16/int8 are not"),
    ("batch_matmul_b2_3x4x5_f32", lambda g: _set(_t(g, -1), dtype="int32"), "dtypes float32/float32/int32"),
])
def test_refusals(name, edit, message):
    with pytest.raises(UnsupportedError, match=message):
        _lower_modified(name, edit)


def attention_block() -> bytes:
    """scores = q x k^T (adj_y), out = scores x v: int8, variable operands. At the second product q and k are
    dead, so the Cortex-M4 kernel's scratch (v transposed, column terms) costs no arena there."""
    q = dict(dtype="int8", scale=0.05, zp=-3)
    t = [dict(shape=[2, 16, 32], **q), dict(shape=[2, 16, 32], dtype="int8", scale=0.04, zp=7),
         dict(shape=[2, 16, 32], dtype="int8", scale=0.03, zp=0), dict(shape=[2, 16, 16], dtype="int8", scale=0.5, zp=2),
         dict(shape=[2, 16, 32], dtype="int8", scale=0.25, zp=-1)]
    ops = [dict(op="BATCH_MATMUL", inputs=[0, 1], outputs=[3], options_type="BatchMatMulOptions",
                options=dict(adj_x=False, adj_y=True)),
           dict(op="BATCH_MATMUL", inputs=[3, 2], outputs=[4], options_type="BatchMatMulOptions",
                options=dict(adj_x=False, adj_y=False))]
    return build(tensors=t, ops=ops, inputs=[0, 1, 2], outputs=[4])


def test_attention_block_scratch_where_free(tmp_path):
    """Scratch is planned only where it leaves the arena as small as without it (as for the other kernels
    with optional scratch): the second product gets it; the first (adj_y) reads its operands in place and
    needs none; both equal TFLM on the Cortex-M4."""
    model = attention_block()
    ref = lower_graph(read_model("attention.tflite", model), "reference")
    m4 = lower_graph(read_model("attention.tflite", model), "cortex-m4")
    assert ref.scratch_offsets == [] and m4.arena_bytes == ref.arena_bytes
    assert [isinstance(c.params["scratch"], ScratchRef) for c in m4.calls] == [False, True]
    _check(model, tmp_path, m4=True)


def test_scratch_only_on_the_cortex_m4_path():
    """TFLM keeps transposed copies of the operands in its arena; the reference kernels read them in place,
    a constant rhs is packed by the generator (no scratch), and a lone variable product gives its scratch
    up (it would make the arena larger)."""
    ref = _lower_modified("batch_matmul_b2_3x4x5_int8", lambda g: None)
    m4 = _lower_modified("batch_matmul_b2_3x4x5_int8", lambda g: None, "cortex-m4")
    const = _lower_modified("batch_matmul_const_rhs_int8", lambda g: None, "cortex-m4")
    assert ref.scratch_offsets == [] and const.scratch_offsets == [] and m4.scratch_offsets == []
    assert m4.arena_bytes == ref.arena_bytes
    assert const.calls[0].params["rhs_const"] == 1
    assert ref.macs == 2 * 3 * 4 * 5

"""TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, EXPAND_DIMS, SHAPE, BROADCAST_TO, GATHER:
generated C vs TFLite Micro."""
import glob
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tflm_oracle import assert_same, random_input, tflm_run

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = sorted(glob.glob(os.path.join(HERE, "models", "movement_*.tflite")))

# models that TFLite Micro refuses: the generator must refuse them too, with this in the message
REJECTED = {
    "movement_bad_transpose_6d": "takes 1 to 5 dimensions",
    "movement_bad_transpose_int32": "dtype int32 is not supported",
    "movement_bad_gather_int16": "dtype int16 is not supported",
    "movement_bad_gather_int64_positions": "positions of dtype int64",
    "movement_bad_gather_const_range": "position 4 is outside",
    "movement_bad_expand_dims_int32": "dtype int32 is not supported",
    "movement_bad_shape_int64": "writes int32 only",
    "movement_bad_slice_int64": "dtype int64 is not supported",
    "movement_bad_slice_6d": "up to 5 dimensions",
    "movement_bad_unpack_int64": "dtype int64 is not supported",
    "movement_bad_broadcast_6d": "up to 5 dimensions",
}


def _id(path):
    return os.path.basename(path)[:-len(".tflite")]


def _path(name):
    return os.path.join(HERE, "models", f"{name}.tflite")


def _feed(hm, rng, path):
    """Random inputs; int32 inputs of a GATHER (positions) drawn inside the dimension they index, int64 wide."""
    from platformio_tinyml.read.reader import read_model
    g = read_model(path)
    limits = {}
    for op in g.ops:
        if op.type == "GATHER":
            table = g.tensors[op.inputs[0]]
            axis = op.options.get("axis", 0) % len(table.shape)
            limits[op.inputs[1]] = int(table.shape[axis])
    feeds = []
    for tid, t in zip(g.inputs, hm.inputs):
        if tid in limits:
            feeds.append(rng.integers(0, limits[tid], t.shape).astype(np.int32))
        elif t.np_dtype == np.int64:
            feeds.append(rng.integers(-2**62, 2**62, t.shape).astype(np.int64))
        else:
            feeds.append(random_input(t.np_dtype, t.shape, rng))
    return feeds


def check(path, seeds=(0, 1, 2), cc=None, edit=None):
    from platformio_tinyml.targets.hostrun import HostModel
    with HostModel(path, name="model", cc=cc) as hm:
        for seed in seeds:
            feeds = _feed(hm, np.random.default_rng(seed), path)
            if edit is not None:
                feeds = edit(feeds)
            ours = hm.run(feeds)
            ref = tflm_run(path, feeds)
            assert len(ours) == len(ref)
            for k, (o, r) in enumerate(zip(ours, ref)):
                assert_same(o, r, f"{_id(path)} seed {seed} output {k}")


def test_models_exist():
    assert len(MODELS) >= 75, "run: python tests/make_models.py movement"


@pytest.mark.parametrize("path", [m for m in MODELS if _id(m) not in REJECTED], ids=_id)
def test_matches_tflm(path):
    check(path)


def test_edge_values():
    """Extremes of every dtype go through unchanged (int8 -128/127, int16 -32768/32767, float -0.0 and large)."""
    def extremes(feeds):
        out = []
        for f in feeds:
            if f.dtype == np.float32:
                v = np.array([-0.0, 3.4e38, -3.4e38, 1e-38], np.float32)
            elif f.dtype == np.int32 and f.size and f.max() < 10:  # positions: keep them in range
                out.append(f)
                continue
            else:
                info = np.iinfo(f.dtype)
                v = np.array([info.min, info.max, 0, -1], f.dtype)
            out.append(np.resize(v, f.shape).astype(f.dtype))
        return out
    for name in ("movement_transpose_sweep_int16", "movement_gather_sweep_int8", "movement_broadcast_sweep_int64",
                 "movement_split_v_sweep_f32", "movement_pack_sweep_int32"):
        check(_path(name), seeds=(0,), edit=extremes)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_like_tflm(name, tmp_path):
    from modelgen.movement import rejected_models
    from platformio_tinyml.errors import UnsupportedError
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    path = str(tmp_path / f"{name}.tflite")
    with open(path, "wb") as f:
        f.write(rejected_models()[name])
    with pytest.raises(UnsupportedError, match=REJECTED[name]):
        lower_graph(read_model(path))
    # TFLite Micro fails to prepare or invoke these, or aborts (SLICE of rank 6): run it in a child process
    code = ("import os, sys, numpy as np; sys.path[:0] = [sys.argv[2], os.path.dirname(sys.argv[2])]; "
            "from tflm_oracle import tflm_run; from platformio_tinyml.read.reader import read_model; "
            "g = read_model(sys.argv[1]); "
            "tflm_run(sys.argv[1], [np.zeros(g.tensors[i].shape, g.tensors[i].np_dtype) for i in g.inputs])")
    r = subprocess.run([sys.executable, "-c", code, path, HERE], capture_output=True, text=True)
    assert r.returncode < 0 or "RuntimeError" in r.stderr, f"TFLite Micro ran {name}: {r.stderr[-300:]}"


def _one_op(op, ins, outs, inputs, **kw):
    """A model of one operator (tensor dicts as tflite_build takes them), written to a temporary file."""
    import tempfile

    from tflite_build import build
    tensors = ins + outs
    data = build(tensors, [dict(op=op, inputs=list(range(len(ins))),
                                outputs=list(range(len(ins), len(tensors))), **kw)],
                 inputs, list(range(len(ins), len(tensors))))
    f = tempfile.NamedTemporaryFile(suffix=".tflite", delete=False)
    f.write(data)
    f.close()
    return f.name


F23 = dict(shape=[2, 3], dtype="float32")
AXIS1 = dict(shape=[], dtype="int32", data=np.array(1, np.int32))
# forms TFLite Micro refuses too (checked), each with the line we print; TFLite Micro runs the two in
# UNCHECKED (it does not validate them and reads outside the input): we refuse them all the same
UNCHECKED = {"slice_begin_past_end", "unpack_axis_out_of_range"}
BAD = {
    "perm_not_constant": (lambda: _one_op("TRANSPOSE", [F23, dict(shape=[2], dtype="int32")],
                                          [dict(shape=[3, 2], dtype="float32")], [0, 1]),
                          "perm tensor must be constant"),
    "perm_out_of_range": (lambda: _one_op("TRANSPOSE", [F23, dict(shape=[2], dtype="int32",
                                                                  data=np.array([2, 0], np.int32))],
                                          [dict(shape=[3, 2], dtype="float32")], [0]),
                          "not a permutation"),
    "split_axis_not_constant": (lambda: _one_op("SPLIT", [dict(shape=[], dtype="int32"), F23],
                                                [dict(shape=[2, 1], dtype="float32")] * 3, [0, 1],
                                                options_type="SplitOptions", options=dict(num_splits=3)),
                                "axis tensor must be constant"),
    "split_v_axis_out_of_range": (lambda: _one_op(
        "SPLIT_V", [F23, dict(shape=[2], dtype="int32", data=np.array([1, 1], np.int32)),
                    dict(shape=[], dtype="int32", data=np.array(-3, np.int32))],
        [dict(shape=[1, 3], dtype="float32")] * 2, [0], options_type="SplitVOptions", options=dict(num_splits=2)),
        "axis -3 is out of range"),
    "expand_axis_not_constant": (lambda: _one_op("EXPAND_DIMS", [F23, dict(shape=[1], dtype="int32")],
                                                 [dict(shape=[1, 2, 3], dtype="float32")], [0, 1]),
                                 "axis tensor must be constant"),
    "gather_batch_dims_above_axis": (lambda: _one_op(
        "GATHER", [F23, dict(shape=[2, 2], dtype="int32")], [dict(shape=[2, 2], dtype="float32")], [0, 1],
        options_type="GatherOptions", options=dict(axis=0, batch_dims=1)), "batch_dims 1 is not supported"),
    "unpack_axis_out_of_range": (lambda: _one_op("UNPACK", [F23], [dict(shape=[3], dtype="float32")] * 2, [0],
                                                 options_type="UnpackOptions", options=dict(num=2, axis=2)),
                                 "axis 2 is out of range"),
    "slice_begin_past_end": (lambda: _one_op(
        "SLICE", [F23, dict(shape=[2], dtype="int32", data=np.array([0, 2], np.int32)),
                  dict(shape=[2], dtype="int32", data=np.array([1, 2], np.int32))],
        [dict(shape=[1, 2], dtype="float32")], [0]), "does not fit dimension 1"),
    "broadcast_not_broadcastable": (lambda: _one_op(
        "BROADCAST_TO", [F23, dict(shape=[2], dtype="int32", data=np.array([2, 6], np.int32))],
        [dict(shape=[2, 6], dtype="float32")], [0]), "cannot be broadcast"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_refusals(name):
    from platformio_tinyml.errors import UnsupportedError
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    make, message = BAD[name]
    path = make()
    try:
        with pytest.raises(UnsupportedError, match=message) as e:
            lower_graph(read_model(path))
        assert "\n" not in str(e.value)
        if name in UNCHECKED:
            return
        g = read_model(path)
        feeds = [np.zeros(g.tensors[i].shape, g.tensors[i].np_dtype) for i in g.inputs]
        with pytest.raises(RuntimeError):
            tflm_run(path, feeds)
    finally:
        os.unlink(path)


def test_gather_out_of_range_positions():
    """TFLite Micro's invoke fails on a position outside the table; ours writes zeros for it (documented in
    ops/movement.h) and never reads outside the table. Oracle for the rest: TFLite Micro run twice with the
    bad positions replaced by 0 and by 1 (valid everywhere); where both agree, the value came from a good one."""
    from platformio_tinyml.targets.hostrun import HostModel
    path = _path("movement_gather_sweep_f32")
    wild = np.array([-1, 2**31 - 1, -2**31, 4, 1000], np.int32)  # every axis of the table is 2, 3 or 4 long
    with HostModel(path, name="model") as hm:
        good = _feed(hm, np.random.default_rng(5), path)
        bad = [f.copy() for f in good]
        for k, f in enumerate(bad[1:]):
            flat = f.reshape(-1)
            flat[k % 2::2] = np.resize(wild, flat[k % 2::2].size)
        with pytest.raises(RuntimeError):
            tflm_run(path, bad)
        runs = [tflm_run(path, [bad[0]] + [np.where(b != g, fill, b).astype(np.int32)
                                           for b, g in zip(bad[1:], good[1:])]) for fill in (0, 1)]
        ours = hm.run(bad)
    zeros = 0
    for o, a, b in zip(ours, *runs):
        a, b = a.reshape(o.shape), b.reshape(o.shape)
        assert np.array_equal(o[a == b], a[a == b])
        assert not np.any(o[a != b])
        zeros += int(np.sum(a != b))
    assert zeros > 0


def test_views_and_constants():
    """EXPAND_DIMS and whole-tensor UNPACK share their input's bytes (no call); SHAPE is a constant (copied only
    into a model output); SPLIT along an inner axis copies."""
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model

    def lowered(name):
        return lower_graph(read_model(_path(name)))
    prog = lowered("movement_chain_f32")
    assert [c.fn for c in prog.calls] == ["tml_add_f32", "tml_split", "tml_split", "tml_add_f32", "tml_transpose"]
    assert prog.alias_of == {3: 1, 8: 3}
    prog = lowered("movement_expand_sweep_int8")
    assert prog.calls == [] and len(prog.alias_of) == 14 and prog.arena_bytes == 12 + 24
    prog = lowered("movement_shape_int8")
    assert [c.fn for c in prog.calls] == ["tml_add_i32"] and prog.arena_bytes == 12 + 8
    prog = lowered("movement_shape_f32")
    assert [c.fn for c in prog.calls] == ["tml_copy", "tml_add_i32"]


@pytest.mark.parametrize("name", ["movement_transpose_sweep_int8", "movement_gather_sweep_f32",
                                  "movement_slice_sweep_int16"])
def test_clang(name):
    if shutil.which("clang") is None:
        pytest.fail("clang is not installed (.ci/run installs it)")
    check(_path(name), seeds=(0,), cc="clang")


@pytest.mark.parametrize("name", ["movement_transpose_sweep_int8", "movement_gather_embedding_int8",
                                  "movement_broadcast_sweep_int64", "movement_split_v_sweep_int16"])
def test_cortex_m4(name):
    """Built with arm-none-eabi-gcc -Os -Wall -Wextra -Werror for the Cortex-M4F and run under QEMU."""
    from platformio_tinyml.targets.qemurun import QemuModel, missing_tools
    if missing_tools():
        pytest.fail(f"missing {', '.join(missing_tools())} (.ci/run installs them)")
    path = _path(name)
    with QemuModel(path, cflags=["-Os"]) as qm:
        feeds = _feed(qm, np.random.default_rng(0), path)
        for k, (o, r) in enumerate(zip(qm.run(feeds), tflm_run(path, feeds))):
            assert_same(o, r, f"{name} on the Cortex-M4 output {k}")

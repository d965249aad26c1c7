"""SUM, REDUCE_MAX, ARG_MAX, ARG_MIN (and MEAN's shared machinery): generated C vs TFLite Micro."""
import glob
import itertools
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

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "reduce_*.tflite")))


def test_models_exist():
    assert len(MODELS) >= 40, "run: python tests/make_models.py reduce"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path, seeds=(0, 1, 2))


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["reduce_sum_3axes_int16", "reduce_max_0_2_f32", "reduce_argmin_4d_h_int8"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    check_against_tflm(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


def _model(op, dtype, shape, axes, out_shape, keep=False, q_in=(0.1, 0), q_out=(0.1, 0), out_dtype=None,
           axis_dtype="int32"):
    qi = {} if dtype == "float32" else dict(scale=q_in[0], zp=q_in[1])
    qo = {} if (out_dtype or dtype) in ("float32", "int32", "int64") else dict(scale=q_out[0], zp=q_out[1])
    if op in ("ARG_MAX", "ARG_MIN"):
        opts = dict(options_type="ArgMaxOptions" if op == "ARG_MAX" else "ArgMinOptions",
                    options=dict(output_type=4 if out_dtype == "int64" else 2))
    else:
        opts = dict(options_type="ReducerOptions", options=dict(keep_dims=keep))
    return build(tensors=[dict(shape=list(shape), dtype=dtype, **qi),
                          dict(shape=[len(axes)], dtype=axis_dtype, data=np.array(axes, axis_dtype)),
                          dict(shape=list(out_shape), dtype=out_dtype or dtype, **qo)],
                 ops=[dict(op=op, inputs=[0, 1], outputs=[2], **opts)], inputs=[0], outputs=[2])


def _run_both(model: bytes, tmp_path, inputs: list):
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    with HostModel(str(path), name="model") as hm:
        ours = hm.run(inputs)
    ref = tflm_run(str(path), inputs)
    for o, r in zip(ours, ref):
        if np.issubdtype(np.asarray(r).dtype, np.floating):
            assert np.array_equal(np.isnan(o), np.isnan(np.asarray(r).reshape(np.shape(o))))
            o, r = np.nan_to_num(o), np.nan_to_num(np.asarray(r))
        assert_same(o, r)


def _out_shape(shape, axes, keep):
    rank = len(shape)
    ax = {a % rank for a in axes}
    return [1 if i in ax else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in ax]


AXES = [[0], [-1], [1, 2], [2, 0], [-3, -1], [0, 1, 2, 3], [3, 1, -1]]


@pytest.mark.parametrize("dtype,q_in,q_out", [("int8", (0.1, 5), (0.37, -20)), ("int8", (0.02, -128), (0.02, -128)),
                                              ("int16", (0.001, 0), (0.003, 0)), ("float32", None, None)])
def test_sum_sweep(tmp_path, dtype, q_in, q_out):
    """Every axis form on a 4-D input, keep_dims alternating, full-range inputs (sums far out of the output
    range saturate)."""
    rng = np.random.default_rng(11)
    shape = (2, 3, 4, 5)
    for k, axes in enumerate(AXES + [[2], [1, -1]]):
        keep = bool(k % 2) != (dtype == "int16")
        m = _model("SUM", dtype, shape, axes, _out_shape(shape, axes, keep), keep, q_in, q_out)
        if dtype == "float32":
            x = rng.uniform(-5, 5, shape).astype(np.float32)
        else:
            info = np.iinfo(dtype)
            x = rng.integers(info.min, info.max + 1, shape).astype(dtype)
        _run_both(m, tmp_path, [x])


@pytest.mark.parametrize("q_in,q_out", [((1.0, 0), (1.0, 0)), ((0.5, 0), (1.0, 3)), ((0.25, -1), (1.0, 0))])
def test_sum_halfway_rounding(tmp_path, q_in, q_out):
    """Sums whose rescaled value is exactly .5, positive and negative (TFLM rounds half away from zero)."""
    x = np.array([[1, 2, -1, -2, 3, -3, 5, -5]], np.int8).repeat(3, 0)
    x[1] = -x[1]
    m = _model("SUM", "int8", (3, 8), [1], (3,), False, q_in, q_out)
    _run_both(m, tmp_path, [x])


@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_reduce_max_sweep(tmp_path, dtype, keep):
    rng = np.random.default_rng(12)
    shape = (3, 2, 4, 5)
    for axes in AXES[::2] if keep else AXES[1::2]:
        m = _model("REDUCE_MAX", dtype, shape, axes, _out_shape(shape, axes, keep), keep, (0.3, -4), (0.3, -4))
        x = rng.integers(-128, 128, shape).astype(np.int8) if dtype == "int8" else \
            -rng.uniform(1, 1e30, shape).astype(np.float32)
        _run_both(m, tmp_path, [x])


def test_reduce_max_float_nan_and_extremes(tmp_path):
    """A NaN never wins (TFLM's `in > current`), -inf and -FLT_MAX rows."""
    x = np.array([[np.nan, 1.0, -2.0], [np.nan, np.nan, np.nan], [-np.inf, -np.inf, -np.inf],
                  [-3.4028235e38, -np.inf, np.nan]], np.float32)
    _run_both(_model("REDUCE_MAX", "float32", (4, 3), [1], (4,)), tmp_path, [x])


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_arg_min_max_sweep(tmp_path, op, dtype):
    """Every axis of 1-D to 4-D inputs (negative ones too), many ties (values from a small set)."""
    rng = np.random.default_rng(13)
    for shape in [(7,), (3, 4), (2, 3, 5), (2, 3, 1, 4)]:
        rank = len(shape)
        for axis in itertools.chain(range(rank), [-1, -rank]):
            out_shape = [d for i, d in enumerate(shape) if i != axis % rank]
            m = _model(op, dtype, shape, [axis], out_shape, out_dtype="int32", q_in=(0.5, 2))
            x = rng.integers(-2, 3, shape).astype(dtype)
            if x.size > 2:
                x.flat[:2] = [-128, 127] if dtype == "int8" else [-np.inf, np.inf]
            _run_both(m, tmp_path, [x])


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
def test_arg_min_max_nan(tmp_path, op):
    """TFLM's float comparison is a plain > / <: a NaN first stays the answer, a NaN later is skipped."""
    x = np.array([[np.nan, 1.0, 3.0], [2.0, np.nan, -1.0], [np.nan, np.nan, np.nan], [np.nan, -5.0, np.nan]],
                 np.float32)
    _run_both(_model(op, "float32", (4, 3), [1], (4,), out_dtype="int32"), tmp_path, [x])


def _lower(model: bytes):
    return lower_graph(read_model("m.tflite", data=model))


@pytest.mark.parametrize("model,needle", [
    (_model("ARG_MAX", "float32", (3, 4), [1], (3,), out_dtype="int64"), "only int32"),
    (_model("ARG_MIN", "int16", (3, 4), [1], (3,), out_dtype="int32"), "float32 and int8"),
    (_model("ARG_MAX", "float32", (3, 4), [1], (3,), out_dtype="int32", axis_dtype="int64"), "only int32"),
    (_model("ARG_MAX", "float32", (3, 4), [0, 1], (3,), out_dtype="int32"), "one value"),
    (_model("ARG_MAX", "float32", (3, 4), [2], (3,), out_dtype="int32"), "out of range"),
    (_model("ARG_MAX", "float32", (3, 4), [1], (4,), out_dtype="int32"), "should be"),
    (_model("REDUCE_MAX", "int16", (3, 4), [1], (3,)), "float32 and int8"),
    (_model("REDUCE_MAX", "int8", (3, 4), [1], (3,), q_in=(0.1, 0), q_out=(0.2, 0)), "same scale"),
    (_model("SUM", "int8", (3, 4), [1], (3,), out_dtype="int16"), "not supported"),
    (_model("SUM", "float32", (3, 4), [3], (3,)), "out of range"),
    (_model("SUM", "float32", (3, 4), [1], (4,)), "does not match"),
    (_model("SUM", "int8", (1, 2, 3, 4, 5, 6), [1], (1, 3, 4, 5, 6)), "rank 6"),
    (_model("SUM", "float32", (3, 4), [1], (3,), axis_dtype="int64"), "constant int32"),
], ids=["argmax_int64", "argmin_int16", "argmax_axis64", "argmax_2axes", "argmax_axis_range", "argmax_shape",
        "max_int16", "max_requant", "sum_mixed", "sum_axis_range", "sum_shape", "sum_rank6", "sum_axis64"])
def test_unsupported_fails_at_generation(model, needle):
    with pytest.raises(UnsupportedError, match=needle):
        _lower(model)


def test_sum_overflow_refused():
    """TFLM's int32 sum would wrap: more than 2^24 int8 values into one output is refused."""
    m = _model("SUM", "int8", (1 << 12, 1 << 12), [0, 1], (), q_in=(0.1, 0), q_out=(0.1, 0))
    with pytest.raises(UnsupportedError, match="overflows"):
        _lower(m)

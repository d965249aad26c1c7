"""TRANSPOSE_CONV: generated C vs TFLite Micro (int8, int16x8, float32), on the host and on the Cortex-M4
under QEMU; sweeps of shapes, strides, paddings, biases and activations; edge values; the refusals."""
import glob
import os

import numpy as np
import pytest

from conftest import TEST_MODELS
from tflite_build import build
from tflm_oracle import assert_same, check_against_tflm, random_input, tflm_run

from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.targets.qemurun import QemuModel

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "transpose_conv_*.tflite")))


def test_models_exist():
    assert len(MODELS) >= 29, "run: python tests/make_models.py transpose_conv"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("name", ["transpose_conv_s2_same_3x3_int8", "transpose_conv_s2_same_batch2_int8",
                                  "transpose_conv_s21_same_3x2_nobias_int8", "transpose_conv_s4_same_4x4_deep_int8",
                                  "transpose_conv_s1_valid_2x3_relu6_int8pt", "transpose_conv_s2_same_5x5_outpad_f32",
                                  "transpose_conv_s2_valid_3x3_relu_int16x8"])
def test_cortex_m4_matches_tflm(name):
    """The Armv7E-M kernel (phase layout from the generator), cross-compiled with -Werror, run under QEMU;
    float and int16x8 too (the reference kernels built for the Cortex-M4F)."""
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    with QemuModel(path, "m") as target:
        for seed in (0, 1):
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            for o, r in zip(target.run(inputs), tflm_run(path, inputs)):
                assert_same(o, r, f"{name} seed {seed} (Cortex-M4)")


def tconv_model(dtype, ishape, oc, f, s, pad, act=0, bias="yes", oshape=None, seed=0, wscale=None,
                scales=(0.05, 0.1), zps=(3, -5), per_channel=True, wfill=None):
    """A one-operator TRANSPOSE_CONV model; bias "yes" (the dtype's usual type), "no", or a dtype name."""
    rng = np.random.default_rng(seed)
    n, ih, iw, ic = ishape
    (fh, fw), (sh, sw) = f, s
    oh, ow = oshape or ((ih * sh, iw * sw) if pad == 0 else ((ih - 1) * sh + fh, (iw - 1) * sw + fw))
    t = [dict(shape=[4], dtype="int32", data=np.array([n, oh, ow, oc], np.int32))]
    wshape = [oc, fh, fw, ic]
    if dtype == "float32":
        t += [dict(shape=wshape, dtype="float32", data=rng.uniform(-1, 1, wshape).astype(np.float32)),
              dict(shape=list(ishape), dtype="float32"),
              dict(shape=[oc], dtype="float32", data=rng.uniform(-1, 1, oc).astype(np.float32)),
              dict(shape=[n, oh, ow, oc], dtype="float32")]
    else:
        io = "int8" if dtype == "int8" else "int16"
        ws = wscale if wscale is not None else (list(rng.uniform(0.002, 0.02, oc)) if per_channel else 0.01)
        nsc = len(np.atleast_1d(ws))
        bt = {"yes": "int32" if io == "int8" else "int64"}.get(bias, bias)
        wdata = rng.integers(-127, 128, wshape).astype(np.int8) if wfill is None else np.full(wshape, wfill, np.int8)
        t += [dict(shape=wshape, dtype="int8", data=wdata, scale=ws,
                   zp=[0] * nsc, quant_dim=0),
              dict(shape=list(ishape), dtype=io, scale=scales[0], zp=zps[0] if io == "int8" else 0),
              dict(shape=[oc], dtype=bt if bias != "no" else "int32",
                   data=rng.integers(-20000, 20000, oc).astype(bt if bias != "no" else "int32")),
              dict(shape=[n, oh, ow, oc], dtype=io, scale=scales[1], zp=zps[1] if io == "int8" else 0)]
    ins = [0, 1, 2] if bias == "no" else [0, 1, 2, 3]
    return build(tensors=t, ops=[dict(op="TRANSPOSE_CONV", inputs=ins, outputs=[4], options_type="TransposeConvOptions",
                                      options=dict(padding=pad, stride_w=sw, stride_h=sh,
                                                   fused_activation_function=act))],
                 inputs=[2], outputs=[4])


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
    rng = np.random.default_rng(2024)
    cases = []
    for k in range(24):
        dtype = ("int8", "int16", "float32")[k % 3]
        ishape = (int(rng.integers(1, 3)), int(rng.integers(1, 6)), int(rng.integers(1, 6)), int(rng.integers(1, 10)))
        f = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        cases.append((dtype, ishape, int(rng.integers(1, 9)), f, s, k % 2, int(rng.choice([0, 1, 3])),
                      ("yes", "no")[k % 4 == 3], k))
    return cases


@pytest.mark.parametrize("dtype, ishape, oc, f, s, pad, act, bias, seed", _sweep())
def test_sweep_shapes_strides_padding(dtype, ishape, oc, f, s, pad, act, bias, seed, tmp_path):
    _check(tconv_model(dtype, ishape, oc, f, s, pad, act, bias, seed=seed), tmp_path, seeds=(seed,),
           m4=dtype == "int8" and seed % 2 == 0)


@pytest.mark.parametrize("oshape", [(5, 7), (1, 1), (9, 4)])
def test_output_sizes_padding(oshape, tmp_path):
    """SAME padding computed from output sizes other than input x stride (TF's output_padding and odd
    shapes): TFLM pads by the output size."""
    for dtype in ("int8", "float32"):
        _check(tconv_model(dtype, (1, 3, 3, 4), 3, (3, 3), (2, 2), 0, oshape=oshape), tmp_path, seeds=(4,))


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_relu_n1_to_1(dtype, tmp_path):
    _check(tconv_model(dtype, (1, 3, 4, 5), 4, (3, 3), (2, 2), 0, act=2, scales=(0.05, 0.01)), tmp_path)


def test_int16_bias_widened(tmp_path):
    """Older converters wrote an int16 bias for 16x8; TFLM widens it to int64."""
    _check(tconv_model("int16", (1, 4, 3, 6), 5, (3, 2), (2, 1), 0, bias="int16"), tmp_path)


def test_per_tensor_weights(tmp_path):
    _check(tconv_model("int8", (1, 4, 4, 8), 8, (3, 3), (2, 2), 1, per_channel=False), tmp_path, m4=True)


@pytest.mark.parametrize("fill", [-128, 127, 0])
def test_extremes_saturate(fill, tmp_path):
    """Constant extreme inputs, extreme weights: outputs saturate at both ends of int8 / int16."""
    for dtype in ("int8", "int16"):
        model = tconv_model(dtype, (1, 3, 3, 16), 4, (3, 3), (2, 2), 0, scales=(0.5, 0.05), zps=(0, 10))
        shape = (1, 3, 3, 16)
        x = np.full(shape, fill if dtype == "int8" else fill * 256, np.int8 if dtype == "int8" else np.int16)
        _check(model, tmp_path, inputs=[x], m4=dtype == "int8")


def test_int16_sums_beyond_int32(tmp_path):
    """256 channels x 4 taps of 32767 x 127: the int16x8 sums leave int32; TFLM's scratch is int64."""
    model = tconv_model("int16", (1, 2, 2, 256), 3, (4, 4), (1, 1), 1, scales=(1.0, 1e6), wscale=1.0, wfill=127)
    _check(model, tmp_path, inputs=[np.full((1, 2, 2, 256), 32767, np.int16)])


def test_halfway_rounding(tmp_path):
    """Effective scale exactly 1/2: every odd accumulator lands on a half, which TFLM rounds away from zero."""
    model = tconv_model("int8", (1, 3, 3, 3), 4, (2, 2), (1, 1), 0, wscale=0.5, scales=(1.0, 1.0), zps=(0, 0),
                        bias="no")
    rng = np.random.default_rng(1)
    _check(model, tmp_path, inputs=[rng.integers(-3, 4, (1, 3, 3, 3)).astype(np.int8)], m4=True)


def _lower_modified(name, edit, arch="reference"):
    g = read_model(os.path.join(TEST_MODELS, f"{name}.tflite"))
    edit(g)
    return lower_graph(g, arch)


def _op_t(g, k):
    return g.tensors[g.ops[0].inputs[k]]


def _set(obj, **kw):
    for k, v in kw.items():
        setattr(obj, k, v)


@pytest.mark.parametrize("name, edit, message", [
    ("transpose_conv_s2_same_3x3_int16x8", lambda g: _set(_op_t(g, 3), dtype="int32"),
     "needs an int64 \\(or int16\\) bias, got int32"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: g.ops[0].options.update(fused_activation_function=4),
     "fused activation TANH is not supported"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: g.ops[0].options.update(padding=3),
     "padding 3 is not supported"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: g.ops[0].options.update(stride_h=0), "must be >= 1"),
    ("transpose_conv_s2_same_3x3_f32", lambda g: _set(_op_t(g, 0), data=np.array([1, 8, 9, 5], np.int32)),
     "differs from the output tensor's shape"),
    ("transpose_conv_s2_same_3x3_f32", lambda g: _set(_op_t(g, 1), data=None), "weights must be constant"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: _set(_op_t(g, 1), zero_point=np.ones(5, np.int64)),
     "symmetric"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: _set(_op_t(g, 1), quant_dim=3),
     "quantized along dimension 0"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: _set(g.tensors[g.ops[0].outputs[0]], dtype="float32"),
     "dtypes int8/int8/float32 are not supported"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: _set(g.tensors[g.ops[0].outputs[0]], shape=(1, 8, 10, 4)),
     "output has 4 channels but the weights have 5"),
    ("transpose_conv_s2_same_3x3_f32", lambda g: _set(_op_t(g, 2), shape=(1, 4, 5, 7)),
     "weights have input depth 6 but the input has 7 channels"),
    ("transpose_conv_s2_same_3x3_int8", lambda g: _set(_op_t(g, 3), dtype="int64"), "needs an int32 bias"),
    ("transpose_conv_s2_same_3x3_f32", lambda g: g.ops[0].options.update(stride_w=2**31 - 8),
     "more than the kernels' int32 arithmetic allows"),
])
def test_refusals(name, edit, message):
    with pytest.raises(UnsupportedError, match=message):
        _lower_modified(name, edit)


def test_stride_beyond_filter_uses_reference_on_cortex_m4(tmp_path):
    """A stride larger than the filter leaves output phases without taps (bias only): the Cortex-M4 layout
    keeps the reference kernel there, and both equal TFLM."""
    model = tconv_model("int8", (1, 3, 3, 4), 4, (2, 2), (3, 3), 1)
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    prog = lower_graph(read_model(str(path)), "cortex-m4")
    assert prog.calls[0].params["phase_weights"].__class__.__name__ == "Null"
    _check(model, tmp_path, m4=True)


def test_no_scratch_and_macs():
    """TFLM holds an int32 copy of the output in arena scratch; the gather kernels need none."""
    prog = _lower_modified("transpose_conv_s2_same_3x3_int8", lambda g: None, "cortex-m4")
    assert prog.scratch_offsets == []
    # input 4x5x6, 3x3 filter, 5 output channels
    assert prog.macs == 4 * 5 * 6 * 9 * 5
    out = prog.graph.tensors[prog.graph.ops[0].outputs[0]]
    assert prog.arena_bytes <= prog.graph.tensors[prog.graph.ops[0].inputs[2]].nbytes + out.nbytes + 8

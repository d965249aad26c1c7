"""The quantizer's rules for the operators beyond the first ones, checked on the operator models of
tests/quant (quant_data.OP_MODELS, made by tests/make_quant_models.py ops) against TensorFlow's own
converter's output for the same float model and calibration data:

* where both quantize the same operators, every activation gets TensorFlow's scale and zero point;
* each class of rule leaves its mark: same-scale operators keep their input's quantization, fixed
  outputs (LOG_SOFTMAX 16/256 and 127, L2_NORMALIZATION 1/128 and 0), PRELU's symmetric alpha,
  TRANSPOSE_CONV's per-channel weights and bias, BATCH_MATMUL's constant operand, ARG_MAX's int32
  indices, operators kept float between DEQUANTIZE and QUANTIZE;
* the int16x8 refusals (one line naming the operator and why) where TensorFlow's 16x8 mode or TFLite
  Micro's int16 kernels stop.
Accuracy and the generated C against TFLM are in test_quant_accuracy.py.
"""
import os

import numpy as np
import pytest

from conftest import ROOT

import quant_data
from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.quantize.quantizer import quantize_model
from platformio_tinyml.quantize.rules import FLOAT, RULES, SAME, refusal_16
from platformio_tinyml.read.reader import read_model

QUANT_DATA = os.path.join(ROOT, "tests", "quant")
_CACHE: dict = {}


def ours(name, scheme="int8"):
    if (name, scheme) not in _CACHE:
        calib = np.load(os.path.join(QUANT_DATA, f"{name}_calib.npy"))
        data = quantize_model(os.path.join(QUANT_DATA, f"{name}_float.tflite"), calib, scheme=scheme,
                              report_samples=0).data
        _CACHE[name, scheme] = read_model(f"{name}_ours", data)
    return _CACHE[name, scheme]


def tf_model(name, scheme="int8"):
    return read_model(os.path.join(QUANT_DATA, f"{name}_tf_{scheme}.tflite"))


def _q(t):
    return (float(t.scale[0]), int(t.zero_point[0])) if t.quantized else (t.dtype,)


def _outputs(g):
    """(operator type, output quantization) of every operator but QUANTIZE / DEQUANTIZE, in order."""
    return [(op.type, [_q(g.tensors[o]) for o in op.outputs]) for op in g.ops
            if op.type not in ("QUANTIZE", "DEQUANTIZE")]


#: models where TensorFlow's converter and ours quantize the same operators the same way
SAME_AS_TF = [("movement_net", "int8"), ("gather_net", "int8"), ("argmax_net", "int8"), ("leaky_net", "int8"),
              ("leaky_net", "int16x8"), ("resize_net", "int8"), ("spatial_net", "int8"), ("tconv_net", "int8"),
              ("tconv_net", "int16x8"), ("bmm_net", "int8"), ("bmm_net", "int16x8")]
#: models where a few ranges differ: TensorFlow widens the range of a tensor that an ADD or SUB of a
#: constant reads (div_net's ABS before + 1, binary_net's MAXIMUM before - C, mbv3_net's convolution
#: before the hard sigmoid's + 3) and narrows one int16 ADD's (movement_net). (In int16x8 TensorFlow
#: requantizes into MAXIMUM, MINIMUM and CONCATENATION instead of sharing one scale; binary_net is not
#: compared here.) The accuracy test holds ours to TensorFlow's error on them all the same.
CLOSE_TO_TF = [("binary_net", "int8"), ("div_net", "int8"), ("movement_net", "int16x8"), ("mbv3_net", "int8")]


@pytest.mark.parametrize("name,scheme", SAME_AS_TF + CLOSE_TO_TF)
def test_scales_and_zero_points_are_tensorflows(name, scheme):
    a, b = _outputs(ours(name, scheme)), _outputs(tf_model(name, scheme))
    assert [t for t, _ in a] == [t for t, _ in b]
    exact = (name, scheme) in SAME_AS_TF
    for (op, qa), (_, qb) in zip(a, b):
        for x, y in zip(qa, qb):
            if len(x) == 1:
                assert x == y, (op, x, y)
            elif exact:
                # our ranges come from float64 arithmetic, TensorFlow's from float32: the scales agree to
                # float32 rounding, the zero points exactly (but one where the boundary is a rounding tie)
                assert abs(x[0] - y[0]) <= 2e-6 * y[0] and abs(x[1] - y[1]) <= 1, (name, op, x, y)
            else:
                assert 1 / 2 <= x[0] / y[0] <= 2, (name, op, x, y)


def test_same_scale_operators_keep_their_inputs_quantization():
    seen = set()
    for name, (_, schemes) in quant_data.OP_MODELS.items():
        for scheme in schemes:
            g = ours(name, scheme)
            for op in g.ops:
                if op.type in RULES and RULES[op.type].kind(scheme == "int16x8") == SAME:
                    first = _q(g.tensors[op.inputs[1 if op.type == "SPLIT" else 0]])
                    assert all(_q(g.tensors[o]) == first for o in op.outputs), (name, op.type)
                    seen.add(op.type)
    assert {"TRANSPOSE", "SLICE", "SPLIT", "SPLIT_V", "PACK", "UNPACK", "BROADCAST_TO", "GATHER", "MAXIMUM",
            "MINIMUM", "RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR", "SPACE_TO_DEPTH", "DEPTH_TO_SPACE",
            "REDUCE_MAX"} <= seen


def test_fixed_outputs_alpha_weights_and_integer_outputs():
    g = ours("act_net")
    by_type = {op.type: op for op in g.ops}
    assert _q(g.tensors[by_type["LOG_SOFTMAX"].outputs[0]]) == (16 / 256, 127)
    alpha = g.tensors[by_type["PRELU"].inputs[1]]
    assert alpha.dtype == "int8" and len(alpha.scale) == 1 and alpha.q_zero_point == 0
    assert np.abs(alpha.data).max() == 127
    g = ours("norm_net")
    l2 = next(op for op in g.ops if op.type == "L2_NORMALIZATION")
    assert _q(g.tensors[l2.outputs[0]]) == (1 / 128, 0)
    g = ours("argmax_net")
    arg = next(op for op in g.ops if op.type == "ARG_MAX")
    assert g.tensors[arg.outputs[0]].dtype == "int32" and not g.tensors[arg.outputs[0]].quantized
    assert g.tensors[arg.inputs[0]].dtype == "int8" and g.ops[-1].type == "ARG_MAX"   # no DEQUANTIZE after


@pytest.mark.parametrize("scheme", ["int8", "int16x8"])
def test_transpose_conv_and_batch_matmul_operands(scheme):
    g = ours("tconv_net", scheme)
    tc = next(op for op in g.ops if op.type == "TRANSPOSE_CONV")
    w, x, b = (g.tensors[tc.inputs[k]] for k in (1, 2, 3))
    assert w.dtype == "int8" and w.quant_dim == 0 and len(w.scale) == w.shape[0] and not w.zero_point.any()
    assert b.dtype == ("int64" if scheme == "int16x8" else "int32")
    assert np.array_equal(b.scale, (np.float32(x.scale[0]) * w.scale).astype(np.float32))
    assert tc.options["quantized_bias_type"] == (4 if scheme == "int16x8" else 0)
    bmm = next(op for op in g.ops if op.type == "BATCH_MATMUL")
    rhs = g.tensors[bmm.inputs[1]]
    assert rhs.is_const and rhs.dtype == ("int16" if scheme == "int16x8" else "int8") and len(rhs.scale) == 1
    assert (rhs.q_zero_point == 0) == (scheme == "int16x8")     # int8: asymmetric, as TensorFlow's


def test_sub_int16_scales_are_general():
    g = ours("binary_net", "int16x8")
    assert all(op.options["pot_scale_int16"] is False for op in g.ops if op.type == "SUB")


def test_float_operators_sit_between_dequantize_and_quantize():
    """EXP, LOG (TFLite Micro runs them in float32 only), SQRT, NEG, ELU stay float: a DEQUANTIZE of each
    quantized input, a QUANTIZE of the output where a quantized operator reads it."""
    for name in ("unary_net", "norm_net", "act_net"):
        g = ours(name)
        producer = {o: op for op in g.ops for o in op.outputs}
        floats = [op for op in g.ops if RULES.get(op.type) and RULES[op.type].int8 == FLOAT]
        assert floats, name
        for op in floats:
            for i in op.inputs:
                assert g.tensors[i].dtype == "float32"
                assert producer[i].type in ("DEQUANTIZE",) or RULES[producer[i].type].int8 == FLOAT
            readers = [u for u in g.ops if op.outputs[0] in u.inputs]
            assert readers and all(u.type == "QUANTIZE" or RULES[u.type].int8 == FLOAT for u in readers)


def test_fixed_scale_input_beside_wider_values_is_requantized():
    """norm_net concatenates an L2_NORMALIZATION (fixed 1/128: [-1, 1)) with values down to -2.6: the
    normalised input is requantized to the concatenation's scale instead of clipping the other input."""
    g = ours("norm_net")
    cat = next(op for op in g.ops if op.type == "CONCATENATION")
    producer = {o: op for op in g.ops for o in op.outputs}
    req = [producer[i] for i in cat.inputs if producer[i].type == "QUANTIZE"
           and g.tensors[producer[i].inputs[0]].dtype == "int8"]
    assert len(req) == 1 and _q(g.tensors[req[0].inputs[0]]) == (1 / 128, 0)
    assert _q(g.tensors[req[0].outputs[0]]) == _q(g.tensors[cat.outputs[0]])


@pytest.mark.parametrize("name,first", [("div_net", "DIV"), ("norm_net", "L2_NORMALIZATION"),
                                        ("gather_net", "GATHER"), ("argmax_net", "ARG_MAX"),
                                        ("act_net", "HARD_SWISH"), ("spatial_net", "SPACE_TO_DEPTH")])
def test_int16x8_refusals(name, first):
    path = os.path.join(QUANT_DATA, f"{name}_float.tflite")
    calib = np.load(os.path.join(QUANT_DATA, f"{name}_calib.npy"))[:4]
    with pytest.raises(UnsupportedError) as e:
        quantize_model(path, calib, scheme="int16x8")
    msg = str(e.value)
    assert "\n" not in msg and f"({first})" in msg and "cannot be quantized to int16x8" in msg
    assert refusal_16(first) in msg and msg.endswith("; use int8")
    quantize_model(path, calib, scheme="int8", report_samples=0)       # int8 takes it


def test_every_rule_row_has_a_float_kernel_and_a_reason():
    from platformio_tinyml.quantize.floatref import supported_ops
    assert set(RULES) - set(supported_ops()) == {"UNIDIRECTIONAL_SEQUENCE_LSTM"}
    for op, rule in RULES.items():
        assert rule.int16 is not None or rule.why16, op


@pytest.mark.parametrize("model", ["unary_exp_float", "pointwise_elu_f32"])
def test_float_operator_at_the_model_edges_with_int8_io(model, tmp_path):
    """With io="int8" a model whose only operator stays float takes and gives int8: DEQUANTIZE, the float
    operator, QUANTIZE; TFLM runs it and our C equals TFLM."""
    from conftest import TEST_MODELS
    from platformio_tinyml.targets.hostrun import HostModel
    from tflm_oracle import assert_same, tflm_run
    path = os.path.join(TEST_MODELS, f"{model}.tflite")
    g = read_model(path)
    shape = g.tensors[g.inputs[0]].shape
    calib = np.random.default_rng(0).uniform(-2, 2, (16,) + tuple(shape)).astype(np.float32)
    q = read_model("q", quantize_model(path, calib, io="int8", report_samples=2).data)
    assert [op.type for op in q.ops] == ["DEQUANTIZE", g.ops[0].type, "QUANTIZE"]
    assert q.tensors[q.inputs[0]].dtype == "int8" and q.tensors[q.outputs[0]].dtype == "int8"
    qpath = tmp_path / "q.tflite"
    qpath.write_bytes(quantize_model(path, calib, io="int8", report_samples=0).data)
    with HostModel(str(qpath), name="q") as hm:
        x = np.arange(-128, 128, dtype=np.int8)[:int(np.prod(shape))].reshape(shape) if np.prod(shape) <= 256 else \
            np.random.default_rng(1).integers(-128, 128, shape).astype(np.int8)
        assert_same(hm.run([x])[0], tflm_run(str(qpath), [x])[0], model)


def test_report_names_the_operators_kept_float():
    path = os.path.join(QUANT_DATA, "norm_net_float.tflite")
    rep = quantize_model(path, np.load(os.path.join(QUANT_DATA, "norm_net_calib.npy"))[:8], report_samples=2).report
    line = [x for x in rep.lines() if "kept float32" in x]
    assert len(line) == 1 and "NEG: " in line[0] and "SQRT: TFLite Micro runs it in float32 only" in line[0]


def test_which_ranges_decide_a_same_scale_group():
    """As TensorFlow's converter: a single-input same-scale operator takes its input's range (forward), a
    several-input one (MAXIMUM, MINIMUM, CONCATENATION) gives its output's range to its inputs (backward,
    through other same-scale operators), clipping what only an input reaches."""
    from platformio_tinyml.quantize.calibdata import load_calibration
    from platformio_tinyml.quantize.graphprep import calibrate, simplify_float_graph
    path = os.path.join(QUANT_DATA, "binary_net_float.tflite")
    calib = np.load(os.path.join(QUANT_DATA, "binary_net_calib.npy"))
    f, _ = simplify_float_graph(read_model(path))
    r = calibrate(f, load_calibration(calib, f))
    g = ours("binary_net")
    by = {}
    for op in g.ops:
        by.setdefault(op.type, []).append(op)
    maximum, concat, sqdiff = by["MAXIMUM"][0], by["CONCATENATION"][0], by["SQUARED_DIFFERENCE"][0]
    b = g.tensors[maximum.inputs[1]]                             # the second convolution's output
    assert _q(b) == _q(g.tensors[maximum.outputs[0]]) == _q(g.tensors[maximum.inputs[0]])
    assert _q(g.tensors[sqdiff.outputs[0]]) == _q(g.tensors[concat.outputs[0]])
    fmax = next(op for op in f.ops if op.type == "MAXIMUM")
    lo, hi = r.get(fmax.outputs[0])
    s, z = _q(b)
    assert abs((-128 - z) * s - lo) < s and abs((127 - z) * s - hi) < s    # the MAXIMUM's range, not b's
    assert r.get(fmax.inputs[1])[0] < lo - 1                                # b's own reaches lower (clipped)
    g = ours("movement_net")
    tr = next(op for op in g.ops if op.type == "TRANSPOSE")
    assert _q(g.tensors[tr.inputs[0]]) == _q(g.tensors[tr.outputs[0]])


@pytest.mark.parametrize("name,scheme", [("mbv3_net", "int8"), ("tconv_net", "int16x8")])
def test_quantized_model_on_the_cortex_m4_equals_tflm(name, scheme, tmp_path):
    """Our quantized model, compiled for the Cortex-M4F (optimized kernels where they apply) and run under
    QEMU, gives TFLM's outputs bit for bit."""
    from platformio_tinyml.targets.qemurun import QemuModel, missing_tools
    from tflm_oracle import assert_same, tflm_run
    assert not missing_tools(), f"needs {', '.join(missing_tools())} (.ci/run installs them)"
    path = tmp_path / f"{name}_{scheme}.tflite"
    path.write_bytes(quantize_model(os.path.join(QUANT_DATA, f"{name}_float.tflite"),
                                    np.load(os.path.join(QUANT_DATA, f"{name}_calib.npy")), scheme=scheme,
                                    report_samples=0).data)
    qm = QemuModel(str(path), name=name, workdir=str(tmp_path / "m4"))
    for k, x in enumerate(quant_data.op_model_data(name, 2, 4242)):
        assert_same(qm.run([x])[0], tflm_run(str(path), [x])[0], f"{name} {scheme} on the Cortex-M4, sample {k}")


def test_integer_side_computations_are_left_alone(tmp_path):
    """SHAPE of a float activation, and integer arithmetic on it, beside the float path: the quantized model
    keeps them int32 (unquantized, their operator versions unchanged); TFLM runs it and our C equals TFLM."""
    from platformio_tinyml.targets.hostrun import HostModel
    from tflite_build import build
    from tflm_oracle import assert_same, tflm_run
    ts = [dict(shape=[2, 3], dtype="float32"), dict(shape=[2], dtype="int32"),
          dict(shape=[2], dtype="int32", data=np.array([10, 20], np.int32)), dict(shape=[2], dtype="int32"),
          dict(shape=[2, 3], dtype="float32")]
    ops = [dict(op="SHAPE", inputs=[0], outputs=[1], options_type="ShapeOptions", options=dict(out_type=2)),
           dict(op="ADD", inputs=[1, 2], outputs=[3], options_type="AddOptions", options={}),
           dict(op="RELU", inputs=[0], outputs=[4])]
    path = tmp_path / "shape_side.tflite"
    path.write_bytes(build(tensors=ts, ops=ops, inputs=[0], outputs=[3, 4]))
    calib = np.random.default_rng(0).uniform(-1, 1, (8, 2, 3)).astype(np.float32)
    data = quantize_model(str(path), calib, report_samples=2).data
    q = read_model("q", data)
    add = next(op for op in q.ops if op.type == "ADD")
    assert add.version == 1 and {q.tensors[i].dtype for i in add.inputs + add.outputs} == {"int32"}
    assert not any(q.tensors[i].quantized for i in add.inputs + add.outputs)
    qpath = tmp_path / "q.tflite"
    qpath.write_bytes(data)
    x = calib[3]
    with HostModel(str(qpath), name="q") as hm:
        for ours, ref in zip(hm.run([x]), tflm_run(str(qpath), [x])):
            assert_same(ours, ref, "shape_side")

"""The int8 quantizer (platformio_tinyml.quantize.quantizer), its float interpreter and the .tflite writer.

Every check goes through an independent runtime:
(a) the float interpreter used for calibration agrees with LiteRT on every float model;
(b) writing a model back gives the same model (TFLM computes the same outputs on it);
(c) every quantized model runs in TFLM, and the C we generate for it equals TFLM bit for bit
    (the quantizer and the kernels are checked independently of each other);
(d) graph clean-ups (batch-norm folding, activation fusion) do not change what LiteRT computes;
(e) bad input gets one clear error line that says what to do.
Accuracy against TensorFlow's own converter is in tests/test_quant_accuracy.py.
"""
import glob
import os

import numpy as np
import pytest

from conftest import SHARED_MODELS, TEST_MODELS
from test_errors import assert_clean_failure, tinyml
from tflm_oracle import assert_same, tflm_run

from platformio_tinyml.errors import TinymlError, UnsupportedError
from platformio_tinyml.quantize.floatref import FloatInterpreter, supported_ops
from platformio_tinyml.quantize.quantizer import (QUANTIZABLE, is_float_model, quantize_model, simplify_float_graph)
from platformio_tinyml.quantize.rules import FLOAT, INDEX, RULES, refusal_16
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.read.writer import write_model
import quant_data

SHARED_FLOAT = ["hello_world_float", "magic_wand", "mnist_lstm_float"]
QUANT_DATA = os.path.join(os.path.dirname(TEST_MODELS), "quant")


def _float_models():
    # a missing shared model fails test_model_lists_are_not_empty with a message, not the collection
    out = [p for p in (os.path.join(SHARED_MODELS, f"{n}.tflite") for n in SHARED_FLOAT) if os.path.exists(p)]
    for path in sorted(glob.glob(os.path.join(TEST_MODELS, "*.tflite"))) + \
            sorted(glob.glob(os.path.join(QUANT_DATA, "*_float.tflite"))):   # the trained ones
        if is_float_model(read_model(path)):
            out.append(path)
    return out


FLOAT_MODELS = _float_models()
#: the operators the quantizer first handled: every model of theirs is quantized in (c)
FIRST_OPS = {"MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE", "SQUEEZE", "STRIDED_SLICE", "PAD", "PADV2", "SOFTMAX",
             "LOGISTIC", "TANH", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL", "MEAN", "RELU",
             "RELU6", "CONCATENATION", "UNIDIRECTIONAL_SEQUENCE_LSTM"}


def _quantizable_models():
    """The float models (c) quantizes: those of the first operators all, of the others one per set of
    operator types (their sweeps of shapes and options are the families' own tests); not the operator
    models of tests/quant, which test_quant_accuracy.py quantizes and checks against TFLM."""
    out, signatures = [], set()
    for p in FLOAT_MODELS:
        types = frozenset(op.type for op in read_model(p).ops)
        if not types <= set(QUANTIZABLE) or os.path.basename(p)[:-len("_float.tflite")] in quant_data.OP_MODELS:
            continue
        if not types <= FIRST_OPS:
            if types in signatures:
                continue
            signatures.add(types)
        out.append(p)
    return out


QUANTIZABLE_MODELS = _quantizable_models()
ALL_MODELS = sorted(glob.glob(os.path.join(SHARED_MODELS, "*.tflite"))) + \
    sorted(glob.glob(os.path.join(TEST_MODELS, "*.tflite")))


def _id(path):
    return os.path.basename(path)[:-len(".tflite")]


def litert_run(model, inputs):
    from ai_edge_litert.interpreter import Interpreter
    ip = Interpreter(model_path=model) if isinstance(model, str) else Interpreter(model_content=model)
    ip.allocate_tensors()
    for d, x in zip(ip.get_input_details(), inputs):
        ip.set_tensor(d["index"], x)
    ip.invoke()
    return [ip.get_tensor(d["index"]) for d in ip.get_output_details()]


def reference_run(path, inputs):
    """LiteRT's outputs, or TFLM's for a model LiteRT does not open (an operator version it lacks)."""
    try:
        return litert_run(path, inputs)
    except ValueError as e:
        if "Didn't find op" not in str(e):
            raise
    return tflm_run(path, inputs)


#: operators whose float inputs must be positive (random test inputs are drawn from (0.05, 2) for them;
#: a DIV by a quantized zero is undefined in TFLite Micro)
POSITIVE_INPUT_OPS = {"LOG", "SQRT", "RSQRT", "DIV"}


def input_range(g):
    return (0.05, 2.0) if any(op.type in POSITIVE_INPUT_OPS for op in g.ops) else (-1.0, 1.0)


def random_calibration(g, n, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(*input_range(g), (n,) + tuple(g.tensors[t].shape)).astype(np.float32) for t in g.inputs]


def calibration_source(g, arrays, tmp_path):
    """One array for a one-input model, else an .npz with input_0, input_1, …"""
    if len(arrays) == 1:
        return arrays[0]
    path = tmp_path / "calib.npz"
    np.savez(path, **{f"input_{i}": a for i, a in enumerate(arrays)})
    return str(path)


def test_model_lists_are_not_empty():
    missing = [n for n in SHARED_FLOAT if not os.path.exists(os.path.join(SHARED_MODELS, f"{n}.tflite"))]
    assert not missing, f"{missing} missing: the shared models must sit beside the project ({SHARED_MODELS})"
    assert len(FLOAT_MODELS) >= 60 and len(QUANTIZABLE_MODELS) >= 50


# ---------------------------------------------------------------- (a) float interpreter vs LiteRT

@pytest.mark.parametrize("path", FLOAT_MODELS, ids=_id)
def test_float_interpreter_matches_litert(path):
    g = read_model(path)
    if any(op.type not in supported_ops() + ["UNIDIRECTIONAL_SEQUENCE_LSTM"] for op in g.ops):  # SVDF, ...
        with pytest.raises(UnsupportedError, match="cannot be calibrated"):
            FloatInterpreter(g)
        return
    fi = FloatInterpreter(g)
    rng = np.random.default_rng(3)
    for _ in range(2):
        xs = [(rng.uniform(*input_range(g), g.tensors[t].shape)).astype(np.float32) for t in g.inputs]
        fi.reset()
        for ours, ref in zip(fi.run(xs), reference_run(path, xs)):
            # we compute each op in float64, LiteRT in float32: near-cancelling sums differ by the
            # float32 rounding of the terms, so the absolute tolerance scales with the output's size
            atol = max(2e-6, 1e-5 * float(np.abs(ref).max()))
            np.testing.assert_allclose(ours, ref.reshape(ours.shape), rtol=1e-5, atol=atol)


# ---------------------------------------------------------------- (b) writer

@pytest.mark.parametrize("path", ALL_MODELS, ids=_id)
def test_writer_round_trip(path):
    g = read_model(path)
    h = read_model(path, write_model(g))
    assert [(t.name, t.dtype, t.shape, t.quant_dim, t.is_variable) for t in g.tensors] == \
        [(t.name, t.dtype, t.shape, t.quant_dim, t.is_variable) for t in h.tensors]
    for a, b in zip(g.tensors, h.tensors):
        for key in ("data", "scale", "zero_point", "variable_init"):
            x, y = getattr(a, key), getattr(b, key)
            assert (x is None) == (y is None) and (x is None or np.array_equal(x, y)), (a.index, key)
    assert [(o.type, o.inputs, o.outputs, o.options, o.version, o.custom_code) for o in g.ops] == \
        [(o.type, o.inputs, o.outputs, o.options, o.version, o.custom_code) for o in h.ops]


@pytest.mark.parametrize("name", ["person_detect", "mnist_lstm_int8", "magic_wand"])
def test_written_model_runs_the_same_in_tflm(name, tmp_path):
    from tflm_oracle import random_input
    src = os.path.join(SHARED_MODELS, f"{name}.tflite")
    dst = tmp_path / f"{name}_rewritten.tflite"
    dst.write_bytes(write_model(read_model(src)))
    g = read_model(src)
    xs = [random_input(g.tensors[t].np_dtype, g.tensors[t].shape, np.random.default_rng(0)) for t in g.inputs]
    for a, b in zip(tflm_run(src, xs), tflm_run(str(dst), xs)):
        assert np.array_equal(a, b)


# ---------------------------------------------------------------- (c) quantized models: TFLM == our C

@pytest.mark.parametrize("scheme", ["int8", "int16x8"])
@pytest.mark.parametrize("path", QUANTIZABLE_MODELS, ids=_id)
def test_quantized_model_runs_in_tflm_and_our_c_matches(path, scheme, tmp_path):
    from platformio_tinyml.targets.hostrun import HostModel
    g = read_model(path)
    calib = calibration_source(g, random_calibration(g, 32), tmp_path)
    if scheme == "int16x8" and any(op.type == "UNIDIRECTIONAL_SEQUENCE_LSTM" for op in g.ops):
        with pytest.raises(UnsupportedError, match="UNIDIRECTIONAL_SEQUENCE_LSTM.*cannot be quantized to int16x8"):
            quantize_model(path, calib, scheme=scheme)
        return
    refused = [op for op in g.ops if scheme == "int16x8" and refusal_16(op.type)]
    if refused:
        with pytest.raises(UnsupportedError, match=f"{refused[0].type}.* cannot be quantized to int16x8 .*use int8"):
            quantize_model(path, calib, scheme=scheme)
        return
    res = quantize_model(path, calib, scheme=scheme, report_samples=4)
    q = read_model("q.tflite", res.data)
    act = "int16" if scheme == "int16x8" else "int8"
    for op in q.ops:
        kind = RULES[op.type].kind(scheme == "int16x8") if op.type in RULES else None
        if kind not in (None, FLOAT, INDEX):          # quantized: its float outputs became int8 / int16
            assert {q.tensors[o].dtype for o in op.outputs} == {act}, (op.index, op.type)
        elif kind == FLOAT:                           # stays float between DEQUANTIZE and QUANTIZE
            assert all(q.tensors[i].dtype != act for i in op.inputs if i >= 0), (op.index, op.type)
    assert not is_float_model(q)
    # float inputs and outputs kept, int8 inside
    assert [q.tensors[t].dtype for t in q.inputs] == ["float32"] * len(g.inputs)
    assert [q.tensors[t].dtype for t in q.outputs] == [g.tensors[t].dtype for t in g.outputs]
    assert {op.type for op in q.ops[:len(g.inputs)]} == {"QUANTIZE"}
    qpath = tmp_path / "q.tflite"
    qpath.write_bytes(res.data)
    with HostModel(str(qpath), name="q") as hm:
        for seed in (10, 11):
            rng = np.random.default_rng(seed)
            xs = [rng.uniform(*input_range(g), t.shape).astype(np.float32) for t in hm.inputs]
            for k, (ours, ref) in enumerate(zip(hm.run(xs), tflm_run(str(qpath), xs))):
                assert_same(ours, ref, f"{_id(path)} quantized to {scheme}, seed {seed}, output {k}")


def test_tflite_conventions_of_the_quantized_model(tmp_path):
    """What TFLM's int8 kernels expect: symmetric per-channel weights, int32 biases at input x weight
    scale, softmax output 1/256 and -128, pooling keeps its input's quantization."""
    path = os.path.join(SHARED_MODELS, "magic_wand.tflite")
    g = read_model(path)
    q = read_model("q", quantize_model(path, random_calibration(g, 16)[0] * 500, report_samples=0).data)
    seen = set()
    for op in q.ops:
        t = [q.t(i) for i in op.inputs]
        out = q.tensors[op.outputs[0]]
        if op.type in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            w, b = t[1], t[2]
            axis = 3 if op.type == "DEPTHWISE_CONV_2D" else 0
            assert w.dtype == "int8" and w.quant_dim == axis and len(w.scale) == w.shape[axis]
            assert not w.zero_point.any() and np.abs(w.data).max() == 127
            assert b.dtype == "int32" and np.array_equal(b.scale, (np.float32(t[0].scale[0]) * w.scale))
        if op.type == "SOFTMAX":
            assert (out.q_scale, out.q_zero_point) == (1 / 256, -128)
        if op.type == "MAX_POOL_2D":
            assert (out.q_scale, out.q_zero_point) == (t[0].q_scale, t[0].q_zero_point)
        seen.add(op.type)
    assert {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX", "MAX_POOL_2D"} <= seen


def test_int8_io_and_already_quantized(tmp_path):
    """io="int8": the model's own inputs/outputs become int8 (no QUANTIZE/DEQUANTIZE); an int8 model is
    left alone with a message."""
    from platformio_tinyml.targets.hostrun import HostModel
    path = os.path.join(SHARED_MODELS, "hello_world_float.tflite")
    calib = np.linspace(0, 6.28, 64, dtype=np.float32).reshape(64, 1, 1)
    res = quantize_model(path, calib, io="int8", report_samples=0)
    q = read_model("q", res.data)
    assert [op.type for op in q.ops] == ["FULLY_CONNECTED"] * 3
    assert q.tensors[q.inputs[0]].dtype == "int8" and q.tensors[q.outputs[0]].dtype == "int8"
    qpath = tmp_path / "q.tflite"
    qpath.write_bytes(res.data)
    with HostModel(str(qpath), name="q") as hm:
        for v in range(-128, 128, 17):
            x = np.full((1, 1), v, np.int8)
            assert_same(hm.run([x])[0], tflm_run(str(qpath), [x])[0])
    skipped = quantize_model(os.path.join(SHARED_MODELS, "hello_world_int8.tflite"), calib)
    assert skipped.data is None and "already quantized" in skipped.message


def test_lstm_quantization_follows_tflm_integer_lstm(tmp_path):
    path = os.path.join(SHARED_MODELS, "mnist_lstm_float.tflite")
    g = read_model(path)
    rng = np.random.default_rng(0)
    res = quantize_model(path, (rng.uniform(0, 1, (16, 1, 28, 28)) ** 4).astype(np.float32), report_samples=2)
    q = read_model("q", res.data)
    lstm = next(op for op in q.ops if op.type == "UNIDIRECTIONAL_SEQUENCE_LSTM")
    h, c = q.tensors[lstm.inputs[18]], q.tensors[lstm.inputs[19]]
    out = q.tensors[lstm.outputs[0]]
    assert h.is_variable and c.is_variable and h.dtype == "int8" and c.dtype == "int16"
    assert (h.q_scale, h.q_zero_point) == (out.q_scale, out.q_zero_point)
    assert np.log2(c.q_scale * 32768) == round(np.log2(c.q_scale * 32768))      # power-of-two cell scale
    for k in range(1, 9):
        assert q.tensors[lstm.inputs[k]].dtype == "int8" and len(q.tensors[lstm.inputs[k]].scale) == 1
    assert len(g.ops) + 2 == len(q.ops)


# ---------------------------------------------------------------- (d) float graph clean-ups

def _conv_then(tmp_path, ops):
    """conv_1x1_f32 with MUL/ADD by per-channel constants and a standalone activation appended."""
    from platformio_tinyml.ir import Op, Tensor
    g = read_model(os.path.join(TEST_MODELS, "conv_1x1_f32.tflite"))
    g.ops[0].options["fused_activation_function"] = 0
    out = g.tensors[g.outputs[0]]
    ch = out.shape[-1]
    rng = np.random.default_rng(1)
    cur = out.index
    for kind in ops:
        ins = [cur]
        opts, otype = {}, ""
        if kind in ("MUL", "ADD"):
            c = Tensor(index=len(g.tensors), name=f"{kind}_c", dtype="float32", shape=(ch,),
                       data=rng.uniform(0.5, 1.5, ch).astype(np.float32))
            g.tensors.append(c)
            ins.append(c.index)
            opts, otype = {"fused_activation_function": 0}, f"{kind.capitalize()}Options"
        y = Tensor(index=len(g.tensors), name=f"{kind}_out", dtype="float32", shape=out.shape)
        g.tensors.append(y)
        g.ops.append(Op(index=len(g.ops), type=kind, inputs=ins, outputs=[y.index], options=opts,
                        options_type=otype))
        cur = y.index
    g.outputs = [cur]
    path = tmp_path / "chain.tflite"
    path.write_bytes(write_model(g))
    return str(path)


def test_batchnorm_folding_and_activation_fusion_keep_the_function(tmp_path):
    path = _conv_then(tmp_path, ["MUL", "ADD", "RELU6"])
    g = read_model(path)
    s, done = simplify_float_graph(g)
    assert [op.type for op in s.ops] == ["CONV_2D"] and len(done) == 3
    assert s.ops[0].options["fused_activation_function"] == 3
    simplified = tmp_path / "simplified.tflite"
    simplified.write_bytes(write_model(s))
    xs = random_calibration(g, 1, seed=5)
    xs = [x[0] for x in xs]
    for a, b in zip(litert_run(path, xs), litert_run(str(simplified), xs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    q = read_model("q", quantize_model(path, random_calibration(g, 8)[0], report_samples=0).data)
    assert [op.type for op in q.ops] == ["QUANTIZE", "CONV_2D", "DEQUANTIZE"]


# ---------------------------------------------------------------- (e) errors

HELLO_FLOAT = os.path.join(SHARED_MODELS, "hello_world_float.tflite")


def test_no_calibration_says_which_option_and_shape():
    with pytest.raises(TinymlError) as e:
        quantize_model(HELLO_FLOAT, None, option="custom_tinyml_calibration")
    msg = str(e.value)
    assert "custom_tinyml_calibration" in msg and "float32 [1, 1]" in msg and "hello_world_float" in msg


@pytest.mark.parametrize("data,needle", [
    (np.zeros((10, 3), np.float32), "does not split into samples"),
    (np.zeros((4, 1, 1), np.uint8), "calibration data is uint8"),
    (np.array([[[0.5]], [[np.nan]]], np.float32), "NaN or infinity"),
])
def test_bad_calibration_data(data, needle, tmp_path):
    mnist = os.path.join(SHARED_MODELS, "mnist_lstm_float.tflite")
    path = mnist if needle == "does not split into samples" else HELLO_FLOAT
    f = tmp_path / "calib.npy"
    np.save(f, data)
    with pytest.raises(TinymlError, match=needle):
        quantize_model(path, str(f))


def test_nan_weights_and_unsupported_ops(tmp_path):
    g = read_model(HELLO_FLOAT)
    w = next(t for t in g.tensors if t.is_const and t.dtype == "float32" and t.size > 1)
    w.data = w.data.copy()
    w.data.reshape(-1)[0] = np.inf
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(write_model(g))
    with pytest.raises(TinymlError, match=f"tensor {w.index} .*NaN or infinity"):
        quantize_model(str(bad), np.zeros((2, 1, 1), np.float32))
    svdf = os.path.join(TEST_MODELS, "svdf_float_rank1_relu.tflite")
    with pytest.raises(UnsupportedError, match="cannot quantize operator.* SVDF .*keep the model float"):
        quantize_model(svdf, np.zeros((2,) + read_model(svdf).tensors[read_model(svdf).inputs[0]].shape,
                                      np.float32))


def test_cli_quantize_and_convert(tmp_path):
    calib = tmp_path / "calib.npy"
    np.save(calib, np.linspace(0, 6.28, 64, dtype=np.float32).reshape(64, 1, 1))
    out = tmp_path / "sub" / "hello_int8.tflite"
    res = tinyml("quantize", HELLO_FLOAT, "--calibration", str(calib), "-o", str(out), "-v")
    assert res.returncode == 0, res.stderr
    assert "SQNR" in res.stdout and "op   3 FULLY_CONNECTED" in res.stdout
    x = np.array([[1.0]], np.float32)
    assert abs(float(tflm_run(str(out), [x])[0].reshape(-1)[0]) - np.sin(1.0)) < 0.1
    res = tinyml("convert", HELLO_FLOAT, "--quantize", "int8", "--calibration", str(calib), "-o",
                 str(tmp_path / "gen"), "--name", "sine")
    assert res.returncode == 0, res.stderr
    assert sorted(os.listdir(tmp_path / "gen")) == ["sine.c", "sine.h", "sine_int8.tflite"]
    assert_clean_failure(tinyml("quantize", HELLO_FLOAT, "--calibration", str(tmp_path / "nope.npy"), "-o",
                                str(tmp_path / "x.tflite")), "calibration data not found")
    assert not (tmp_path / "x.tflite").exists()
    assert_clean_failure(tinyml("convert", HELLO_FLOAT, "--quantize", "int8", "-o", str(tmp_path / "g2")),
                         "--calibration", "[1, 1]")
    assert not (tmp_path / "g2").exists()
    wide = tmp_path / "hello_int16.tflite"
    res = tinyml("quantize", HELLO_FLOAT, "--calibration", str(calib), "-o", str(wide), "--scheme", "int16x8",
                 "--io", "int16")
    assert res.returncode == 0 and "int16x8 vs float" in res.stdout, res.stderr
    g = read_model(str(wide))
    assert [g.tensors[t].dtype for t in g.inputs + g.outputs] == ["int16", "int16"]
    assert_clean_failure(tinyml("quantize", HELLO_FLOAT, "--calibration", str(calib), "-o", str(wide),
                                "--scheme", "int16x8", "--io", "int8"), "use int16")
    res = tinyml("quantize", os.path.join(SHARED_MODELS, "hello_world_int8.tflite"), "--calibration", str(calib),
                 "-o", str(tmp_path / "y.tflite"))
    assert res.returncode == 0 and "already quantized" in res.stdout and not (tmp_path / "y.tflite").exists()


def test_hook_options(tmp_path):
    from platformio_tinyml import pio as tinyml_pio
    jobs = [tinyml_pio.ModelJob(str(tmp_path / "m.tflite"), "models/m.tflite", "m")]
    with pytest.raises(tinyml_pio.HookError, match="custom_tinyml_quantize = int4 is not known"):
        tinyml_pio.quant_options(str(tmp_path), jobs, "int4")
    with pytest.raises(tinyml_pio.HookError, match="no model is named 'other'"):
        tinyml_pio.quant_options(str(tmp_path), jobs, "int8", "other = data/x.npy")
    with pytest.raises(tinyml_pio.HookError, match="custom_tinyml_io = uint8"):
        tinyml_pio.quant_options(str(tmp_path), jobs, "int8", "d.npy", "uint8")
    (tmp_path / "d.npy").write_bytes(b"1")
    q = tinyml_pio.quant_options(str(tmp_path), jobs, "int8", "d.npy")["m"]
    k1 = tinyml_pio.quant_key(q)
    (tmp_path / "d.npy").write_bytes(b"2")
    assert tinyml_pio.quant_key(q) != k1 and tinyml_pio.quant_key(None) == ""



@pytest.mark.parametrize("scheme", ["int8", "int16x8"])
@pytest.mark.parametrize("name", ["magic_wand", "hello_world_float"])
def test_litert_opens_the_quantized_model(name, scheme, tmp_path):
    """The written model is a standard .tflite: LiteRT (which checks operator versions) runs it too and
    agrees with TFLM to within its single- versus double-rounding difference."""
    path = os.path.join(SHARED_MODELS, f"{name}.tflite")
    g = read_model(path)
    data = quantize_model(path, random_calibration(g, 16)[0] * (300 if name == "magic_wand" else 3),
                          scheme=scheme, report_samples=0).data
    qpath = tmp_path / "q.tflite"
    qpath.write_bytes(data)
    q = read_model(str(qpath))
    step = q.tensors[q.ops[-1].inputs[0]].q_scale          # the DEQUANTIZE input's scale: one output step
    x = random_calibration(g, 1, seed=9)[0][0] * (300 if name == "magic_wand" else 3)
    a = litert_run(data, [x])[0]
    b = tflm_run(str(qpath), [x])[0]
    assert np.abs(a.astype(np.float64) - b).max() <= 2 * step + 1e-9


def test_calibration_from_a_folder_and_npz(tmp_path):
    from platformio_tinyml.quantize.quantizer import load_calibration
    g = read_model(HELLO_FLOAT)
    folder = tmp_path / "calib"
    folder.mkdir()
    np.save(folder / "a.npy", np.zeros((3, 1, 1), np.float32))
    np.savez(folder / "b.npz", input_0=np.ones((2, 1), np.float32))   # [N, *shape without the batch 1]
    (folder / "notes.txt").write_text("ignored")
    samples = load_calibration(str(folder), g)
    assert len(samples) == 5 and [float(s[0].reshape(-1)[0]) for s in samples] == [0, 0, 0, 1, 1]
    assert all(s[0].shape == (1, 1) and s[0].dtype == np.float32 for s in samples)
    (tmp_path / "empty").mkdir()
    with pytest.raises(TinymlError, match="holds no .npy or .npz"):
        load_calibration(str(tmp_path / "empty"), g)

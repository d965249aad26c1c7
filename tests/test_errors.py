"""Bad input gets one readable line, a non-zero exit code, and nothing written."""
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, SHARED_MODELS
from tflite_build import build

HELLO = os.path.join(SHARED_MODELS, "hello_world_int8.tflite")


def tinyml(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("TINYML_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "platformio_tinyml.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env=env)


def assert_clean_failure(res, *needles):
    assert res.returncode != 0, res.stdout
    err = res.stderr.strip()
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("tinyml: error: "), err
    for n in needles:
        assert n in err, f"{n!r} not in {err!r}"
    return err


def convert_fails(tmp_path, model_bytes_or_path, *needles, name="bad.tflite"):
    if isinstance(model_bytes_or_path, bytes):
        path = tmp_path / name
        path.write_bytes(model_bytes_or_path)
    else:
        path = model_bytes_or_path
    out = tmp_path / "out"
    res = tinyml("convert", str(path), "-o", str(out))
    err = assert_clean_failure(res, os.path.basename(str(path)), *needles)
    assert not out.exists(), "nothing may be written on failure"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tinyml-")], "temporary files left behind"
    return err


def test_not_a_flatbuffer(tmp_path):
    convert_fails(tmp_path, b"this is not a model at all, just some text", "not a TensorFlow Lite model")


def test_empty_file(tmp_path):
    convert_fails(tmp_path, b"", "not a TensorFlow Lite model")


def test_truncated(tmp_path):
    data = open(HELLO, "rb").read()
    convert_fails(tmp_path, data[:1000], "corrupt or truncated")


def test_wrong_identifier(tmp_path):
    data = bytearray(open(HELLO, "rb").read())
    data[4:8] = b"ABCD"
    convert_fails(tmp_path, bytes(data), "file identifier", "TFL3")


def test_missing_file(tmp_path):
    res = tinyml("convert", str(tmp_path / "nope.tflite"), "-o", str(tmp_path / "out"))
    assert_clean_failure(res, "nope.tflite", "cannot read")


def test_ethos_u_custom_op(tmp_path):
    err = convert_fails(tmp_path, os.path.join(SHARED_MODELS, "person_detect_vela.tflite"),
                        "ethos-u", "index 0", "FULLY_CONNECTED")
    assert "Vela" in err  # says what to do: use the model before Vela compiled it


def test_signal_custom_ops(tmp_path):
    # a Signal-named custom operator the converter does not know (TFLM's own Signal operators are lowered)
    model = build([dict(shape=[16], dtype="int16"), dict(shape=[16], dtype="int16")],
                  [dict(op="CUSTOM", custom="SignalNotAnOperator", custom_options=dict(size=16),
                        inputs=[0], outputs=[1])], inputs=[0], outputs=[1])
    err = convert_fails(tmp_path, model, "SignalNotAnOperator", "not supported", "supported operators", "index 0")
    assert "Signal audio operators this version converts" in err


def _float_model(op, shape=(1, 4), dtype="float32", n_in=1, subgraphs=1):
    tensors = [dict(shape=list(shape), dtype=dtype) for _ in range(n_in + 1)]
    return build(tensors, [dict(op=op, inputs=list(range(n_in)), outputs=[n_in])],
                 inputs=list(range(n_in)), outputs=[n_in], subgraphs=subgraphs)


def test_unsupported_builtin_op(tmp_path):
    convert_fails(tmp_path, _float_model("SIN"), "SIN", "index 0", "supported operators", "FULLY_CONNECTED")


def test_unsupported_dtype(tmp_path):
    w = dict(shape=[2, 4], dtype="float16", data=np.zeros((2, 4), np.float16))
    model = build([dict(shape=[1, 4], dtype="float16"), w, dict(shape=[1, 2], dtype="float16")],
                  [dict(op="FULLY_CONNECTED", inputs=[0, 1], outputs=[2])], inputs=[0], outputs=[2])
    convert_fails(tmp_path, model, "FULLY_CONNECTED", "float16")


def test_dynamic_shape(tmp_path):
    convert_fails(tmp_path, _float_model("RELU", shape=(-1, 4)), "dynamic shape")


def test_zero_sized_shape(tmp_path):
    convert_fails(tmp_path, _float_model("RELU", shape=(0, 4)), "zero-sized")


def test_several_subgraphs(tmp_path):
    convert_fails(tmp_path, _float_model("RELU", subgraphs=2), "2 subgraphs")


def test_failure_keeps_previous_outputs(tmp_path):
    out = tmp_path / "gen"
    ok = tinyml("convert", HELLO, "-o", str(out), "--name", "net")
    assert ok.returncode == 0, ok.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["net.c", "net.h"]
    bad = tmp_path / "net.tflite"
    bad.write_bytes(open(HELLO, "rb").read()[:500])
    res = tinyml("convert", str(bad), "-o", str(out), "--name", "net")
    assert_clean_failure(res, "net.tflite")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_run_rejects_wrong_input(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((1, 1), np.float32))
    res = tinyml("run", HELLO, "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy"))
    assert_clean_failure(res, "int8", "[1, 1]")
    assert not (tmp_path / "y.npy").exists()


"""Bad calibration data gets one line naming the file, what is wrong and what to do: never an internal
error, a traceback, numpy's advice about allow_pickle or a numpy warning.

Each file is written here and given to the entries the command line and the PlatformIO hook use:
``tinyml quantize`` (platformio_tinyml.cli.main, in this process and as a command) and
:func:`platformio_tinyml.api.quantize` / :func:`platformio_tinyml.api.generate`.
"""
import os
import pickle
import warnings

import numpy as np
import pytest

from conftest import SHARED_MODELS
from test_errors import assert_clean_failure, tinyml

from platformio_tinyml import api, cli
from platformio_tinyml.errors import TinymlError

HELLO_FLOAT = os.path.join(SHARED_MODELS, "hello_world_float.tflite")
HINT = ("save the float32 inputs with numpy.save (.npy, one array [N, *input shape]) or numpy.savez "
        "(.npz, arrays input_0, input_1, ...)")
GOOD = np.linspace(0, 6.28, 8, dtype=np.float32).reshape(8, 1, 1)


def _npz_bytes(tmp_path, **arrays) -> bytes:
    f = tmp_path / "scratch.npz"
    np.savez(f, **arrays)
    data = f.read_bytes()
    f.unlink()
    return data


def _npy_bytes(tmp_path, a, **kw) -> bytes:
    f = tmp_path / "scratch.npy"
    np.save(f, a, **kw)
    data = f.read_bytes()
    f.unlink()
    return data


def _damaged_npz(tmp_path) -> bytes:
    """A complete archive whose member's data has one byte changed: the CRC check fails."""
    data = bytearray(_npz_bytes(tmp_path, input_0=GOOD))
    at = data.index(b"\x93NUMPY") + 140          # inside the array data, after the header
    data[at] ^= 0xFF
    return bytes(data)


# (file name, its bytes, the message after "<path>: ")
CASES = [
    ("empty.npy", lambda tp: b"", f"the file is empty; {HINT}"),
    ("empty.npz", lambda tp: b"", f"the file is empty; {HINT}"),
    ("truncated.npz", lambda tp: _npz_bytes(tp, input_0=GOOD)[:150],
     f"not a readable .npz archive, or a truncated or damaged one (File is not a zip file); {HINT}"),
    ("damaged.npz", _damaged_npz,
     f"not a readable .npz archive, or a truncated or damaged one (Bad CRC-32 for file 'input_0.npy'); {HINT}"),
    ("text.npz", lambda tp: b"0.1, 0.2, 0.3\n0.4, 0.5, 0.6\n", f"the file is text, not a NumPy .npy/.npz file; {HINT}"),
    ("text.npy", lambda tp: b"0.1 0.2 0.3\n", f"the file is text, not a NumPy .npy/.npz file; {HINT}"),
    ("junk.npy", lambda tp: bytes(range(200, 256)) * 4,
     f"the file is neither a NumPy .npy file nor an .npz archive; {HINT}"),
    ("pickled.npy", lambda tp: pickle.dumps(GOOD),
     f"the file is a Python pickle, which is never loaded (unpickling can run code); {HINT}"),
    ("objects.npy", lambda tp: _npy_bytes(tp, np.array([1.0, "x", None], dtype=object), allow_pickle=True),
     f"the file holds Python objects (dtype object), which are never loaded (unpickling can run code); {HINT}"),
    ("truncated.npy", lambda tp: _npy_bytes(tp, GOOD)[:-8],
     "the file is truncated: the header announces [8, 1, 1] float32 (32 bytes of data) but only 24 follow; "
     "save the file again"),
    ("header.npy", lambda tp: _npy_bytes(tp, GOOD)[:20],
     "the .npy header of the file is damaged or truncated (EOF: reading array header, expected 118 bytes got 10); "
     + HINT),
    ("float64.npy", lambda tp: _npy_bytes(tp, np.array([[[0.5]], [[-2.0]], [[1e39]]], np.float64)),
     "calibration value 1e+39 (sample 2, index [2, 0, 0]) is beyond float32's range (+-3.402823e+38), which the "
     "model computes in; give the values the float model is fed (scaled as in training)"),
    ("float32max.npy", lambda tp: _npy_bytes(tp, np.array([[[3.4e38]], [[0.5]], [[-3.4e38]]], np.float32)),
     "sample 2 widens the range of tensor 0 'serving_default_dense_input:0' (model input 0) to [-3.4e+38, 3.4e+38], "
     "wider than float32 can quantize (3.402823e+38); give inputs in the range the model was trained on, or "
     "remove that sample"),
]


def _objects_npz(tmp_path, name):
    """An .npz holding an object array (numpy's own writer, with pickling allowed, as a user might)."""
    path = tmp_path / name
    np.savez(path, input_0=np.array([[1.0], "x"], dtype=object))
    return path


def _write(tmp_path, name, make):
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    return path


def _cli_in_process(capsys, *args):
    """(exit code, stdout, stderr) of cli.main, failing on any Python warning (numpy's included)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="warn"):
            code = cli.main(list(args))
    out, err = capsys.readouterr()
    assert not caught, [str(w.message) for w in caught]
    return code, out, err


def _assert_refused(capsys, tmp_path, path, message):
    out = tmp_path / "out_int8.tflite"
    code, stdout, err = _cli_in_process(capsys, "quantize", HELLO_FLOAT, "--calibration", str(path), "-o", str(out))
    assert (code, err) == (1, f"tinyml: error: {path}: {message}\n"), stdout
    assert not out.exists()
    with pytest.raises(TinymlError) as e:     # the function the hook's generate() calls
        api.quantize(HELLO_FLOAT, api.Quantize(scheme="int8", calibration=str(path)))
    assert str(e.value) == f"{path}: {message}"
    gen = tmp_path / "gen"
    with pytest.raises(TinymlError) as e:
        api.generate(HELLO_FLOAT, str(gen), quant=api.Quantize(scheme="int8", calibration=str(path)))
    assert str(e.value) == f"{path}: {message}" and not gen.exists()


@pytest.mark.parametrize("name,make,message", CASES, ids=[c[0] for c in CASES])
def test_bad_calibration_file(name, make, message, tmp_path, capsys):
    _assert_refused(capsys, tmp_path, _write(tmp_path, name, make), message)


def test_npz_holding_an_object_array(tmp_path, capsys):
    path = _objects_npz(tmp_path, "objects.npz")
    _assert_refused(capsys, tmp_path, path, "array 'input_0' holds Python objects (dtype object), which are "
                    f"never loaded (unpickling can run code); {HINT}")


COMMAND_CASES = [c for c in CASES if c[0] in ("empty.npy", "truncated.npz", "text.npy", "pickled.npy", "objects.npy",
                                                "float64.npy", "float32max.npy")]


@pytest.mark.parametrize("name,make,message", COMMAND_CASES, ids=[c[0] for c in COMMAND_CASES])
def test_the_command_prints_one_line_and_no_warning(name, make, message, tmp_path):
    path = _write(tmp_path, name, make)
    res = tinyml("quantize", HELLO_FLOAT, "--calibration", str(path), "-o", str(tmp_path / "q.tflite"))
    assert res.returncode == 1
    assert_clean_failure(res)
    assert res.stderr == f"tinyml: error: {path}: {message}\n"
    assert "Warning" not in res.stderr and "allow_pickle" not in res.stderr
    assert not (tmp_path / "q.tflite").exists()


def test_float_graph_overflow_names_the_file_sample_and_tensor(tmp_path, capsys):
    """Finite float32 inputs whose float graph overflows: refused (the ranges would be useless)."""
    from platformio_tinyml.read.reader import read_model
    from platformio_tinyml.read.writer import write_model
    g = read_model(HELLO_FLOAT)
    w = g.tensors[4]                  # sequential/dense/MatMul: the first layer's weights
    w.data = (np.asarray(w.data, np.float32) * np.float32(1e30)).astype(np.float32)
    model = tmp_path / "loud.tflite"
    model.write_bytes(write_model(g))
    calib = tmp_path / "calib.npy"
    np.save(calib, np.array([[[0.5]], [[1e10]], [[2.0]]], np.float32))
    code, out, err = _cli_in_process(capsys, "quantize", str(model), "--calibration", str(calib), "-o",
                                     str(tmp_path / "q.tflite"))
    assert code == 1 and len(err.splitlines()) == 1, err
    assert err.startswith(f"tinyml: error: {calib}: sample 1 makes the float model overflow: tensor 7 "
                          "'sequential/dense/MatMul;sequential/dense/Relu;sequential/dense/BiasAdd' (output of "
                          "operator 0 FULLY_CONNECTED) is infinite or NaN (the sample's values reach 1e+10); "), err
    assert err.endswith("give inputs in the range the model was trained on, or remove that sample\n"), err


def test_finite_float32_extremes_that_stay_finite_are_accepted_quietly(tmp_path, capsys):
    """One sample at 3.4e38: the float graph stays finite and the ranges representable; no warnings."""
    calib = tmp_path / "calib.npy"
    np.save(calib, np.array([[[3.4e38]]], np.float32))
    code, out, err = _cli_in_process(capsys, "quantize", HELLO_FLOAT, "--calibration", str(calib), "-o",
                                     str(tmp_path / "q.tflite"))
    assert code == 0 and err == "", err
    assert (tmp_path / "q.tflite").exists()


def test_good_npy_and_npz_still_load(tmp_path):
    from platformio_tinyml.quantize.quantizer import load_calibration
    from platformio_tinyml.read.reader import read_model
    g = read_model(HELLO_FLOAT)
    np.save(tmp_path / "a.npy", GOOD)
    np.savez_compressed(tmp_path / "b.npz", input_0=GOOD.astype(np.float64))
    np.save(tmp_path / "fortran.npy", np.asfortranarray(GOOD.reshape(8, 1)))
    for name in ("a.npy", "b.npz", "fortran.npy"):
        samples = load_calibration(str(tmp_path / name), g)
        assert [float(s[0].reshape(-1)[0]) for s in samples] == [float(x) for x in GOOD.reshape(-1)], name
        assert all(s[0].dtype == np.float32 and s[0].shape == (1, 1) for s in samples)

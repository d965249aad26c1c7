"""What an interrupted or killed conversion leaves behind, and messages that quote hostile names.

* An interrupt (KeyboardInterrupt) during the writing leaves no temporary folder or file.
* The ``.tinyml-XXXXXXXX`` folders of api.write_atomically and the hook's ``.staging-NAME`` folders a
  killed run left are removed by the next run: only those (a real folder with exactly our name, older
  than the current run), never a file, a symlink, another name or a folder another run is writing now.
* A tensor name or custom operator code holding a newline or an escape sequence cannot break the
  one-line error message (errors.TinymlError escapes control characters; the printers rely on it).
"""
import os
import time

import numpy as np
import pytest

from conftest import SHARED_MODELS
from test_errors import assert_clean_failure, tinyml
from test_hostile_models import _mutated, refused

from platformio_tinyml import api, cli
from platformio_tinyml import pio as tinyml_pio
from platformio_tinyml.errors import TinymlError

HELLO = os.path.join(SHARED_MODELS, "hello_world_int8.tflite")
HELLO_FLOAT = os.path.join(SHARED_MODELS, "hello_world_float.tflite")
LONG_AGO = time.time() - 3 * 3600
HOSTILE = "evil\nname\x1b[31m"
ESCAPED = "evil\\nname\\x1b[31m"


def _interrupt_second_open(monkeypatch, module=api):
    """Make the second file ``module`` opens for writing raise KeyboardInterrupt (one is written already)."""
    real, calls = open, []

    def fake_open(path, mode="r", *a, **kw):
        if "w" in mode:
            calls.append(path)
            if len(calls) == 2:
                raise KeyboardInterrupt
        return real(path, mode, *a, **kw)
    monkeypatch.setattr(module, "open", fake_open, raising=False)
    return calls


def _plant(folder):
    """What a killed run leaves (stale) and what must survive; returns (stale names, survivor names)."""
    folder.mkdir(parents=True, exist_ok=True)
    stale = [".tinyml-abc12345", ".tinyml-q_w9x8y7"]
    for name in stale:
        (folder / name).mkdir()
        (folder / name / "half.c").write_text("/* half */")
        os.utime(folder / name, (LONG_AGO, LONG_AGO))
    keep = {".tinyml-notes": "dir", ".tinyml-abc123456": "dir", ".tinyml-ABCDEFGH": "dir",
            ".tinyml-zzzz9999": "file", "tinyml-abc12345": "dir", "user.txt": "file"}
    for name, kind in keep.items():
        if kind == "dir":
            (folder / name).mkdir()
            (folder / name / "mine.txt").write_text("user data")
        else:
            (folder / name).write_text("user data")
        os.utime(folder / name, (LONG_AGO, LONG_AGO))
    target = folder / "linked"
    target.mkdir()
    (target / "mine.txt").write_text("user data")
    os.symlink(target, folder / ".tinyml-link0000")
    os.utime(folder / ".tinyml-link0000", (LONG_AGO, LONG_AGO), follow_symlinks=False)
    (folder / ".tinyml-running1").mkdir()      # another run writing now: fresh, kept
    survivors = sorted(list(keep) + ["linked", ".tinyml-link0000", ".tinyml-running1"])
    return stale, survivors


def _children(folder):
    return sorted(os.listdir(folder))


# ---------------------------------------------------------------- api.write_atomically / tinyml convert

def test_interrupted_write_leaves_no_temporary_folder(tmp_path, monkeypatch):
    calls = _interrupt_second_open(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        api.generate(HELLO, str(tmp_path / "out"), name="sine")
    assert len(calls) == 2
    assert _children(tmp_path) == [], "an interrupted write must leave nothing (no out/, no .tinyml-*)"


def test_next_convert_removes_stale_temporary_folders_only(tmp_path, capsys):
    stale, survivors = _plant(tmp_path)
    out = tmp_path / "out"
    assert cli.main(["convert", HELLO, "-o", str(out), "--name", "sine"]) == 0
    assert _children(tmp_path) == sorted(survivors + ["out"])
    assert _children(out) == ["sine.c", "sine.h"]
    for name in (".tinyml-notes", ".tinyml-abc123456", ".tinyml-ABCDEFGH", "tinyml-abc12345", "linked"):
        assert (tmp_path / name / "mine.txt").read_text() == "user data", name
    assert (tmp_path / ".tinyml-zzzz9999").read_text() == "user data"
    assert os.path.islink(tmp_path / ".tinyml-link0000")


# ---------------------------------------------------------------- the PlatformIO hook

def _job(tmp_path):
    proj = tmp_path / "proj"
    (proj / "models").mkdir(parents=True)
    model = proj / "models" / "sine.tflite"
    model.write_bytes(open(HELLO, "rb").read())
    return proj, tinyml_pio.ModelJob(str(model), "models/sine.tflite", "sine")


def test_interrupted_hook_conversion_keeps_the_old_outputs_and_leaves_nothing(tmp_path, monkeypatch):
    proj, job = _job(tmp_path)
    out = proj / ".pio" / "build" / "env" / "tinyml"
    tinyml_pio.sync_models([job], str(out), "reference", echo=lambda line: None)
    before = {p: (out / p).read_bytes() for p in _children(out)}
    assert sorted(before) == ["sine.c", "sine.h", "sine.tinyml.json"]

    # the conversion, interrupted while it writes its staging folder
    _interrupt_second_open(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        tinyml_pio.convert_job(job, str(out), "reference", echo=lambda line: None)
    monkeypatch.undo()
    assert {p: (out / p).read_bytes() for p in _children(out)} == before

    # the stamp, interrupted while it is written
    def interrupted_dump(*a, **kw):
        raise KeyboardInterrupt
    monkeypatch.setattr(tinyml_pio.json, "dump", interrupted_dump)
    with pytest.raises(KeyboardInterrupt):
        tinyml_pio.write_stamp(str(out), job, "key", "reference", {})
    monkeypatch.undo()
    assert {p: (out / p).read_bytes() for p in _children(out)} == before


@pytest.mark.parametrize("fresh_outputs", [False, True], ids=["converting", "up to date"])
def test_next_build_removes_what_a_killed_build_left(tmp_path, fresh_outputs):
    proj, job = _job(tmp_path)
    out = proj / ".pio" / "build" / "env" / "tinyml"
    if fresh_outputs:
        tinyml_pio.sync_models([job], str(out), "reference", echo=lambda line: None)
    stale, survivors = _plant(out)
    for name in (".staging-sine", ".staging-gone_model"):     # the hook's staging folders
        (out / name).mkdir()
        (out / name / "sine.c").write_text("/* half */")
        os.utime(out / name, (LONG_AGO, LONG_AGO))
    (out / "gone.tinyml.json.tmp").write_text("{")            # a half-written stamp
    os.utime(out / "gone.tinyml.json.tmp", (LONG_AGO, LONG_AGO))
    (out / ".staging-now").mkdir()                            # another build writing now: kept
    lines = []
    tinyml_pio.sync_models([job], str(out), "reference", echo=lines.append)
    assert any(("Skipping" if fresh_outputs else "Generating") in line for line in lines), lines
    assert _children(out) == sorted(survivors + [".staging-now", "sine.c", "sine.h", "sine.tinyml.json"])
    assert (out / "user.txt").read_text() == "user data"


# ---------------------------------------------------------------- one line, whatever the names hold

def test_one_line_escapes_control_characters():
    e = TinymlError(f"m.tflite: tensor 3 '{HOSTILE}' is bad\r\n\tagain \u2028 \u202e \x7f \x85 end\n")
    assert str(e) == f"m.tflite: tensor 3 '{ESCAPED}' is bad\\r\\n\\tagain \\u2028 \\u202e \\x7f \\x85 end"
    from platformio_tinyml.errors import one_line
    assert one_line("caf\u00e9 \u4e2d") == "caf\u00e9 \u4e2d"     # printable text stays as it is
    assert str(tinyml_pio.HookError("a\nb")) == "a\\nb"


def _rename_input(g):
    t = g.tensors[g.inputs[0]]
    t.name = HOSTILE
    t.scale, t.zero_point = None, None     # an int8 input without quantization parameters: refused


def test_tensor_name_with_newline_and_escape_is_one_line(tmp_path):
    data = _mutated("hello_world_int8.tflite", _rename_input)
    err = refused(tmp_path, data, ESCAPED, "no quantization parameters")     # api.generate
    assert "\x1b" not in err
    res = tinyml("convert", str(tmp_path / "hostile.tflite"), "-o", str(tmp_path / "cli-out"))
    msg = assert_clean_failure(res, "hostile.tflite", ESCAPED)
    assert "\x1b" not in msg and not (tmp_path / "cli-out").exists()
    job = tinyml_pio.ModelJob(str(tmp_path / "hostile.tflite"), "models/hostile.tflite", "hostile")
    with pytest.raises(tinyml_pio.HookError) as e:
        tinyml_pio.convert_job(job, str(tmp_path / "build"), "reference", echo=lambda line: None)
    hook = str(e.value)
    assert hook.startswith("models/hostile.tflite: ") and ESCAPED in hook and "\n" not in hook and "\x1b" not in hook


def test_custom_operator_code_with_newline_is_one_line(tmp_path):
    def rename_custom(g):
        op = next(op for op in g.ops if op.custom_code)
        op.custom_code = "ethos-u\n\x1b[2Jfake: ok"
    data = _mutated("person_detect_vela.tflite", rename_custom)
    err = refused(tmp_path, data, "ethos-u\\n\\x1b[2Jfake: ok")
    assert "\x1b" not in err


def test_quantizer_message_with_hostile_tensor_name(tmp_path, capsys):
    """The quantizer's refusal of a float model (NaN weights) quotes the weight tensor's name."""
    def poison(g):
        w = next(t for t in g.tensors if t.is_const and t.dtype == "float32" and t.size > 1)
        w.name = HOSTILE
        w.data = np.asarray(w.data, np.float32).copy()
        w.data.reshape(-1)[0] = np.nan
    model = tmp_path / "nan.tflite"
    model.write_bytes(_mutated("hello_world_float.tflite", poison))
    calib = tmp_path / "calib.npy"
    np.save(calib, np.zeros((2, 1, 1), np.float32))
    assert cli.main(["quantize", str(model), "--calibration", str(calib), "-o", str(tmp_path / "q.tflite")]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and ESCAPED in err and "\x1b" not in err, err

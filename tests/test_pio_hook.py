"""The PlatformIO build hook (extra_script.py + platformio_tinyml/pio.py).

(a) The hook run through ``runpy`` with a fake SCons environment, through the states a project
    goes through: first build, no change, model changed, option changed, output deleted, model
    deleted, broken model (clear error, old outputs kept), fixed again; plus the board limits.
(b) The real ``pio run -e emulator`` / ``-t exec`` / ``pio test`` offline, on a copy of the example in a
    folder whose path has spaces. The printed y values are checked against the generated C compiled
    for the host (HostModel) on the same inputs.
"""
import os
import re
import runpy
import shutil
import subprocess
import sys

import numpy as np
import pytest

from platformio_tinyml import pio as tinyml_pio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTRA_SCRIPT = os.path.join(ROOT, "extra_script.py")
EXAMPLE = os.path.join(ROOT, "examples", "hello_world")
INT8_MODEL = os.path.join(EXAMPLE, "models", "hello_world_int8.tflite")
FLOAT_MODEL = os.path.join(EXAMPLE, "models", "hello_world_float.tflite")


# ---------------------------------------------------------------- (a) fake SCons environment

class FakeBoard:
    def __init__(self, data):
        self.data = data

    def get(self, key, default=None):
        return self.data.get(key, default)


class FakeEnv(dict):
    """The part of a PlatformIO SCons environment the hook uses."""

    def __init__(self, project_dir, options, board=None):
        super().__init__(PROJECT_DIR=project_dir, BUILD_DIR=os.path.join(project_dir, ".pio", "build", "fake"),
                         PIOENV="fake", CPPPATH=[], CPPDEFINES=[], PIOBUILDFILES=[])
        if board:
            self["BOARD"] = "fakeboard"
        self.board = board or {}
        self.options = options
        self.objects = []

    def subst(self, text):
        return re.sub(r"\$(\w+)", lambda m: str(self[m.group(1)]), text)

    def GetProjectOption(self, name, default=None):
        return self.options.get(name, default)

    def BoardConfig(self):
        return FakeBoard(self.board)

    def Append(self, **kw):
        for k, v in kw.items():
            self.setdefault(k, []).extend(v)

    def AppendUnique(self, **kw):
        for k, v in kw.items():
            for item in v:
                if item not in self.setdefault(k, []):
                    self[k].append(item)

    def Object(self, target, source):
        self.objects.append((target, source))
        return target

    def Exit(self, code=0):
        raise SystemExit(code)


def run_script(project_dir, options=None, board=None, ccflags=()):
    """One `pio run` as far as the hook is concerned: a fresh global environment, the script as a
    project `pre:` script (PlatformIO's Import raises for names not exported)."""
    env = FakeEnv(project_dir, options or {}, board)
    env["CCFLAGS"] = list(ccflags)

    def fake_import(name):
        if name != "env":
            raise KeyError(name)

    runpy.run_path(EXTRA_SCRIPT, init_globals={"Import": fake_import, "DefaultEnvironment": lambda: env,
                                               "env": env})
    return env


@pytest.fixture
def project(tmp_path):
    proj = tmp_path / "my project"
    (proj / "models").mkdir(parents=True)
    shutil.copy(INT8_MODEL, proj / "models" / "sine.tflite")
    return proj


def out_files(proj):
    out = proj / ".pio" / "build" / "fake" / "tinyml"
    return out / "sine.h", out / "sine.c"


def test_hook_states(project, capsys, monkeypatch):
    calls = []
    real_generate = tinyml_pio.generate
    monkeypatch.setattr(tinyml_pio, "generate", lambda *a, **k: calls.append(a[0]) or real_generate(*a, **k))
    board = {"build.cpu": "cortex-m4", "build.mcu": "nrf52840",
             "upload.maximum_size": 1048576, "upload.maximum_ram_size": 262144}
    h, c = out_files(project)

    # first build: generated into $BUILD_DIR/tinyml, include path and object added, report printed
    env = run_script(str(project), board=board)
    out = capsys.readouterr().out
    assert "tinyml: Generating sine.h/.c from models/sine.tflite (arch cortex-m4)" in out
    assert re.search(r"tinyml:   sine: 3 ops \(FULLY_CONNECTED x3\), weights [\d,]+ bytes, arena \d+ bytes, "
                     r"[\d,]+ MACs", out)
    assert h.is_file() and c.is_file() and not (project / "src").exists()
    assert env["PIOBUILDFILES"] == [str(c)[:-2] + ".o"] and env.objects == [(str(c)[:-2] + ".o", str(c))]
    assert str(h.parent) in env["CPPPATH"] and "TML_FORCE_REFERENCE" not in env["CPPDEFINES"]
    assert len(calls) == 1
    first_h = h.read_text()

    # no change: only hashing, nothing generated, the object still in the build
    env = run_script(str(project), board=board)
    assert capsys.readouterr().out.splitlines() == ["tinyml: Skipping models/sine.tflite (sine.h is up to date)"]
    assert len(calls) == 1 and env["PIOBUILDFILES"] and h.read_text() == first_h

    # the hook runs once per environment even when the script is loaded twice
    env2 = FakeEnv(str(project), {}, board)
    env2["TINYML_HOOK_STATE"] = {"defines": [], "arch": "cortex-m4", "models": ["sine"]}
    runpy.run_path(EXTRA_SCRIPT, init_globals={"Import": lambda n: None, "DefaultEnvironment": lambda: env2,
                                               "env": env2})
    assert capsys.readouterr().out == "" and env2["PIOBUILDFILES"] == [] and str(h.parent) in env2["CPPPATH"]

    # model changed
    shutil.copy(FLOAT_MODEL, project / "models" / "sine.tflite")
    run_script(str(project), board=board)
    assert "tinyml: Generating sine.h/.c" in capsys.readouterr().out
    assert len(calls) == 2 and h.read_text() != first_h
    float_h = h.read_text()

    # option changed: forcing the reference kernels regenerates and defines TML_FORCE_REFERENCE
    env = run_script(str(project), {"custom_tinyml_arch": "reference"}, board=board)
    assert "(arch reference)" in capsys.readouterr().out and len(calls) == 3
    assert "TML_FORCE_REFERENCE" in env["CPPDEFINES"]
    run_script(str(project), {"custom_tinyml_arch": "reference"}, board=board)
    assert "Skipping" in capsys.readouterr().out and len(calls) == 3

    # an output deleted
    c.unlink()
    run_script(str(project), {"custom_tinyml_arch": "reference"}, board=board)
    assert "Generating" in capsys.readouterr().out and c.is_file() and len(calls) == 4

    # model deleted: its outputs go, nothing is added to the build
    (project / "models" / "sine.tflite").unlink()
    env = run_script(str(project), board=board)
    out = capsys.readouterr().out
    assert "tinyml: Removing sine (its model is gone)" in out and "no models found" in out
    assert not h.exists() and not c.exists() and env["PIOBUILDFILES"] == []

    # back, then broken: one clear line on stderr, exit 1, previous outputs intact
    shutil.copy(FLOAT_MODEL, project / "models" / "sine.tflite")
    run_script(str(project), board=board)
    capsys.readouterr()
    assert h.read_text() == float_h
    (project / "models" / "sine.tflite").write_bytes(b"this is not a flatbuffer at all" * 4)
    with pytest.raises(SystemExit) as exc:
        run_script(str(project), board=board)
    assert exc.value.code == 1
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tinyml: error: models/sine.tflite: ")
    assert "previous generated files are kept" in err[0] and "Traceback" not in captured.err
    assert h.read_text() == float_h and c.is_file()

    # fixed again
    shutil.copy(INT8_MODEL, project / "models" / "sine.tflite")
    env = run_script(str(project), board=board)
    assert "Generating" in capsys.readouterr().out and h.read_text() == first_h and env["PIOBUILDFILES"]


def test_hook_board_limits_and_options(project, capsys):
    h, _ = out_files(project)
    run_script(str(project))  # no board: no limits, reference kernels (not forced)
    assert "(arch reference)" in capsys.readouterr().out
    good = h.read_text()

    shutil.copy(FLOAT_MODEL, project / "models" / "sine.tflite")
    tiny_flash = {"build.cpu": "cortex-m0plus", "upload.maximum_size": 100, "upload.maximum_ram_size": 1 << 20}
    with pytest.raises(SystemExit):
        run_script(str(project), board=tiny_flash)
    err = capsys.readouterr().err
    assert "tinyml: error: models/sine.tflite: the weights need" in err and "upload.maximum_size" in err
    assert h.read_text() == good  # the model that does not fit did not replace the outputs

    tiny_ram = {"build.mcu": "esp32", "upload.maximum_size": 1 << 20, "upload.maximum_ram_size": 16}
    with pytest.raises(SystemExit):
        run_script(str(project), board=tiny_ram)
    assert "upload.maximum_ram_size" in capsys.readouterr().err

    for options, needle in (({"custom_tinyml_arch": "pentium"}, "custom_tinyml_arch = pentium is not known"),
                            ({"custom_tinyml_models": "models/typo.tflite"}, "'models/typo.tflite' does not exist")):
        with pytest.raises(SystemExit):
            run_script(str(project), options)
        assert needle in capsys.readouterr().err

    # explicit list with a path with spaces, two models, comma and newline separated
    shutil.copy(INT8_MODEL, project / "models" / "sine two.tflite")
    env = run_script(str(project), {"custom_tinyml_models": "models/sine.tflite,\nmodels/sine two.tflite"},
                     board={"build.mcu": "esp32"})
    out = capsys.readouterr().out
    assert "sine_two.h/.c from models/sine two.tflite (arch xtensa)" in out and len(env["PIOBUILDFILES"]) == 2


def test_hook_optimize_option(project, capsys):
    """custom_tinyml_optimize: speed keeps every faster kernel's arena scratch (a larger arena), ram (the
    default) only what costs no arena; a change regenerates; an unknown value is refused by name."""
    kws = os.path.join(ROOT, "benchmarks", "models", "mlperf_kws_dscnn.tflite")
    os.remove(project / "models" / "sine.tflite")
    shutil.copy(kws, project / "models" / "kws.tflite")
    h = project / ".pio" / "build" / "fake" / "tinyml" / "kws.h"
    c = h.with_suffix(".c")
    board = {"build.cpu": "cortex-m4"}
    arena = lambda: int(re.search(r"KWS_ARENA_BYTES (\d+)", h.read_text()).group(1))  # noqa: E731
    run_script(str(project), board=board)
    assert "(arch cortex-m4)" in capsys.readouterr().out
    lean, lean_rings = arena(), c.read_text().count(".slot1 = ((void *)")
    run_script(str(project), {"custom_tinyml_optimize": "speed"}, board=board)
    assert "(arch cortex-m4, optimize speed)" in capsys.readouterr().out
    # the channel-pair depthwise kernel (its ring's slots) on all four depthwise layers, in more arena
    assert c.read_text().count(".slot1 = ((void *)") == 4 > lean_rings and arena() > lean
    run_script(str(project), {"custom_tinyml_optimize": "ram"}, board=board)
    assert "Generating kws.h/.c" in capsys.readouterr().out and arena() == lean
    with pytest.raises(SystemExit):
        run_script(str(project), {"custom_tinyml_optimize": "fast"}, board=board)
    assert "custom_tinyml_optimize = fast is not known; use ram or speed" in capsys.readouterr().err


def test_hook_quantization_states(project, capsys):
    """custom_tinyml_quantize through the hook: an int8 model is used as it is (with a note), a float
    model without calibration data is one error naming the option, with data it is quantized and its
    int8 .tflite lands beside the C; turning quantization off removes that file."""
    import numpy as np
    out_dir = project / ".pio" / "build" / "fake" / "tinyml"
    run_script(str(project), {"custom_tinyml_quantize": "int8"})   # an int8 model needs no calibration data
    assert "already quantized" in capsys.readouterr().out and not (out_dir / "sine_int8.tflite").exists()
    np.save(project / "calib.npy", np.linspace(0, 6.28, 50, dtype=np.float32).reshape(50, 1, 1))
    opts = {"custom_tinyml_quantize": "int8", "custom_tinyml_calibration": "calib.npy"}

    shutil.copy(FLOAT_MODEL, project / "models" / "sine.tflite")
    with pytest.raises(SystemExit):
        run_script(str(project), {"custom_tinyml_quantize": "int8"})
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "models/sine.tflite" in err and "custom_tinyml_calibration" in err
    assert "float32 [1, 1]" in err
    run_script(str(project), opts)
    out = capsys.readouterr().out
    assert "(arch reference, quantize int8)" in out and "SQNR" in out and (out_dir / "sine_int8.tflite").is_file()
    run_script(str(project), {})
    assert "Generating" in capsys.readouterr().out and not (out_dir / "sine_int8.tflite").exists()


# ---------------------------------------------------------------- (b) real PlatformIO + QEMU

def _pio_ready():
    for tool in ("pio", "qemu-system-arm", "arm-none-eabi-gcc"):
        if shutil.which(tool) is None:
            return f"{tool} not installed (make demo / tools/setup_offline_pio.py set it up)"
    return None


def _copy_example(top, example: str):
    """A copy of the repository's pieces an example links to (relative paths kept) and the example."""
    for rel in ("library", "platform", "platformio_tinyml", "boards"):
        shutil.copytree(os.path.join(ROOT, rel), top / rel, ignore=shutil.ignore_patterns("__pycache__", ".pio"))
    shutil.copy(EXTRA_SCRIPT, top / "extra_script.py")
    shutil.copytree(os.path.join(ROOT, "examples", "common"), top / "examples" / "common")
    project = top / "examples" / example
    shutil.copytree(os.path.join(ROOT, "examples", example), project, ignore=shutil.ignore_patterns(".pio"))
    return project


def _offline_pio_env() -> dict:
    """Environment for running `pio` offline with the project-local core (set up if needed)."""
    core = os.environ.get("PLATFORMIO_CORE_DIR") or os.path.join(ROOT, ".pio-core")
    env = dict(os.environ, PLATFORMIO_CORE_DIR=core, PLATFORMIO_SETTING_ENABLE_TELEMETRY="No",
               PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL="9999")
    setup = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "setup_offline_pio.py")],
                           env=env, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr
    return env


def _pio_runner(project):
    """pio(*args): run `pio ARGS -d project` offline; its stdout, or a failure with everything it printed."""
    env = _offline_pio_env()

    def pio(*args):
        res = subprocess.run(["pio", *args, "-d", str(project)], env=env, capture_output=True, text=True,
                             timeout=300)
        assert res.returncode == 0, res.stdout + res.stderr
        return res.stdout
    return pio


def test_emulator_example_offline(tmp_path):
    from example_outputs import quantize_like_library
    from platformio_tinyml.targets.hostrun import HostModel
    missing = _pio_ready()
    assert missing is None, missing  # .ci/run and make set these up; a missing tool is a failure, not a skip

    # The example as a user gets it, in a folder with spaces; relative links to library and platform kept.
    example = _copy_example(tmp_path / "my projects" / "tiny ml", "hello_world")

    pio = _pio_runner(example)

    built = pio("run", "-e", "emulator")
    assert "tinyml: Generating hello_world_int8.h/.c from models/hello_world_int8.tflite (arch cortex-m4)" in built
    assert not list((example / "src").glob("hello_world_int8*"))
    ran = pio("run", "-e", "emulator", "-t", "exec")
    assert "tinyml: Skipping models/hello_world_int8.tflite" in ran

    lines = ran.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split() == ["x", "y", "sin(x)"])
    rows = []
    for line in lines[start + 1:]:
        if line.startswith("max error:"):
            max_error = float(line.split(":")[1])
            break
        rows.append([np.float32(v) for v in line.split()])
    assert len(rows) == 20

    with HostModel(INT8_MODEL, name="hello_world_int8") as host:
        t_in, t_out = host.inputs[0], host.outputs[0]
        worst = 0.0
        for x, y, _ in rows:
            q = quantize_like_library(x, t_in.q_scale, t_in.q_zero_point)
            q_out = int(host.run([np.full(t_in.shape, q, dtype=np.int8)])[0].reshape(-1)[0])
            y_host = np.float32(t_out.q_scale) * np.float32(q_out - t_out.q_zero_point)
            assert y == y_host, f"x={x}: firmware y={y}, host y={y_host}"
            worst = max(worst, abs(float(y_host) - float(np.sin(np.float32(x)))))
    assert abs(max_error - worst) < 1e-3

    tested = pio("test", "-e", "emulator")
    assert "3 test cases: 3 succeeded" in tested


def test_float_model_quantized_at_build_time_on_emulator(tmp_path):
    """env emulator_quantized: `pio run` quantizes models/hello_world_float.tflite to int8 with
    data/calibration.npy, writes the int8 .tflite beside the C, and the firmware on QEMU prints
    exactly what TFLM computes with that int8 model. The calibration data is part of the cache key."""
    from example_outputs import check_sweep_output
    from platformio_tinyml.read.reader import read_model
    missing = _pio_ready()
    assert missing is None, missing
    example = _copy_example(tmp_path / "repo", "hello_world")
    pio = _pio_runner(example)

    ran = pio("run", "-e", "emulator_quantized", "-t", "exec")
    assert ("tinyml: Generating hello_world_float.h/.c from models/hello_world_float.tflite "
            "(arch cortex-m4, quantize int8)") in ran
    assert re.search(r"calibrated on 200 sample\(s\).*\n.*SQNR [\d.]+ dB", ran), ran
    int8_model = example / ".pio" / "build" / "emulator_quantized" / "tinyml" / "hello_world_float_int8.tflite"
    g = read_model(str(int8_model))
    assert [op.type for op in g.ops] == ["QUANTIZE"] + ["FULLY_CONNECTED"] * 3 + ["DEQUANTIZE"]
    sweep = ran[ran.index("Running .pio/build/emulator_quantized/program.elf"):ran.index("[SUCCESS]")]
    max_error = check_sweep_output(sweep, str(int8_model))
    assert max_error < 0.1   # the float model's own error is about 0.03; TF's int8 model reaches 0.116

    assert "Skipping models/hello_world_float.tflite" in pio("run", "-e", "emulator_quantized")
    calib = example / "data" / "calibration.npy"
    np.save(calib, np.load(calib)[:50])
    assert "calibrated on 50 sample(s)" in pio("run", "-e", "emulator_quantized")


@pytest.mark.parametrize("example,model", [("micro_speech", "micro_speech"), ("person_detection", "person_detect")])
def test_classifier_examples_on_emulator(example, model, tmp_path):
    """The keyword-spotting and person-detection examples, built by `pio run` and run on QEMU: every
    sample's scores equal TFLM's on the same input."""
    from example_outputs import check_classifier_output, read_samples_h
    missing = _pio_ready()
    assert missing is None, missing
    project = _copy_example(tmp_path / "repo", example)
    out = _pio_runner(project)("run", "-e", "emulator", "-t", "exec")
    assert f"tinyml: Generating {model}.h/.c from models/{model}.tflite (arch cortex-m4)" in out
    check_classifier_output(out, project / "models" / f"{model}.tflite", project / "src" / "samples.h")
    if example == "micro_speech":
        # the whole pipeline from PCM on the board: the audio preprocessor model's features of every clip
        # equal those TFLM's interpreter computes from the same audio (samples.h), and so do the scores
        assert ("tinyml: Generating audio_preprocessor.h/.c from models/audio_preprocessor.tflite "
                "(arch cortex-m4)") in out
        for name in read_samples_h(project / "src" / "samples.h")["names"]:
            assert f"{name}: 49 frames, features equal to TFLM's" in out, out


def test_float_model_on_soft_float_build_gets_a_note(project, capsys):
    """PlatformIO's mbed builder ends the Nano 33 BLE's flags with -mfloat-abi=soft: a float model then runs
    software floating point, and the report says so in one line with the option that avoids it."""
    board = {"build.cpu": "cortex-m4", "build.mcu": "nrf52840"}
    nano = ["-mcpu=cortex-m4", "-mfloat-abi=softfp", "-mfloat-abi=soft"]
    shutil.copy(FLOAT_MODEL, project / "models" / "sine.tflite")
    run_script(str(project), board=board, ccflags=nano)
    notes = [ln for ln in capsys.readouterr().out.splitlines() if "note:" in ln]
    assert notes == ["tinyml:   note: sine computes 3 operators in float, and this build has no FPU instructions "
                     "(-mfloat-abi=soft): software floating point is slow and large here; set "
                     "custom_tinyml_quantize = int8 to quantize it while building"]
    run_script(str(project), board=board, ccflags=nano)  # up to date: still said
    assert [ln for ln in capsys.readouterr().out.splitlines() if "note:" in ln] == notes
    run_script(str(project), board=board, ccflags=["-mcpu=cortex-m4", "-mfloat-abi=hard"])
    assert "note:" not in capsys.readouterr().out
    # the same float model quantized while building computes in int8: no note
    calib = project / "calib.npy"
    np.save(calib, np.linspace(0, 6.28, 64, dtype=np.float32).reshape(64, 1))
    run_script(str(project), board=board, ccflags=nano,
               options={"custom_tinyml_quantize": "int8", "custom_tinyml_calibration": str(calib)})
    out = capsys.readouterr().out
    assert "Generating sine.h/.c" in out and "note:" not in out
    shutil.copy(INT8_MODEL, project / "models" / "sine.tflite")
    run_script(str(project), board=board, ccflags=nano)
    assert "note:" not in capsys.readouterr().out

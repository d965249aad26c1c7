"""The converter's own Python packages (platformio_tinyml/requirements.py).

With a package missing from the Python that runs PlatformIO, the hook installs it with pip on first
use (one line), and where pip fails (offline) it prints one line naming the packages and the command
that installs them, then stops the build. A missing package is never reported as a corrupt model,
and tools/pack_library.py does not need the packages at all.

"Missing" is faked two ways: in this process by replacing how the module looks packages up; in a
subprocess by a sys.meta_path finder that makes importing them fail (this process keeps its numpy).
"""
import json
import os
import subprocess
import sys
import textwrap
import tomllib

import pytest

from conftest import ROOT
from platformio_tinyml import requirements
from platformio_tinyml.errors import TinymlError
from test_pio_hook import INT8_MODEL, out_files, project, run_script  # noqa: F401  (project: a fixture)

TESTS = os.path.join(ROOT, "tests")
PY = sys.executable
OFFLINE = "ERROR: Could not find a version that satisfies the requirement numpy (from versions: none)"


def pyproject_dependencies() -> list:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]["dependencies"]


def test_one_list_of_requirements():
    """pyproject.toml is not in the packed library, so the list lives in the module; they must agree."""
    assert list(requirements.REQUIREMENTS) == pyproject_dependencies()
    for spec in requirements.REQUIREMENTS:
        requirements.parse(spec)  # every clause is one the checker understands


# ---------------------------------------------------------------- in this process: a fake environment

class FakePackages:
    """What importlib would say: ``absent`` packages are not found; ``versions`` of the others."""

    def __init__(self, monkeypatch, absent=(), versions=None):
        self.absent = set(absent)
        self.versions = dict(versions or {})
        self.events = []
        monkeypatch.setattr(requirements, "module_found", self.found)
        monkeypatch.setattr(requirements, "installed_version", self.version)
        monkeypatch.setattr(requirements.importlib, "invalidate_caches", lambda: self.events.append("invalidate"))

    def found(self, name):
        self.events.append("check")
        return name not in self.absent

    def version(self, dist):
        return None if dist in self.absent else self.versions.get(dist, "99.0")

    def install(self, specs):  # what a successful pip install does
        for spec in specs:
            name = requirements.parse(spec)[0]
            self.absent.discard(name)
            self.versions[name] = "99.0"


def test_installs_the_missing_packages_with_pip(monkeypatch):
    pkgs = FakePackages(monkeypatch, absent={"numpy", "tflite"}, versions={"jinja2": "3.1.4"})
    runs = []

    def fake_run(argv, **kw):  # pip, as subprocess.run would start it
        runs.append((argv, kw))
        pkgs.events.append("pip")
        pkgs.install(argv[5:])
        return subprocess.CompletedProcess(argv, 0, "", "")

    monkeypatch.setattr(requirements.subprocess, "run", fake_run)
    out, err = [], []
    assert requirements.ensure(echo=out.append, error=err.append) is True
    wanted = [s for s in pyproject_dependencies() if s.split(">")[0] in ("numpy", "tflite")]
    assert wanted == ["numpy", "tflite>=2.10"]
    (argv, kw), = runs
    assert argv == [PY, "-m", "pip", "install", "-q", *wanted]
    assert kw["timeout"] == requirements.PIP_TIMEOUT and kw.get("shell") is not True
    assert out == [f"tinyml: installing the converter's Python packages into {PY}: numpy, tflite>=2.10"]
    assert err == []
    after = pkgs.events[pkgs.events.index("pip"):]
    assert after[:2] == ["pip", "invalidate"] and "check" in after  # checked again after installing

    # second build: nothing to do, nothing printed
    runs.clear()
    assert requirements.ensure(echo=out.append, error=err.append) is True
    assert runs == [] and len(out) == 1


def test_too_old_counts_as_missing(monkeypatch):
    pkgs = FakePackages(monkeypatch, versions={"jinja2": "2.11.3", "tflite": "2.18.0"})
    assert requirements.missing() == ["jinja2>=3"]
    pkgs.versions["tflite"] = "2.9.1"
    assert requirements.missing() == ["tflite>=2.10", "jinja2>=3"]
    calls, out = [], []
    requirements.ensure(python="/opt/pio/penv/bin/python", echo=out.append, error=out.append,
                        runner=lambda argv: calls.append(argv) or (pkgs.install(argv[5:]) or (True, "")))
    assert calls == [["/opt/pio/penv/bin/python", "-m", "pip", "install", "-q", "tflite>=2.10", "jinja2>=3"]]
    assert out == ["tinyml: installing the converter's Python packages into /opt/pio/penv/bin/python: "
                   "tflite>=2.10, jinja2>=3"]


def test_offline_one_line_with_the_command(monkeypatch):
    FakePackages(monkeypatch, absent={"numpy", "tflite"})
    out, err = [], []
    ok = requirements.ensure(python="/opt/pio/penv/bin/python", echo=out.append, error=err.append,
                             runner=lambda argv: (False, OFFLINE))
    assert ok is False and len(out) == 1 and len(err) == 1
    assert err[0] == ("tinyml: error: the converter's Python packages numpy, tflite>=2.10 are missing from "
                      f"/opt/pio/penv/bin/python and could not be installed ({OFFLINE}); install them with: "
                      '/opt/pio/penv/bin/python -m pip install "numpy" "tflite>=2.10"')


def test_offline_stops_the_hook(project, monkeypatch, capsys):  # noqa: F811
    """extra_script.py with the fake SCons environment of test_pio_hook: one line, exit 1, nothing built."""
    FakePackages(monkeypatch, absent={"numpy"})
    calls = []
    monkeypatch.setattr(requirements, "run_pip", lambda argv: calls.append(argv) or (False, OFFLINE))
    with pytest.raises(SystemExit) as exc:
        run_script(str(project))
    assert exc.value.code == 1
    assert calls == [[PY, "-m", "pip", "install", "-q", "numpy"]]
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"tinyml: installing the converter's Python packages into {PY}: numpy"]
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tinyml: error: the converter's Python package numpy is missing")
    assert err[0].endswith(f'install it with: {PY} -m pip install "numpy"') and "platformio-tinyml" not in err[0]
    assert not any(p.exists() for p in out_files(project))


def test_run_pip_reports_why(tmp_path):
    """The real runner: pip's last error line, a timeout, or a Python that cannot be started."""
    fail = [PY, "-c", "import sys; print('Looking in indexes'); sys.stderr.write('WARNING: retrying\\n"
                      f"{OFFLINE}\\n'); sys.exit(1)"]
    assert requirements.run_pip(fail) == (False, OFFLINE)
    assert requirements.run_pip([PY, "-c", "pass"]) == (True, "")
    ok, why = requirements.run_pip([PY, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert not ok and "did not finish within 0.5 s" in why
    ok, why = requirements.run_pip([str(tmp_path / "no-python"), "-m", "pip"])
    assert not ok and "cannot run" in why


def test_reader_with_tflite_missing_says_so(monkeypatch):
    """Not 'corrupt or truncated': the package is named, with the command that installs it."""
    from platformio_tinyml.read.reader import read_model
    monkeypatch.setitem(sys.modules, "tflite", None)  # `import tflite` fails as if not installed
    with pytest.raises(TinymlError) as exc:
        read_model(INT8_MODEL)
    msg = str(exc.value)
    assert "corrupt" not in msg and "truncated" not in msg
    assert msg == (f"{os.path.basename(INT8_MODEL)}: the converter's Python package tflite>=2.10 is missing "
                   f'from {PY}; install it with: {PY} -m pip install "tflite>=2.10"')


# ---------------------------------------------------------------- subprocesses: packages really hidden

PRELUDE = r'''
import importlib.abc, json, runpy, sys
ARGS = json.loads(sys.argv[1])
sys.path[:0] = [ARGS["root"], ARGS["tests"]]
HIDE = set(ARGS["hide"])


class Hide(importlib.abc.MetaPathFinder):
    """The HIDE packages are "not installed": importing them fails."""
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDE:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def hide():
    """Hide the packages (forgetting what is loaded of them and of the converter, which uses them);
    returns what undoes it, as a successful `pip install` would."""
    gone = {n: sys.modules.pop(n) for n in list(sys.modules)
            if n.partition(".")[0] in HIDE | {"platformio_tinyml"}}
    finder = Hide()
    sys.meta_path.insert(0, finder)

    def unhide():
        sys.meta_path.remove(finder)
        sys.modules.update({n: m for n, m in gone.items() if not n.startswith("platformio_tinyml")})
    return unhide
'''


def run_hidden(hide, body, **args):
    code = PRELUDE + textwrap.dedent(body)
    payload = json.dumps(dict(args, root=ROOT, tests=TESTS, hide=sorted(hide)))
    return subprocess.run([PY, "-c", code, payload], capture_output=True, text=True, timeout=300, cwd=ROOT)


HOOK = r'''
import test_pio_hook                         # its fake SCons environment (FakeEnv, run_script)
unhide = hide()
import platformio_tinyml.requirements as requirements   # must load without numpy and tflite
calls = []


def fake_pip(argv):
    calls.append(argv)
    if ARGS["offline"]:
        return False, ARGS["why"]
    unhide()
    return True, ""


requirements.run_pip = fake_pip
try:
    test_pio_hook.run_script(ARGS["project"])
finally:
    with open(ARGS["calls"], "w") as f:
        json.dump(calls, f)
'''


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "online"])
def test_hook_without_numpy_and_tflite(project, tmp_path, offline):  # noqa: F811
    calls_file = tmp_path / "calls.json"
    r = run_hidden({"numpy", "tflite"}, HOOK, project=str(project), offline=offline, why=OFFLINE,
                   calls=str(calls_file))
    assert "Traceback" not in r.stderr, r.stderr
    assert json.loads(calls_file.read_text()) == [[PY, "-m", "pip", "install", "-q", "numpy", "tflite>=2.10"]]
    out = r.stdout.splitlines()
    assert out[0] == f"tinyml: installing the converter's Python packages into {PY}: numpy, tflite>=2.10"
    if offline:
        assert r.returncode == 1 and len(out) == 1
        assert r.stderr.splitlines() == [
            f"tinyml: error: the converter's Python packages numpy, tflite>=2.10 are missing from {PY} and "
            f'could not be installed ({OFFLINE}); install them with: {PY} -m pip install "numpy" "tflite>=2.10"']
        assert not any(p.exists() for p in out_files(project))
    else:  # installed: the same build goes on and converts the model
        assert r.returncode == 0, r.stdout + r.stderr
        assert out[1] == "tinyml: Generating sine.h/.c from models/sine.tflite (arch reference)"
        assert all(p.is_file() for p in out_files(project))


def test_cli_with_flatbuffers_missing_says_so(tmp_path):
    r = run_hidden({"flatbuffers"}, '''
        hide()
        sys.argv = ["tinyml", "convert", ARGS["model"], "-o", ARGS["out"]]
        runpy.run_module("platformio_tinyml.cli", run_name="__main__")
        ''', model=INT8_MODEL, out=str(tmp_path / "out"))
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines() == [
        f"tinyml: error: {os.path.basename(INT8_MODEL)}: the converter's Python package flatbuffers is missing "
        f'from {PY}; install it with: {PY} -m pip install "flatbuffers"']
    assert not (tmp_path / "out").exists()


PACK = '''
    hide()
    sys.argv = ["pack_library.py", "-o", ARGS["out"]]
    runpy.run_path(ARGS["script"], run_name="__main__")
'''


def test_pack_library_needs_no_numpy(tmp_path):
    out = tmp_path / "dist"
    r = run_hidden({"numpy", "tflite", "flatbuffers", "jinja2"}, PACK, out=str(out),
                   script=os.path.join(ROOT, "tools", "pack_library.py"))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert sorted(p.suffix for p in out.iterdir()) == [".gz", ".zip"]


def test_pack_library_without_platformio_one_line(tmp_path):
    r = run_hidden({"numpy", "platformio"}, PACK, out=str(tmp_path / "dist"),
                   script=os.path.join(ROOT, "tools", "pack_library.py"))
    assert r.returncode != 0 and r.stdout == ""
    err = r.stderr.splitlines()
    assert len(err) == 1 and "Traceback" not in r.stderr, r.stderr
    assert err[0].startswith("pack_library: error: PlatformIO's packer cannot be loaded (No module named ")
    assert err[0].endswith(f"{PY} -m pip install platformio")

"""The Arduino IDE sketches of library/examples/.

- Their committed model sources are what ``tinyml convert --arduino`` gives today, and their shared
  files equal the PlatformIO examples' (tools/make_arduino_examples.py --check).
- Each sketch compiles as the IDE does (the .ino as C++ with Arduino.h included first, the .c files as
  C) against a host stand-in for the Arduino core (tests/arduino_stub), runs setup() and loop(), and
  what it prints on Serial equals TFLM on the same inputs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from example_outputs import check_classifier_output, check_sweep_output

sys.path.insert(0, os.path.join(ROOT, "tools"))
import make_arduino_examples as mae  # noqa: E402

STUB = os.path.join(ROOT, "tests", "arduino_stub")
WARN = ["-Wall", "-Wextra", "-Werror"]
MODEL_OF = {s.folder: os.path.join(ROOT, s.model) for s in mae.SKETCHES}


def test_sketch_sources_are_regenerated():
    problems = [d for s in mae.SKETCHES for d in mae.differences(s)]
    assert not problems, "\n".join(problems) + "\nrun: python tools/make_arduino_examples.py"


def test_convert_arduino_cli(tmp_path, capsys):
    from platformio_tinyml.cli import main
    sketch = tmp_path / "Sine"
    sketch.mkdir()
    (sketch / "Sine.ino").write_text("void setup() {}\nvoid loop() {}\n")
    model = MODEL_OF["HelloWorld"]
    assert main(["convert", model, "--arduino", "-o", str(sketch), "--name", "sine"]) == 0
    header = (sketch / "sine.h").read_text()
    assert ("regenerate with: tinyml convert hello_world_int8.tflite --arduino --name sine -o Sine"
            in header.splitlines()[1])
    assert "no .ino" not in capsys.readouterr().err
    # the same sources as the committed sketch, but for the name and the note line
    committed = (ROOT + "/library/examples/HelloWorld/hello_world_int8.c")
    strip = lambda t: [ln for ln in t.replace("hello_world_int8", "sine").splitlines()  # noqa: E731
                       if "regenerate with" not in ln]
    assert strip(open(committed).read()) == strip((sketch / "sine.c").read_text())
    # a folder without a sketch gets a note (the IDE would not see the files)
    assert main(["convert", model, "--arduino", "-o", str(tmp_path / "loose")]) == 0
    assert "holds no .ino sketch" in capsys.readouterr().err


def _run_sketch(folder: str, tmp_path) -> str:
    for tool in ("gcc", "g++"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed to compile the sketches (apt-get install gcc g++)")
    src = os.path.join(ROOT, "library", "examples", folder)
    inc = ["-I", STUB, "-I", os.path.join(ROOT, "library", "src"), "-I", src]
    objs = []
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        obj = str(tmp_path / (name + ".o"))
        if name.endswith(".c"):
            cmd = ["gcc", "-std=gnu11", "-O1", *WARN, *inc, "-c", path, "-o", obj]
        elif name.endswith(".ino"):
            cmd = ["g++", "-std=gnu++17", "-O1", *WARN, *inc, "-include", "Arduino.h", "-x", "c++", "-c", path,
                   "-o", obj]
        else:
            continue
        r = subprocess.run(cmd, capture_output=True, text=True)
        assert r.returncode == 0, f"{folder}/{name} does not compile:\n{r.stderr}"
        objs.append(obj)
    exe = str(tmp_path / folder)
    r = subprocess.run(["g++", "-std=gnu++17", *WARN, "-I", STUB, os.path.join(STUB, "main.cpp"), *objs, "-lm",
                        "-o", exe], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([exe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_hello_world_sketch_runs(tmp_path):
    out = _run_sketch("HelloWorld", tmp_path)
    assert check_sweep_output(out, MODEL_OF["HelloWorld"]) < 0.2
    assert "stub: loops 3, led writes 3" in out  # loop() drives the LED from the model's output


@pytest.mark.parametrize("folder,example", [("MicroSpeech", "micro_speech"), ("PersonDetection", "person_detection")])
def test_classifier_sketch_runs(folder, example, tmp_path):
    out = _run_sketch(folder, tmp_path)
    check_classifier_output(out, MODEL_OF[folder], os.path.join(ROOT, "examples", example, "src", "samples.h"))

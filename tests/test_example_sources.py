"""Every example's src/ compiles for every environment of its platformio.ini, with that board's flags.

The emulator environments are built and run by the real `pio run` elsewhere; the real boards' dev-platforms
cannot be downloaded here. So for each board environment this test does what its build does to the
example's own code: the models of models/ converted for the board's kernels (as the hook does), then every
source the environment compiles (src/ through its build_src_filter, and the shared classify library)
compiled with the board's compiler flags and warnings as errors. Arduino environments compile with
ARDUINO defined, the .cpp files as C++, against the stand-in Arduino core of tests/arduino_stub; the
Nano 33 BLE also with GCC 8 (its platform ships GCC 7).
"""
from __future__ import annotations

import configparser
import fnmatch
import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

from platformio_tinyml.api import default_name, generate, library_dir

sys.path.insert(0, os.path.join(ROOT, "tools"))
import board_sizes  # noqa: E402
import fetch_old_gcc  # noqa: E402

EXAMPLES = sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(ROOT, "examples", "*",
                                                                                          "platformio.ini")))
STUB = os.path.join(ROOT, "tests", "arduino_stub")
CLASSIFY = os.path.join(ROOT, "examples", "common", "classify")
WARN = ["-Wall", "-Wextra", "-Werror"]
# the emulator's builder (platform/tinyml-emulator/builder/main.py)
EMULATOR = board_sizes.BoardBuild("emulator", "tinyml_emulator", "arm-none-eabi-gcc",
                                  ["-std=gnu11", "-O2", "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16",
                                   "-mfloat-abi=hard", "-ffunction-sections", "-fdata-sections"], 0, 0,
                                  cpu="cortex-m4")
BUILDS = {b.board: b for b in [EMULATOR, *board_sizes.board_builds()]}  # by board id


def environments(example: str) -> list:
    """(env name, options) of the example's platformio.ini, `extends` resolved."""
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    cp.read(os.path.join(ROOT, "examples", example, "platformio.ini"))
    envs = []
    for sec in cp.sections():
        if not sec.startswith("env:"):
            continue
        opts, chain = {}, [sec]
        while cp.has_option(chain[-1], "extends"):
            chain.append(cp.get(chain[-1], "extends").strip())
        for s in reversed(["env", *chain] if cp.has_section("env") else chain):
            opts.update(cp.items(s))
        envs.append((sec[4:], opts))
    return envs


def src_files(example: str, build_src_filter: str) -> list:
    """The files of src/ that PlatformIO compiles under a +<glob> / -<glob> filter."""
    src = os.path.join(ROOT, "examples", example, "src")
    names = sorted(f for f in os.listdir(src) if f.endswith((".c", ".cpp")))
    keep = set()
    for sign, pattern in re.findall(r"([+-])<([^>]*)>", build_src_filter or "+<*>"):
        hit = {n for n in names if fnmatch.fnmatch(n, pattern)}
        keep = keep | hit if sign == "+" else keep - hit
    return [os.path.join(src, n) for n in names if n in keep]


def cxx_of(cc: str) -> str:
    return cc[:-3] + "g++" if cc.endswith("gcc") else cc + "++"


def compile_example(example: str, env: str, opts: dict, cc: str, tmp_path) -> list:
    b = BUILDS[opts["board"]]
    arduino = opts.get("framework", "").strip() == "arduino"
    gen = tmp_path / "gen"
    for model in sorted(glob.glob(os.path.join(ROOT, "examples", example, "models", "*.tflite"))):
        generate(model, str(gen), name=default_name(model), arch=b.arch)
    defines = [f"-D{d}" if not d.startswith("-") else d for d in opts.get("build_flags", "").split()]
    inc = ["-I", str(gen), "-I", str(library_dir() / "src"), "-I", CLASSIFY]
    if arduino:
        defines.append("-DARDUINO=10819")
        inc += ["-I", STUB]
    sources = src_files(example, opts.get("build_src_filter", ""))
    if "example-classify" in opts.get("lib_deps", ""):
        sources.append(os.path.join(CLASSIFY, "classify.c"))
    failures = []
    for src in sources:
        if src.endswith(".cpp"):
            cmd = [cxx_of(cc), *[f for f in b.flags if not f.startswith("-std=")], "-std=gnu++11", "-fno-rtti",
                   "-fno-exceptions", *WARN, *defines, *inc]
            if arduino:
                cmd += ["-include", "Arduino.h"]
        else:
            cmd = [cc, *b.flags, *WARN, *defines, *inc]
        res = subprocess.run([*cmd, "-c", src, "-o", str(tmp_path / "x.o")], capture_output=True, text=True)
        if res.returncode != 0:
            failures.append(f"{example} [{env}] {os.path.basename(src)} ({os.path.basename(cc)}):\n{res.stderr[:1500]}")
    return failures


CASES = [(ex, env) for ex in EXAMPLES for env, _ in environments(ex)]


def test_every_environment_is_covered():
    boards = {dict(environments(ex))[env]["board"] for ex, env in CASES}
    assert boards == set(BUILDS), boards ^ set(BUILDS)
    assert {"nano33ble", "edge2", "esp-eye", "himax", "emulator", "emulator_quantized"} <= {env for _, env in CASES}


@pytest.mark.parametrize("example,env", CASES, ids=lambda v: str(v))
def test_example_sources_compile_for_environment(example, env, tmp_path):
    opts = dict(environments(example))[env]
    failures = compile_example(example, env, opts, BUILDS[opts["board"]].cc, tmp_path)
    if env == "nano33ble":  # PlatformIO's nordicnrf52 and the Arduino mbed core ship GCC 7: the oldest here
        failures += compile_example(example, env, opts, str(fetch_old_gcc.fetch()), tmp_path)
    assert not failures, "\n".join(failures)

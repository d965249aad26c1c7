"""Board manifests (boards/) and the real boards' builds, as far as this machine can check them.

- PlatformIO itself reads every manifest; each has what PlatformIO requires (name, url, vendor) and
  what the hook needs (build.cpu / build.mcu for the kernels, upload limits for the size check).
- Every board environment of the examples names a board that exists (upstream or in boards/), and
  the hook picks the expected kernels from it.
- The generated C of every example model plus the kernel library compiles warning-free with each
  real board's compiler flags, and fits the board's flash and RAM (tools/board_sizes.py).
"""
from __future__ import annotations

import configparser
import glob
import json
import os
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tools"))
import board_sizes  # noqa: E402

from platformio_tinyml.pio import pick_arch  # noqa: E402

BOARDS = sorted(glob.glob(os.path.join(ROOT, "boards", "*.json")))
EXPECTED_ARCH = {"esp-eye": "xtensa", "himax_we1_evb": "arc-em"}
# boards of the dev-platforms: platform-nordicnrf52's nano33ble (cpu cortex-m4, mcu nrf52840) and
# platform-apollo3blue's Edge 2 (cpu cortex-m4, mcu AMA3B1KK)
UPSTREAM = {"nano33ble": "cortex-m4", "SparkFun_Edge_2_Development_Board": "cortex-m4"}
EMULATOR_BOARD = os.path.join(ROOT, "platform", "tinyml-emulator", "boards", "tinyml_emulator.json")


def _config(path):
    from platformio.platform.board import PlatformBoardConfig
    return PlatformBoardConfig(path)


def test_manifests_load_in_platformio():
    assert {os.path.basename(p)[:-5] for p in BOARDS} == set(EXPECTED_ARCH)
    for path in BOARDS + [EMULATOR_BOARD]:
        json.load(open(path))  # strict JSON
        b = _config(path)
        for key in ("name", "url", "vendor"):  # PlatformIO refuses a board without these
            assert b.get(key), f"{path}: {key}"
        assert b.get("upload.maximum_size") > 0 and b.get("upload.maximum_ram_size") > 0, path
        assert str(b.get("build.f_cpu")).endswith("L"), path
        assert b.get("build.mcu"), path


def test_hook_picks_the_kernels_from_the_manifest():
    for path in BOARDS:
        b = _config(path)
        arch = pick_arch("auto", b.get("build.cpu", ""), b.get("build.mcu", ""))
        assert arch == EXPECTED_ARCH[b.id], f"{b.id}: {arch}"
    emu = _config(EMULATOR_BOARD)
    assert pick_arch("auto", emu.get("build.cpu"), emu.get("build.mcu")) == "cortex-m4"


def test_example_environments_name_known_boards():
    seen = set()
    for ini in glob.glob(os.path.join(ROOT, "examples", "*", "platformio.ini")):
        cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
        cp.read(ini)
        assert cp.get("platformio", "boards_dir") == "../../boards", ini
        for sec in cp.sections():
            if not sec.startswith("env:"):
                continue
            base = sec
            while not cp.has_option(base, "board") and cp.has_option(base, "extends"):
                base = cp.get(base, "extends").strip()   # e.g. emulator_quantized extends env:emulator
            board = cp.get(base, "board")
            seen.add(board)
            known = board in UPSTREAM or board == "tinyml_emulator" or \
                os.path.isfile(os.path.join(ROOT, "boards", board + ".json"))
            assert known, f"{ini} [{sec}]: board {board} is neither upstream nor in boards/"
    assert seen == set(EXPECTED_ARCH) | set(UPSTREAM) | {"tinyml_emulator"}


def test_board_build_flags_follow_the_manifests():
    builds = {b.env: b for b in board_sizes.board_builds()}
    assert set(builds) == {"nano33ble", "edge2", "esp-eye", "himax"}
    for b in builds.values():
        assert b.arch == (UPSTREAM.get(b.board) or EXPECTED_ARCH[b.board]), b.env
    assert builds["nano33ble"].flags[-1] == "-mfloat-abi=soft"  # what PlatformIO's mbed builder ends with
    assert "-mcpu=em4_fpus" in builds["himax"].flags


@pytest.mark.parametrize("build", board_sizes.board_builds(), ids=lambda b: b.env)
def test_examples_cross_compile_and_fit(build, tmp_path):
    missing = [t for t in (build.cc, build.size_tool) if not board_sizes.shutil.which(t)]
    assert not missing, f"missing {missing}: .ci/run installs the cross compilers"
    for model in build.examples:
        sizes = board_sizes.build(build, model, tmp_path)
        assert sizes["flash"] <= build.max_flash, (build.env, model, sizes)
        assert sizes["ram"] <= build.max_ram, (build.env, model, sizes)
        # the weights are in flash (const), and the arena is all the RAM the model takes
        # (a linked image adds the C library's few hundred bytes)
        assert sizes["flash"] >= sizes["weight_bytes"], (build.env, model, sizes)
        assert sizes["arena_bytes"] <= sizes["ram"] <= sizes["arena_bytes"] + (1024 if build.link else 64), \
            (build.env, model, sizes)


def test_real_board_environments_pull_no_test_framework():
    """`pio run` installs the test framework runner's EXTRA_LIB_DEPS when the project has tests (Unity by
    default, which real-board builds then fetch from the registry and compile with warnings): every
    environment of the examples names the project's own runner, which needs none."""
    import importlib.util

    from platformio.project.config import ProjectConfig
    from platformio.test.runners.unity import UnityTestRunner
    assert UnityTestRunner.EXTRA_LIB_DEPS  # what the default framework would pull
    for ini in glob.glob(os.path.join(ROOT, "examples", "*", "platformio.ini")):
        config = ProjectConfig(ini)
        for env in config.envs():
            assert config.get(f"env:{env}", "test_framework") == "custom", (ini, env)
        runner = os.path.join(os.path.dirname(ini), "test", "test_custom_runner.py")
        if os.path.isfile(runner):
            spec = importlib.util.spec_from_file_location("custom_runner", runner)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            assert not module.CustomTestRunner.EXTRA_LIB_DEPS, ini


def test_edge2_environments_as_the_apollo3_platform_wants():
    """platform-apollo3blue's own board file, and SparkFun's Arduino core from git (it is not in
    PlatformIO's registry) pinned to a release tag, as that platform's README says."""
    for ini in glob.glob(os.path.join(ROOT, "examples", "*", "platformio.ini")):
        cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
        cp.read(ini)
        if not cp.has_section("env:edge2"):
            continue
        assert cp.get("env:edge2", "platform") == "https://github.com/nigelb/platform-apollo3blue.git", ini
        assert cp.get("env:edge2", "board") == "SparkFun_Edge_2_Development_Board", ini
        pkg = cp.get("env:edge2", "platform_packages").strip()
        assert pkg.startswith("framework-arduinoapollo3 @ https://github.com/sparkfun/Arduino_Apollo3.git#v2."), ini

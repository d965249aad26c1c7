"""The kernel library with the compilers real boards use, not only this machine's GCC 12.

PlatformIO's nordicnrf52 platform and the Arduino IDE's mbed core build the Nano 33 BLE with GCC 7.2.1,
the Apollo3 platform with GCC 9.2.1, espressif32's Arduino framework with xtensa GCC 8.4.0. The oldest
arm-none-eabi GCC Debian serves is bullseye's 8.3.1 (tools/fetch_old_gcc.py unpacks it beside the system
one); like GCC 7 its <arm_acle.h> has no DSP intrinsics, which the library therefore does not use.

- Every shared model's Cortex-M4 C compiles warning-free with GCC 8.3.1 and with clang, hard and soft
  float, at -O0, -Og, -Os, -O2 and -O3.
- Built by GCC 8 (and by clang), the kernels equal the reference kernels under QEMU
  (tests/kernels/diff_kernels.c) and the models' outputs equal the host build's (which the other tests
  hold to TFLM).
- The portable optimized path of Xtensa and ARC (plain C) compiles with GCC 8's front end too: no Debian
  Xtensa or ARC compiler is that old, so the Arm GCC 8 compiles it for a core without DSP with the
  Xtensa / ARC macro defined (the library picks its path from that macro alone).
"""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, SHARED_MODELS
from test_shared_models import SUPPORTED
from tflm_oracle import assert_same, random_input

from platformio_tinyml.api import generate, library_dir
from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.targets.qemurun import QemuModel, clang_arm, missing_tools, run_program

sys.path.insert(0, os.path.join(ROOT, "tools"))
import fetch_old_gcc  # noqa: E402

OPT_LEVELS = ["-O0", "-Og", "-Os", "-O2", "-O3"]
WARN = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-Wshadow"]
M4 = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16"]
DIFF_KERNELS = os.path.join(ROOT, "tests", "kernels", "diff_kernels.c")


@pytest.fixture(scope="module")
def gcc8():
    try:
        return str(fetch_old_gcc.fetch())
    except fetch_old_gcc.FetchError as e:
        pytest.fail(f"GCC 8 could not be fetched ({e}); run python3 tools/fetch_old_gcc.py")


@pytest.fixture(scope="module")
def model_sources(tmp_path_factory):
    """Each shared model's C for the given kernel architecture (generated once per arch)."""
    made = {}

    def sources(arch):
        if arch not in made:
            out = tmp_path_factory.mktemp(f"models-{arch}")
            made[arch] = [generate(os.path.join(SHARED_MODELS, f"{m}.tflite"), str(out / m), name=m,
                                   arch=arch).files for m in SUPPORTED]
            made[arch] = [f for files in made[arch] for f in files if f.endswith(".c")]
        return made[arch]
    return sources


def _compile_all(cc: list, flags: list, sources: list, tmp_path) -> list:
    failures = []
    for src in sources:
        res = subprocess.run([*cc, *flags, *WARN, "-I", str(library_dir() / "src"), "-c", src,
                              "-o", str(tmp_path / "m.o")], capture_output=True, text=True)
        if res.returncode != 0:
            failures.append(f"{os.path.basename(src)}: {' '.join(flags)}\n{res.stderr[:1500]}")
    return failures


def test_fetched_compiler_is_gcc8(gcc8):
    res = subprocess.run([gcc8, "--version"], capture_output=True, text=True)
    assert res.returncode == 0 and " 8.3.1 " in res.stdout.splitlines()[0], res.stdout
    # the reason the library brings its own DSP wrappers: this compiler's ACLE has none
    probe = "#include <arm_acle.h>\nint f(int x) { return __sxtb16(x); }\n"
    res = subprocess.run([gcc8, *M4, "-Werror=implicit-function-declaration", "-x", "c", "-c", "-", "-o",
                          os.devnull], input=probe, capture_output=True, text=True)
    assert res.returncode != 0 and "__sxtb16" in res.stderr, res.stderr


@pytest.mark.parametrize("float_abi", ["hard", "soft"])
@pytest.mark.parametrize("compiler", ["gcc8", "clang"])
def test_models_compile_with_old_gcc_and_clang(compiler, float_abi, gcc8, model_sources, tmp_path):
    cc = [gcc8] if compiler == "gcc8" else clang_arm()
    failures = []
    for opt in OPT_LEVELS:
        failures += _compile_all(cc, [*M4, f"-mfloat-abi={float_abi}", opt], model_sources("cortex-m4"), tmp_path)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("arch,macro", [("xtensa", "-D__XTENSA__"), ("arc-em", "-D__arc__")])
def test_scalar_path_compiles_with_gcc8(arch, macro, gcc8, model_sources, tmp_path):
    # a Cortex-M0 has no DSP extension, so only the macro decides the path (checked by the #error probe)
    flags = ["-mcpu=cortex-m0", "-mthumb", macro]
    probe = '#include "tinyml.h"\n#ifndef TML_ARCH_SCALAR\n#error not the scalar path\n#endif\n'
    res = subprocess.run([gcc8, *flags, *WARN, "-I", str(library_dir() / "src"), "-x", "c", "-c", "-", "-o",
                          os.devnull], input=probe, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    failures = []
    for opt in ("-O0", "-Os", "-O2"):
        failures += _compile_all([gcc8], [*flags, opt], model_sources(arch), tmp_path)
    assert not failures, "\n".join(failures)


KERNEL_BUILDS = [("gcc8", "hard", "-O2"), ("gcc8", "soft", "-Os"), ("gcc8", "hard", "-O0"),
                 ("clang", "hard", "-O2"), ("clang", "soft", "-O0")]


@pytest.mark.parametrize("compiler,float_abi,opt", KERNEL_BUILDS, ids=lambda v: str(v))
def test_kernels_equal_reference_built_by(compiler, float_abi, opt, gcc8, tmp_path):
    assert not missing_tools(), missing_tools()
    cc = [gcc8] if compiler == "gcc8" else clang_arm()
    rc, out = run_program([DIFF_KERNELS], str(tmp_path), float_abi=float_abi, cflags=[opt, "-DCASES=150"], cc=cc,
                          linker=gcc8 if compiler == "gcc8" else "arm-none-eabi-gcc")
    assert "path: arm-dsp" in out, out
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert len(lines) >= 13, out
    bad = [ln for ln in lines if not ln.endswith(" 0 differ") or ln.split(":")[1].strip().startswith("0 cases")]
    assert not bad and rc == 0, out


@pytest.mark.parametrize("float_abi", ["hard", "soft"])
def test_models_built_by_gcc8_equal_host(float_abi, gcc8):
    assert not missing_tools(), missing_tools()
    for name in SUPPORTED:
        path = os.path.join(SHARED_MODELS, f"{name}.tflite")
        with QemuModel(path, "m", float_abi=float_abi, gcc=gcc8) as target, HostModel(path, "m") as host:
            rng = np.random.default_rng(2)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            for i, (ours, ref) in enumerate(zip(target.run(inputs), host.run(inputs))):
                assert_same(ours, ref, f"{name} output {i} (GCC 8 {float_abi}-float Cortex-M4 vs host)")

"""Differential kernel tests of the Armv7E-M int8 TRANSPOSE_CONV and BATCH_MATMUL kernels against the
reference kernels on random shapes, strides, paddings, output sizes, offsets, multipliers, activation
ranges, broadcast batches, adj_x / adj_y, constant and variable rhs; exact comparison, run under QEMU
(tests/kernels/diff_compute.c)."""
import os
import sys

import pytest

from conftest import ROOT

from platformio_tinyml.targets.qemurun import clang_arm, missing_tools, run_program

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_compute.c")
KERNELS = ["transpose_conv_s8", "batch_matmul_s8", "batch_matmul_s8 packed"]


def _check(out: str, rc: int, path: str) -> None:
    assert f"path: {path}" in out, out
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    for line in lines:
        assert line.endswith(" 0 differ") and not line.split(":")[1].strip().startswith("0 cases"), out
    assert rc == 0, out


@pytest.mark.parametrize("float_abi, cflags", [("hard", []), ("soft", ["-Os"]), ("hard", ["-O0", "-DCASES=150"])],
                         ids=["hard-O2", "soft-Os", "hard-O0"])
def test_dsp_kernels_equal_reference(float_abi, cflags, tmp_path):
    assert not missing_tools(), missing_tools()
    rc, out = run_program([SOURCE], str(tmp_path), float_abi=float_abi,
                          cflags=["-I", os.path.join(ROOT, "tests", "kernels"), *cflags])
    _check(out, rc, "arm-dsp")


def test_clang_build_equals_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cc=clang_arm(),
                          cflags=["-I", os.path.join(ROOT, "tests", "kernels"), "-DCASES=150"])
    _check(out, rc, "arm-dsp")


@pytest.mark.parametrize("opt", ["-O2", "-Os", "-O0"])
def test_gcc8_build_equals_reference(opt, tmp_path):
    """The oldest GCC the boards' platforms ship that Debian serves (tools/fetch_old_gcc.py)."""
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import fetch_old_gcc
    try:
        gcc8 = str(fetch_old_gcc.fetch())
    except fetch_old_gcc.FetchError as e:
        pytest.fail(f"GCC 8 could not be fetched ({e}); run python3 tools/fetch_old_gcc.py")
    rc, out = run_program([SOURCE], str(tmp_path), cc=[gcc8],
                          cflags=["-I", os.path.join(ROOT, "tests", "kernels"), "-DCASES=150", opt])
    _check(out, rc, "arm-dsp")


def test_forced_reference_is_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-I", os.path.join(ROOT, "tests", "kernels"),
                                                           "-DTML_FORCE_REFERENCE", "-DCASES=20"])
    _check(out, rc, "reference")

"""Differential kernel test of the binary family's Cortex-M4 (Armv7E-M DSP) kernels, SUB int8 and
MAXIMUM/MINIMUM int8, against the reference kernels: random sizes, broadcasts, parameters, unaligned and
in-place buffers; exact comparison, run under QEMU (tests/kernels/diff_binary.c)."""
import os

import pytest

from conftest import ROOT

from platformio_tinyml.targets.qemurun import clang_arm, missing_tools, run_program

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_binary.c")
KERNELS = ["sub_s8", "maximum_s8", "minimum_s8"]


@pytest.mark.parametrize("float_abi,cc", [("hard", "gcc"), ("soft", "gcc"), ("hard", "clang")])
def test_dsp_binary_kernels_equal_reference(float_abi, cc, tmp_path):
    assert not missing_tools(), missing_tools()
    compiler = clang_arm() if cc == "clang" else ["arm-none-eabi-gcc"]
    rc, out = run_program([SOURCE], str(tmp_path), float_abi=float_abi, cc=compiler)
    assert "path: arm-dsp" in out, out  # the optimized path is what ran
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    for line in lines:
        assert line.endswith(" 0 differ") and not line.split(":")[1].strip().startswith("0 cases"), out
    fast = int(lines[0].split(", ")[1].split()[0])
    assert fast > 400, out  # most SUB cases ran the optimized row
    assert rc == 0, out


def test_binary_forced_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-DTML_FORCE_REFERENCE", "-DCASES=50"])
    assert "path: reference" in out and rc == 0, out

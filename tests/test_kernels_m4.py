"""Differential kernel tests: the Cortex-M4 (Armv7E-M DSP) kernels against the reference kernels on
random shapes, strides, dilations, paddings, channel counts (odd ones too), offsets, multipliers and
activation ranges; exact comparison, run under QEMU (tests/kernels/diff_kernels.c)."""
import os

import pytest

from conftest import ROOT

from platformio_tinyml.targets.qemurun import missing_tools, run_program

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_kernels.c")
KERNELS = ["fully_connected_s8", "fully_connected_s8 packed", "conv_s8", "conv_s8 packed", "depthwise_conv_s8", "pool_s8", "add_s8", "max_pool_f32",
           "fully_connected_f32", "fully_connected_f32 packed", "conv_f32", "depthwise_conv_f32", "depthwise_conv_s8 pixels", "conv_s8 packed shapes", "depthwise_conv_s8 pairs"]


@pytest.mark.parametrize("float_abi", ["hard", "soft"])
def test_dsp_kernels_equal_reference(float_abi, tmp_path):
    assert not missing_tools(), missing_tools()
    rc, out = run_program([SOURCE], str(tmp_path), float_abi=float_abi)
    assert "path: arm-dsp" in out, out  # the optimized path is what ran
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    assert ("fpu: yes" in out) == (float_abi == "hard"), out  # soft float: no FPU instructions
    for line in lines:
        assert line.endswith(" 0 differ") and not line.split(":")[1].strip().startswith("0 cases"), out
    assert rc == 0, out


def test_forced_reference_is_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-DTML_FORCE_REFERENCE", "-DCASES=20"])
    assert "path: reference" in out and rc == 0, out


FIXEDPOINT = os.path.join(ROOT, "tests", "kernels", "fixedpoint.c")


def test_fixed_point_primitives_cortex_m4(tmp_path):
    rc, out = run_program([FIXEDPOINT], str(tmp_path))
    assert rc == 0 and " 0 differ" in out, out


def test_fixed_point_primitives_host(tmp_path):
    import subprocess
    exe = str(tmp_path / "fixedpoint")
    build = subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I",
                            os.path.join(ROOT, "library", "src"), FIXEDPOINT, "-o", exe], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([exe], capture_output=True, text=True)
    assert run.returncode == 0 and " 0 differ" in run.stdout, run.stdout


def test_kernels_with_frame_pointer(tmp_path):
    """Built with -fno-omit-frame-pointer (r7 taken), TML_FRAME_POINTER selects the 13-register asm loops;
    they must compile and equal the reference too."""
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-fno-omit-frame-pointer", "-DTML_FRAME_POINTER"])
    assert "path: arm-dsp" in out and rc == 0, out
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS and all(ln.endswith(" 0 differ") for ln in lines), out

"""Differential test of the Cortex-M4 int8 LEAKY_RELU, HARD_SWISH and table kernels (armv7em/pointwise.h)
against the reference kernels, under QEMU (tests/kernels/diff_pointwise.c), and of the same program built
for the host (every path there is the reference: the program itself must run clean)."""
import os
import subprocess

from conftest import ROOT

from platformio_tinyml.targets.qemurun import missing_tools, run_program

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_pointwise.c")
KERNELS = ["leaky_relu_s8", "hard_swish_s8", "elu_s8 (table)"]


def _check(out: str) -> None:
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    for line in lines:
        assert line.endswith(" 0 differ") and not line.split(":")[1].strip().startswith("0 cases"), out


def test_dsp_pointwise_kernels_equal_reference(tmp_path):
    assert not missing_tools(), missing_tools()
    rc, out = run_program([SOURCE], str(tmp_path))
    assert "path: arm-dsp" in out, out
    _check(out)
    assert rc == 0, out


def test_dsp_pointwise_kernels_at_os_and_o0(tmp_path):
    """-Os (what PlatformIO builds with) and -O0 (no optimization: the C map loop instead of the asm)."""
    for flag in ("-Os", "-O0"):
        rc, out = run_program([SOURCE], str(tmp_path / flag), cflags=[flag, "-DCASES=150"])
        assert "path: arm-dsp" in out and rc == 0, out
        _check(out)


def test_dsp_pointwise_kernels_clang_and_frame_pointer(tmp_path):
    """clang (the C map loop: no 14-register asm there) and GCC with r7 kept as the frame pointer."""
    from platformio_tinyml.targets.qemurun import clang_arm
    rc, out = run_program([SOURCE], str(tmp_path / "clang"), cc=clang_arm(), cflags=["-DCASES=150"])
    assert "path: arm-dsp" in out and rc == 0, out
    _check(out)
    rc, out = run_program([SOURCE], str(tmp_path / "fp"), cflags=["-fno-omit-frame-pointer", "-DCASES=150"])
    assert "path: arm-dsp" in out and rc == 0, out
    _check(out)


def test_host_build(tmp_path):
    exe = str(tmp_path / "diff_pointwise")
    build = subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I",
                            os.path.join(ROOT, "library", "src"), "-I", os.path.join(ROOT, "tests", "kernels"),
                            SOURCE, "-o", exe, "-lm"], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([exe], capture_output=True, text=True)
    assert run.returncode == 0 and "path: reference" in run.stdout, run.stdout
    _check(run.stdout)


def test_models_on_cortex_m4_match_tflm(tmp_path):
    """Whole models built for the Cortex-M4 (-Os, -Wall -Wextra -Werror), run under QEMU, against TFLM:
    tensors above the table threshold (LEAKY_RELU, HARD_SWISH), below it, and ELU's table."""
    import numpy as np

    from conftest import TEST_MODELS
    from tflm_oracle import assert_same, random_input, tflm_run

    from platformio_tinyml.targets.qemurun import QemuModel
    for name in ("leaky_relu_s8_big", "hard_swish_s8_big", "hard_swish_s8_q3", "leaky_relu_s8_up",
                 "leaky_relu_s8_alpha_neg", "elu_s8_q1"):
        path = os.path.join(TEST_MODELS, f"pointwise_{name}.tflite")
        with QemuModel(path, "m", cflags=["-Os"], workdir=str(tmp_path / name)) as target:
            rng = np.random.default_rng(7)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            for o, r in zip(target.run(inputs), tflm_run(path, inputs)):
                assert_same(o, r, name)

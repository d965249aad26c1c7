"""Differential kernel test of the binary family's Cortex-M4 (Armv7E-M DSP) kernels, SUB int8 and
MAXIMUM/MINIMUM int8, against the reference kernels: random sizes, broadcasts, parameters, unaligned and
in-place buffers; exact comparison, run under QEMU (tests/kernels/diff_binary.c). There too: the reference
DIV int8 against TFLM's arithmetic as its source reads, compiled for the Cortex-M4 (where TFLM shifts an
int32 by 32 or more, C leaves the result to the CPU). And whole models on the Cortex-M4 against TFLM."""
import os

import numpy as np
import pytest

from conftest import ROOT, TEST_MODELS
from tflm_oracle import assert_same, random_input, tflm_run

from platformio_tinyml.targets.qemurun import QemuModel, clang_arm, missing_tools, run_program

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_binary.c")
KERNELS = ["sub_s8", "maximum_s8", "minimum_s8", "div_s8 every pair"]


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
    zone = int(lines[3].split(", ")[1].split()[0])
    assert zone > 10000, out  # DIV's shifts of 32 or more were compared with the CPU's own result
    assert rc == 0, out


def test_binary_forced_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-DTML_FORCE_REFERENCE", "-DCASES=50"])
    assert "path: reference" in out and rc == 0, out


@pytest.mark.parametrize("name", ["binary_sub_same_int8", "binary_sub_bcast_5d_int8", "binary_sub_s8_6d",
                                  "binary_max_bcast_2way_int8", "binary_min_s8_const_first",
                                  "binary_div_s8_bcast_relu", "binary_audio_int32_chain",
                                  # ADD and SUB int8 with the generator's table (armv7em/elementwise.h)
                                  "binary_sub_s8_scales", "binary_sub_s8_odd_scales", "binary_sub_relu_int8",
                                  "binary_sub_const_first_int8",
                                  "elementwise_add_same_int8", "elementwise_add_relu_int8",
                                  "elementwise_add_bcast_c_int8", "elementwise_add_const_first_int8",
                                  "elementwise_add_scalar_int8", "elementwise_add_bcast_5d_int8"])
def test_models_on_cortex_m4_match_tflm(name):
    """Whole models built for the Cortex-M4 (-Wall -Wextra -Werror, the optimized kernels) and run under
    QEMU, against TFLM."""
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    with QemuModel(path, "m") as target:
        for seed in (0, 1):
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            assert_same(target.run(inputs)[0], tflm_run(path, inputs)[0], f"{name} seed {seed}")

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


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("seed", range(5))
def test_add_sub_tables_on_cortex_m4_match_tflm(op, seed, tmp_path):
    """The generator's ADD/SUB int8 tables (platformio_tinyml/lower/ops/elementwise.py add_table, the Python
    twin of tml_add_s8_table_of): random scales (equal for seed 0, input1's or input2's larger), zero points
    often at the ends of int8, a fused ReLU for odd seeds; every byte value in both inputs (every table
    entry read), in place over input1, on the Cortex-M4 under QEMU against TFLM."""
    from tflite_build import build
    from platformio_tinyml.api import generate
    rng = np.random.default_rng(40 + seed)
    s1 = float(2.0 ** rng.uniform(-8, -3))
    s2 = s1 if seed == 0 else float(2.0 ** rng.uniform(-8, -3))
    so = float(2.0 ** rng.uniform(-7, -2))
    zps = [int(rng.choice([-128, 127])) if rng.random() < 0.4 else int(rng.integers(-128, 128)) for _ in range(3)]
    tensors = [dict(shape=[1, 4, 8, 8], dtype="int8", scale=s, zp=z) for s, z in zip((s1, s2, so), zps)]
    opts = dict(options_type=f"{op.capitalize()}Options", options=dict(fused_activation_function=1)) \
        if seed % 2 else {}
    path = tmp_path / "m.tflite"
    path.write_bytes(build(tensors=tensors, ops=[dict(op=op, inputs=[0, 1], outputs=[2], **opts)],
                           inputs=[0, 1], outputs=[2]))
    generate(str(path), str(tmp_path / "gen"), name="m", arch="cortex-m4")
    assert "TML_PACKED_DSP(addtab" in (tmp_path / "gen" / "m.c").read_text()  # the table path runs
    with QemuModel(str(path), "m") as target:
        for k in range(2):
            a = rng.permutation(np.arange(-128, 128)).astype(np.int8).reshape(1, 4, 8, 8)
            b = rng.permutation(np.arange(-128, 128)).astype(np.int8).reshape(1, 4, 8, 8)
            assert_same(target.run([a, b])[0], tflm_run(str(path), [a, b])[0], f"{op} seed {seed}.{k}")

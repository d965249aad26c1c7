"""Differential tests of the Cortex-M4 (Armv7E-M DSP) int8 resize kernels against the reference kernels on
random shapes, index tables, weights and inputs; exact comparison, run under QEMU (tests/kernels/diff_resize.c).
Their cycles: python benchmarks/resize.py (a measurement, not a test)."""
import os

import pytest

from conftest import ROOT

from platformio_tinyml.targets.qemurun import missing_tools, run_program

SOURCE = os.path.join(ROOT, "tests", "kernels", "diff_resize.c")
KERNELS = ["resize_nearest_s8", "resize_bilinear_s8"]


@pytest.mark.parametrize("float_abi", ["hard", "soft"])
def test_dsp_resize_equals_reference(float_abi, tmp_path):
    assert not missing_tools(), missing_tools()
    rc, out = run_program([SOURCE], str(tmp_path), float_abi=float_abi)
    assert "path: arm-dsp" in out, out
    lines = [ln for ln in out.splitlines() if " cases, " in ln]
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    assert all(ln.endswith(" 0 differ") for ln in lines), out
    assert rc == 0, out


@pytest.mark.parametrize("variant", ["frame-pointer", "clang"])
def test_dsp_resize_other_builds(variant, tmp_path):
    """With r7 kept as the frame pointer, and built by clang: compiles, and equals the reference."""
    from platformio_tinyml.targets.qemurun import clang_arm
    import shutil
    if variant == "clang" and shutil.which("clang") is None:
        pytest.fail("clang is not installed")
    kw = dict(cflags=["-fno-omit-frame-pointer", "-DCASES=200"]) if variant == "frame-pointer" else \
        dict(cflags=["-DCASES=200"], cc=clang_arm())
    rc, out = run_program([SOURCE], str(tmp_path), **kw)
    assert "path: arm-dsp" in out and rc == 0 and out.count(" 0 differ") == 2, out


def test_forced_reference_is_reference(tmp_path):
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-DTML_FORCE_REFERENCE", "-DCASES=20"])
    assert "path: reference" in out and rc == 0, out


@pytest.mark.parametrize("name", ["resize_bl_half_int8", "resize_bl_align_int8", "resize_raw_bl_s8_x5_half",
                                  "resize_nn_up2_int8", "resize_raw_nn_s8_odd_align", "resize_bl_up2_f32",
                                  "reduce_sum_3axes_int8", "resize_s2d_b3_int8"])
def test_models_on_cortex_m4_match_tflm(name):
    """The generated C cross-compiled for the Cortex-M4F (-Wall -Wextra -Werror, the optimized path) and run
    under QEMU equals TFLM."""
    import numpy as np
    from tflm_oracle import assert_same, random_input, tflm_run
    from platformio_tinyml.targets.qemurun import QemuModel
    path = os.path.join(ROOT, "tests", "models", f"{name}.tflite")
    with QemuModel(path, "m") as target:
        rng = np.random.default_rng(4)
        inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
        for i, (ours, ref) in enumerate(zip(target.run(inputs), tflm_run(path, inputs))):
            assert_same(ours, ref, f"{name} output {i} (Cortex-M4 vs TFLM)")


def test_bilinear_with_scratch_on_cortex_m4_matches_tflm(tmp_path):
    """A bilinear resize that is not the arena's peak (a larger resize follows) takes the scratch row of the
    Cortex-M4 kernel; the model under QEMU equals TFLM."""
    import numpy as np
    from tflite_build import build
    from tflm_oracle import assert_same, random_input, tflm_run
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    from platformio_tinyml.lower.registry import ScratchRef
    from platformio_tinyml.targets.qemurun import QemuModel
    q = dict(scale=0.05, zp=-3)
    model = build(tensors=[dict(shape=[1, 5, 6, 12], dtype="int8", **q),
                           dict(shape=[2], dtype="int32", data=np.array([9, 11], np.int32)),
                           dict(shape=[1, 9, 11, 12], dtype="int8", **q),
                           dict(shape=[2], dtype="int32", data=np.array([27, 33], np.int32)),
                           dict(shape=[1, 27, 33, 12], dtype="int8", **q)],
                  ops=[dict(op="RESIZE_BILINEAR", inputs=[0, 1], outputs=[2], options_type="ResizeBilinearOptions",
                            options=dict(align_corners=False, half_pixel_centers=True)),
                       dict(op="RESIZE_NEAREST_NEIGHBOR", inputs=[2, 3], outputs=[4],
                            options_type="ResizeNearestNeighborOptions", options=dict(align_corners=False))],
                  inputs=[0], outputs=[4])
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    prog = lower_graph(read_model(str(path)), arch="cortex-m4")
    assert any(isinstance(a, ScratchRef) for c in prog.calls for a in c.args if c.fn == "tml_resize_bilinear_s8")
    with QemuModel(str(path), "m") as target:
        rng = np.random.default_rng(8)
        inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
        for ours, ref in zip(target.run(inputs), tflm_run(str(path), inputs)):
            assert_same(ours, ref, "Cortex-M4 vs TFLM")

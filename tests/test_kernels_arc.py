"""ARC EM (Himax WE-I Plus): the kernels' optimized portable C (the same code the Xtensa tests run under
QEMU, selected by TML_ARCH_SCALAR) compiled with Debian's arc-linux-gnu-gcc for the board's core,
warning-free at -O2 and -Os. Nothing here runs ARC code: Debian has no ARC emulator."""
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

FLAGS = ["-mcpu=em4_fpus", "-std=c99", "-Wall", "-Wextra", "-Werror", "-ffunction-sections", "-c"]
SOURCES = [os.path.join(ROOT, "tests", "kernels", name) for name in ("diff_kernels.c", "fixedpoint.c")]


@pytest.mark.parametrize("opt", ["-O2", "-Os"])
@pytest.mark.parametrize("source", SOURCES, ids=os.path.basename)
def test_kernels_compile_for_arc_em(source, opt, tmp_path):
    cc = shutil.which("arc-linux-gnu-gcc")
    assert cc, "arc-linux-gnu-gcc not found (.ci/run and `make test` install gcc-arc-linux-gnu)"
    obj = tmp_path / "k.o"
    res = subprocess.run([cc, *FLAGS, opt, "-I", os.path.join(ROOT, "library", "src"), source, "-o", str(obj)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert not res.stderr.strip(), res.stderr
    if source.endswith("diff_kernels.c"):
        assert b"path: arc" in obj.read_bytes()  # the ARC branch of the library is what was compiled
        nm = subprocess.run(["arc-linux-gnu-nm", str(obj)], capture_output=True, text=True).stdout
        for kernel in ("tml_gemm_s8_scalar", "tml_depthwise_conv_s8_scalar"):
            assert kernel in nm, nm

"""FULLY_CONNECTED op models (tests/modelgen/dense.py): generated C vs TFLite Micro; which Cortex-M4
kernel layout each layer gets."""
import glob
import os
import re

import pytest

from conftest import TEST_MODELS
from tflm_oracle import check_against_tflm

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "dense_*.tflite")))


def test_models_exist():
    assert len(MODELS) >= 15, "run: python tests/make_models.py dense"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("name, packed", [
    ("dense_d1_r7_int8", [True, False]),        # depth 1; depth 7 is neither 1 nor a multiple of 4
    ("dense_d16_r16_r1_int8", [True, True]),
    ("dense_d12_r9_int8pc", [True, False]),     # per-channel: packed too (depth 12), not depth 9
])
def test_cortex_m4_layouts(name, packed, tmp_path):
    """The generator packs the layers the Cortex-M4 kernels take (their outputs are held to the host's by
    tests/test_target_m4.py) for that arch and the portable layout, not for the others."""
    from platformio_tinyml.api import generate
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    for arch in ("cortex-m4", "portable", "xtensa", "reference"):
        generate(path, str(tmp_path / arch), name="m", arch=arch)
        found = re.findall(r"\.packed = (\w+)", (tmp_path / arch / "m.c").read_text())
        assert [p != "NULL" for p in found] == (packed if arch in ("cortex-m4", "portable") else [False] * len(packed))


@pytest.mark.parametrize("name", ["hello_world_int8", "hello_world_float"])
def test_images_keep_one_layout(name, tmp_path):
    """A Cortex-M4 build keeps the packed streams and drops the weights they replace; a
    TML_FORCE_REFERENCE build of the same C keeps the weights and drops the streams."""
    import shutil
    import subprocess

    from conftest import ROOT, SHARED_MODELS
    from platformio_tinyml.api import generate
    assert shutil.which("arm-none-eabi-gcc"), ".ci/run installs arm-none-eabi-gcc"
    generate(os.path.join(SHARED_MODELS, f"{name}.tflite"), str(tmp_path), name="m", arch="cortex-m4")
    source = (tmp_path / "m.c").read_text()
    packed = set(re.findall(r"\.packed = TML_PACKED_\w+\((\w+)\)", source))
    weights = {m.group(1) for m in re.finditer(r"tml_fully_connected_\w+\(&\w+, [^,]+, (t\d+),", source)}
    assert len(packed) == 3 and len(weights) == 3, source
    symbols = {}
    for variant, flags in (("optimized", []), ("reference", ["-DTML_FORCE_REFERENCE"])):
        obj = tmp_path / f"{variant}.o"
        subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard",
                        "-Os", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "library", "src"), *flags,
                        "-c", str(tmp_path / "m.c"), "-o", str(obj)], check=True)
        nm = subprocess.run(["arm-none-eabi-nm", str(obj)], capture_output=True, text=True, check=True).stdout
        symbols[variant] = {line.split()[-1] for line in nm.splitlines()}
    assert packed <= symbols["optimized"] and not weights & symbols["optimized"]
    assert weights <= symbols["reference"] and not packed & symbols["reference"]


def test_portable_layout_on_other_cores_drops_streams(tmp_path):
    """The portable layout (Arduino sketches) carries the Cortex-M4 streams; built for another core the
    image keeps the plain weights only."""
    import shutil
    import subprocess

    from conftest import ROOT, SHARED_MODELS
    from platformio_tinyml.api import generate
    cc = "arc-linux-gnu-gcc"
    assert shutil.which(cc), ".ci/run installs the ARC cross compiler"
    generate(os.path.join(SHARED_MODELS, "hello_world_int8.tflite"), str(tmp_path), name="m", arch="portable")
    source = (tmp_path / "m.c").read_text()
    packed = set(re.findall(r"\.packed = TML_PACKED_\w+\((\w+)\)", source))
    assert len(packed) == 3, source
    subprocess.run([cc, "-mcpu=em4_fpus", "-Os", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "library", "src"), "-c",
                    str(tmp_path / "m.c"), "-o", str(tmp_path / "m.o")], check=True)
    nm = subprocess.run(["arc-linux-gnu-nm", str(tmp_path / "m.o")], capture_output=True, text=True, check=True)
    assert not packed & {line.split()[-1] for line in nm.stdout.splitlines()}

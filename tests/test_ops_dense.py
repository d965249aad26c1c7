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
    tests/test_target_m4.py), only for that arch."""
    from platformio_tinyml.api import generate
    path = os.path.join(TEST_MODELS, f"{name}.tflite")
    for arch in ("cortex-m4", "portable"):
        generate(path, str(tmp_path / arch), name="m", arch=arch)
        found = re.findall(r"\.packed = (\w+)", (tmp_path / arch / "m.c").read_text())
        assert [p != "NULL" for p in found] == (packed if arch == "cortex-m4" else [False] * len(packed))

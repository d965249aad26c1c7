"""SVDF (float32, int8 with int16 or int8 state): bit-exact with TFLM.

Models from tests/modelgen/svdf.py. The "steps" models chain SVDF operators over one shared
state tensor so that the state shift and the older columns are exercised in one invoke.
TFLM crashes on an SVDF without bias, so a "nobias" model is compared with TFLM running its
"zerobias" twin (same weights, an all-zero bias).
"""
import glob
import os

import numpy as np
import pytest

from tflm_oracle import assert_same, check_against_tflm, random_input, tflm_run

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = sorted(glob.glob(os.path.join(HERE, "models", "svdf_*.tflite")))
WITH_BIAS = [p for p in ALL if "nobias" not in os.path.basename(p)]
NO_BIAS = [p for p in ALL if "nobias" in os.path.basename(p)]


def _id(p):
    return os.path.basename(p)[:-len(".tflite")]


def test_models_exist():
    assert WITH_BIAS and NO_BIAS, "run: python tests/make_models.py svdf"


@pytest.mark.parametrize("path", WITH_BIAS, ids=_id)
def test_svdf_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("path", NO_BIAS, ids=_id)
def test_svdf_without_bias_matches_tflm_zero_bias(path):
    from platformio_tinyml.targets.hostrun import HostModel
    twin = path.replace("nobias", "zerobias")
    with HostModel(path, name="model") as hm:
        for seed in (0, 1, 2):
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in hm.inputs]
            ours = hm.run(inputs)
            ref = tflm_run(twin, inputs)
            for k, (o, r) in enumerate(zip(ours, ref)):
                assert_same(o, r, f"{path} seed {seed} output {k}")


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_svdf_compiles_warning_free(cc):
    import shutil
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (.ci/run installs it)")
    for name in ("svdf_int8_s16_rank2_steps3", "svdf_int8_s8_rank1_steps3", "svdf_float_rank1_nobias_tanh_steps2"):
        path = os.path.join(HERE, "models", f"{name}.tflite")
        if "nobias" in name:
            from platformio_tinyml.targets.hostrun import HostModel
            with HostModel(path, name="model", cc=cc):
                pass
        else:
            check_against_tflm(path, seeds=(0,), cc=cc)

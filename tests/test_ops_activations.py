"""SOFTMAX, LOGISTIC, TANH, RELU, RELU6: generated C bit-exact (int) / close (float) with TFLM."""
import glob
import os
import shutil

import pytest

from conftest import SHARED_MODELS, TEST_MODELS
from tflm_oracle import check_against_tflm

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "activations_*.tflite")))


def _id(path):
    return os.path.basename(path)[len("activations_"):-len(".tflite")]


def test_models_present():
    assert len(MODELS) >= 30, "run: python tests/make_models.py activations"


@pytest.mark.parametrize("path", MODELS, ids=_id)
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("name", ["softmax_s8_s16_beta", "softmax_s16_4d_beta", "logistic_s8_4d",
                                  "tanh_s16_pot2", "relu_s8_requant"])
def test_clang(name):
    if shutil.which("clang") is None:
        pytest.fail("clang is not installed (.ci/run installs it)")
    check_against_tflm(os.path.join(TEST_MODELS, f"activations_{name}.tflite"), seeds=(3,), cc="clang")


def test_softmax_exp_lut_matches_libm_expf():
    """TFLM builds the int16 softmax exp LUT with the C library's expf; ours uses a correctly
    rounded float32 exp. The two may differ by an ulp at a few points, but the LUT must not."""
    import ctypes
    import ctypes.util

    import numpy as np

    from platformio_tinyml.lower.ops.activations import gen_lut_s16, softmax_s16_luts
    lib = ctypes.util.find_library("m")
    if lib is None:
        pytest.fail("libm not found")
    libm = ctypes.CDLL(lib)
    libm.expf.restype = ctypes.c_float
    libm.expf.argtypes = [ctypes.c_float]
    ours, _ = softmax_s16_luts()
    libm_lut = gen_lut_s16(lambda x: np.float32(libm.expf(float(x))), -10.0, 0.0, -1.0, 1.0)
    assert np.array_equal(ours, libm_lut)


def test_unsupported_softmax_output_quantization_fails():
    """An int8 softmax whose output is not scale 1/256, zero point -128 is refused at generation time."""
    import numpy as np

    from platformio_tinyml.errors import UnsupportedError
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    g = read_model(os.path.join(TEST_MODELS, "activations_softmax_s8_2d.tflite"))
    g.tensors[g.ops[0].outputs[0]].zero_point = np.array([0], np.int64)
    with pytest.raises(UnsupportedError, match="scale 1/256 and zero point -128"):
        lower_graph(g)

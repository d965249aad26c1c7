"""CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D: generated C vs TFLite Micro."""
import glob
import os
import shutil

import pytest

from conftest import TEST_MODELS
from tflm_oracle import check_against_tflm

MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "conv_*.tflite")))


def test_models_exist():
    assert len(MODELS) >= 30, "run: python tests/make_models.py conv"


@pytest.mark.parametrize("path", MODELS, ids=[os.path.basename(p)[:-7] for p in MODELS])
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("name", ["conv_net_batch2_f32", "conv_dw_m2_s2_valid_relu6_3x2_int8",
                                  "conv_s1_same_relu_int8pt", "conv_avgpool_3x3_s2_same_int8"])
def test_compilers(cc, name):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (.ci/run installs it)")
    check_against_tflm(os.path.join(TEST_MODELS, f"{name}.tflite"), seeds=(3,), cc=cc)


def _lower_modified(name, edit):
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    g = read_model(os.path.join(TEST_MODELS, f"{name}.tflite"))
    edit(g)
    return lower_graph(g)


@pytest.mark.parametrize("name, edit, message", [
    ("conv_s1_same_relu_int8", lambda g: setattr(g.tensors[g.ops[0].inputs[0]], "dtype", "int16"),
     "dtypes int16/int8/int8 are not supported"),
    ("conv_dw_s2_same_int8", lambda g: g.ops[0].options.update(fused_activation_function=4),
     "fused activation TANH is not supported"),
    ("conv_s1_same_relu_int8", lambda g: g.ops[0].options.update(stride_h=2),
     "does not match the SAME padding geometry"),
    ("conv_avgpool_relu_int8", lambda g: setattr(g.tensors[g.ops[0].outputs[0]], "zero_point",
                                                 g.tensors[g.ops[0].outputs[0]].zero_point + 1),
     "same scale and zero point"),
])
def test_unsupported_fails_at_generation(name, edit, message):
    from platformio_tinyml.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match=message):
        _lower_modified(name, edit)


def test_macs_counted():
    prog = _lower_modified("conv_dw_m2_s2_valid_relu6_3x2_int8", lambda g: None)
    # input 9x8x5, 3x2 kernel, stride 2 VALID -> 4x4 output, 10 channels
    assert prog.macs == 4 * 4 * 10 * 3 * 2

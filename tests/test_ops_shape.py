"""RESHAPE, SQUEEZE, CONCATENATION, STRIDED_SLICE, PAD(V2), MEAN: generated C vs TFLite Micro."""
import glob
import os
import shutil

import pytest

from tflm_oracle import check_against_tflm

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = sorted(glob.glob(os.path.join(HERE, "models", "shape_*.tflite")))
# models that TFLite Micro refuses to prepare: the generator must refuse them too
REJECTED = {"shape_concat_mixed_scales_int8": "only equal quantization"}


def _id(path):
    return os.path.basename(path)[:-len(".tflite")]


def test_models_exist():
    assert len(MODELS) >= 40, "run: python tests/make_models.py shape"


@pytest.mark.parametrize("path", [m for m in MODELS if _id(m) not in REJECTED], ids=_id)
def test_matches_tflm(path):
    check_against_tflm(path)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_rejected_like_tflm(name):
    from platformio_tinyml.errors import UnsupportedError
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    from tflm_oracle import tflm_run
    path = os.path.join(HERE, "models", f"{name}.tflite")
    with pytest.raises(RuntimeError):
        tflm_run(path, [])
    with pytest.raises(UnsupportedError, match=REJECTED[name]):
        lower_graph(read_model(path))


@pytest.mark.parametrize("name", ["shape_slice_negstride_int8", "shape_pad_3d_f32", "shape_mean_hw_keep_int16",
                                  "shape_concat_5d_int8", "shape_mean_3axes_int8", "shape_squeeze_op_f32"])
def test_clang(name):
    if shutil.which("clang") is None:
        pytest.fail("clang is not installed (.ci/run installs it)")
    check_against_tflm(os.path.join(HERE, "models", f"{name}.tflite"), seeds=(0,), cc="clang")

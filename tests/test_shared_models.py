"""Every model of ../shared/models that TFLM runs and whose ops we support: bit-exact with TFLM."""
import os

import pytest

from conftest import SHARED_MODELS
from tflm_oracle import check_against_tflm

SUPPORTED = [
    "hello_world_int8", "hello_world_float",
]


@pytest.mark.parametrize("name", SUPPORTED)
def test_model_matches_tflm(name):
    path = os.path.join(SHARED_MODELS, f"{name}.tflite")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: the shared models must sit beside the project")
    check_against_tflm(path)

"""Every model of ../shared/models that TFLM runs and whose ops we support: bit-exact with TFLM."""
import os

import pytest

from conftest import SHARED_MODELS
from tflm_oracle import check_against_tflm

SUPPORTED = [
    "hello_world_int8", "hello_world_float", "simple_add_model", "micro_speech_quantized", "person_detect",
    "magic_wand", "keyword_scrambled", "keyword_scrambled_8bit", "mnist_lstm_int8", "mnist_lstm_float",
    "micro_speech_lstm", "dtln_noise_suppression", "audio_preprocessor_int8", "audio_preprocessor_float",
]


@pytest.mark.parametrize("name", SUPPORTED)
def test_model_matches_tflm(name):
    path = os.path.join(SHARED_MODELS, f"{name}.tflite")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: the shared models must sit beside the project")
    check_against_tflm(path)


@pytest.mark.parametrize("name", SUPPORTED)
def test_arena_not_larger_than_tflm(name):
    """Our arena must not exceed TFLM's smallest working arena (MANIFEST.md), bookkeeping included."""
    from platformio_tinyml.api import inspect_model
    from platformio_tinyml.cli import _manifest_arena
    path = os.path.join(SHARED_MODELS, f"{name}.tflite")
    tflm = _manifest_arena(path)
    assert tflm is not None, f"no TFLM arena for {name} in MANIFEST.md"
    info = inspect_model(path)
    assert info["lower_bound"] <= info["arena_bytes"] <= tflm["kib"] * 1024

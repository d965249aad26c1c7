"""`tinyml run --target cortex-m4`: the generated C cross-compiled with arm-none-eabi-gcc for the
Cortex-M4F (with the FPU ABI of most boards, hard, and the one PlatformIO uses on the Nano 33 BLE,
soft) and run under QEMU gives the same outputs as the host build (which the other tests hold to
TFLM): integer outputs bit for bit, float outputs within the float tolerance (the two C libraries'
expf/tanhf differ in the last bits)."""
import glob
import os

import numpy as np
import pytest

from conftest import SHARED_MODELS, TEST_MODELS
from test_shared_models import SUPPORTED
from tflm_oracle import assert_same, random_input

from platformio_tinyml.targets.hostrun import HostModel
from platformio_tinyml.targets.qemurun import QemuModel, missing_tools


@pytest.fixture(scope="module", autouse=True)
def _tools():
    missing = missing_tools()
    assert not missing, f"missing {missing}: .ci/run and `make test` install them"


@pytest.mark.parametrize("float_abi", ["hard", "soft"])
@pytest.mark.parametrize("name", SUPPORTED)
def test_cortex_m4_equals_host(name, float_abi):
    path = os.path.join(SHARED_MODELS, f"{name}.tflite")
    with QemuModel(path, "m", float_abi=float_abi) as target, HostModel(path, "m") as host:
        rng = np.random.default_rng(0)
        inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
        for i, (ours, ref) in enumerate(zip(target.run(inputs), host.run(inputs))):
            assert_same(ours, ref, f"{name} output {i} ({float_abi}-float Cortex-M4 vs host)")


# op-level models of the kernels that have an optimized Cortex-M4 path besides the shared models' ones
# (the window operators also with their outputs planned over their inputs, and fused with pools)
OP_MODELS = sorted(glob.glob(os.path.join(TEST_MODELS, "lstm_int8*.tflite")) +
                   glob.glob(os.path.join(TEST_MODELS, "conv_*.tflite")) +
                   glob.glob(os.path.join(TEST_MODELS, "dense_*.tflite")))


@pytest.mark.parametrize("path", OP_MODELS, ids=lambda p: os.path.basename(p)[:-7])
def test_cortex_m4_equals_host_op_models(path):
    with QemuModel(path, "m") as target, HostModel(path, "m") as host:
        rng = np.random.default_rng(1)
        inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
        for i, (ours, ref) in enumerate(zip(target.run(inputs), host.run(inputs))):
            assert_same(ours, ref, f"{os.path.basename(path)} output {i} (Cortex-M4 vs host)")


def test_cli_target_cortex_m4(tmp_path):
    from platformio_tinyml.cli import main
    model = os.path.join(SHARED_MODELS, "hello_world_int8.tflite")
    np.save(tmp_path / "in.npy", np.array([[-100]], np.int8))
    assert main(["run", model, "--input", str(tmp_path / "in.npy"), "--output", str(tmp_path / "m4.npy"),
                 "--target", "cortex-m4", "--float-abi", "soft"]) == 0
    assert main(["run", model, "--input", str(tmp_path / "in.npy"), "--output", str(tmp_path / "host.npy")]) == 0
    assert np.array_equal(np.load(tmp_path / "m4.npy"), np.load(tmp_path / "host.npy"))

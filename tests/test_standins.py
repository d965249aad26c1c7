"""The MLPerf Tiny stand-ins the Cortex-M4 speed work is measured on (benchmarks/models, made by
benchmarks/make_standins.py: DS-CNN keyword spotting, MobileNetV1 visual wake words, ResNet-8, the
anomaly-detection autoencoder), generated for the Cortex-M4, cross-compiled and run under QEMU, against
TFLM's interpreter, bit for bit, on random inputs. They take every fast path of the benchmark at once:
the packed convolution (first layers of 1 and 3 channels, pointwise forward and backward, strided), the
channel-pair (stride 1 and 2) and pixel depthwise kernels as the planner picks them, the ADD table, the
packed fully connected layers, planned overlaps."""
import glob
import os

import numpy as np
import pytest

from conftest import ROOT
from tflm_oracle import assert_same, random_input, tflm_run

from platformio_tinyml.targets.qemurun import QemuModel, missing_tools

STANDINS = sorted(glob.glob(os.path.join(ROOT, "benchmarks", "models", "*.tflite")))


def test_every_standin_is_here():
    names = {os.path.basename(p)[:-7] for p in STANDINS}
    assert names == {"mlperf_kws_dscnn", "mlperf_vww_mobilenet", "mlperf_ic_resnet8", "mlperf_ad_autoencoder"}


@pytest.mark.parametrize("optimize", ["ram", "speed"])
@pytest.mark.parametrize("path", STANDINS, ids=lambda p: os.path.basename(p)[:-7])
def test_standin_on_cortex_m4_equals_tflm(path, optimize):
    """Both plans (optimize ram, the default, and speed, which keeps every faster kernel's scratch)."""
    assert not missing_tools(), missing_tools()
    name = os.path.basename(path)[:-7]
    with QemuModel(path, "m", optimize=optimize) as target:
        for seed in (0, 1, 2):
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            for i, (ours, ref) in enumerate(zip(target.run(inputs), tflm_run(path, inputs))):
                assert_same(ours, ref, f"{name} output {i}, seed {seed} (Cortex-M4 under QEMU vs TFLM)")


def _cases():
    """(stand-in, operator index) for every operator but the last: the model cut after that operator."""
    from platformio_tinyml.read.reader import read_model
    return [(p, k) for p in STANDINS for k in range(len(read_model(p).ops) - 1)]


@pytest.mark.parametrize("path,k", _cases(), ids=lambda v: os.path.basename(v)[:-7] if isinstance(v, str) else str(v))
def test_standin_layer_on_cortex_m4_equals_tflm(path, k, tmp_path):
    """The stand-ins' outputs depend little on their inputs (random weights): each is also cut after every
    operator (that operator's output the model's output), so that each layer's kernel is held to TFLM on the
    real shapes, with the layers before it planned as in the whole model."""
    from platformio_tinyml.read.reader import read_model
    from platformio_tinyml.read.writer import write_model
    assert not missing_tools(), missing_tools()
    g = read_model(path)
    out = g.ops[k].outputs[0]
    g.ops, g.outputs = g.ops[:k + 1], [out]
    cut = tmp_path / f"{os.path.basename(path)[:-7]}_{k}.tflite"
    cut.write_bytes(write_model(g))
    with QemuModel(str(cut), "m") as target:
        for seed in (0, 1):
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in target.inputs]
            ours, = target.run(inputs)
            assert_same(ours, tflm_run(str(cut), inputs)[0], f"{cut.name}, seed {seed} (Cortex-M4 vs TFLM)")

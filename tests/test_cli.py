"""The `tinyml` command end to end, against the TFLM interpreter."""
import os

import numpy as np

from conftest import SHARED_MODELS
from test_errors import HELLO, tinyml


def test_run_command_matches_tflm(tmp_path):
    """`tinyml run` end to end (one .npy input, and an .npz with two inputs) against TFLM."""
    from tflm_oracle import assert_same, random_input, tflm_run
    rng = np.random.default_rng(7)
    x = random_input(np.int8, (1, 1), rng)
    np.save(tmp_path / "x.npy", x)
    res = tinyml("run", HELLO, "--input", str(tmp_path / "x.npy"), "--output", str(tmp_path / "y.npy"))
    assert res.returncode == 0, res.stderr
    assert_same(np.load(tmp_path / "y.npy"), tflm_run(HELLO, [x])[0])

    add = os.path.join(SHARED_MODELS, "simple_add_model.tflite")
    a, b = (random_input(np.int8, (1, 128, 128, 1), rng) for _ in range(2))
    np.savez(tmp_path / "in.npz", input_0=a, input_1=b)
    res = tinyml("run", add, "--input", str(tmp_path / "in.npz"), "--output", str(tmp_path / "out.npz"))
    assert res.returncode == 0, res.stderr
    assert_same(np.load(tmp_path / "out.npz")["output_0"], tflm_run(add, [a, b])[0])


def test_optimize_option():
    """`--optimize speed` keeps the faster kernels' arena scratch (KWS's channel-pair depthwise rings): a
    larger arena than the default, which keeps only what costs no arena; the same outputs either way
    (tests/test_standins.py holds both builds' kernels to TFLM)."""
    import json
    kws = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "models",
                       "mlperf_kws_dscnn.tflite")
    arenas = {}
    for opt in ("ram", "speed"):
        res = tinyml("inspect", kws, "--json", "--arch", "cortex-m4", "--optimize", opt)
        assert res.returncode == 0, res.stderr
        arenas[opt] = json.loads(res.stdout)["arena_bytes"]
    assert arenas["ram"] < arenas["speed"]
    res = tinyml("inspect", kws, "--optimize", "fast")
    assert res.returncode != 0 and "invalid choice: 'fast'" in res.stderr

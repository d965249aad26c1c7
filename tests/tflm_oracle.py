"""The independent oracle: TensorFlow Lite Micro's Python interpreter.

Tests compare the project's compiled C against this, never against the project itself.
"""
from __future__ import annotations

import numpy as np

FLOAT_RTOL = 1e-5
FLOAT_ATOL = 1e-6


def random_input(dtype, shape, rng):
    """Deterministic random data, drawn like the models' MANIFEST does."""
    dtype = np.dtype(dtype)
    if dtype == np.int8:
        return rng.integers(-128, 128, shape).astype(np.int8)
    if dtype == np.uint8:
        return rng.integers(0, 256, shape).astype(np.uint8)
    if dtype == np.int16:
        return rng.integers(-32768, 32768, shape).astype(np.int16)
    if dtype == np.int32:
        return rng.integers(-1000, 1000, shape).astype(np.int32)
    return rng.uniform(-1, 1, shape).astype(dtype)


def tflm_run(model_path: str, inputs: list, arena_size: int = 2 * 1024 * 1024) -> list:
    """One inference on a fresh TFLM interpreter (so recurrent state starts from zero)."""
    from tflite_micro.python.tflite_micro import runtime
    ip = runtime.Interpreter.from_file(str(model_path), arena_size=arena_size)
    for i, a in enumerate(inputs):
        ip.set_input(a, i)
    ip.invoke()
    return [np.array(ip.get_output(i)) for i in range(tflm_output_count(model_path))]


def tflm_output_count(model_path: str) -> int:
    from platformio_tinyml.read.reader import read_model
    return len(read_model(str(model_path)).outputs)


def assert_same(ours: np.ndarray, ref: np.ndarray, what: str = "output") -> None:
    """Bit-exact for integer tensors; 1e-5 relative or 1e-6 absolute for float."""
    ours = np.asarray(ours)
    ref = np.asarray(ref).reshape(ours.shape) if np.asarray(ref).size == ours.size else np.asarray(ref)
    assert ours.shape == ref.shape, f"{what}: shape {ours.shape} != TFLM {ref.shape}"
    if np.issubdtype(ref.dtype, np.floating):
        ok = np.abs(ours.astype(np.float64) - ref) <= np.maximum(FLOAT_ATOL, FLOAT_RTOL * np.abs(ref))
        if not ok.all():
            bad = np.argwhere(~ok)[:5]
            raise AssertionError(f"{what}: {int((~ok).sum())}/{ok.size} values off, e.g. at {bad.tolist()}: "
                                 f"ours {ours[tuple(bad[0])]} vs TFLM {ref[tuple(bad[0])]}")
    else:
        assert ours.dtype == ref.dtype, f"{what}: dtype {ours.dtype} != TFLM {ref.dtype}"
        if not np.array_equal(ours, ref):
            diff = np.argwhere(ours != ref)
            i = tuple(diff[0])
            raise AssertionError(f"{what}: {len(diff)}/{ours.size} values differ from TFLM, first at {list(i)}: "
                                 f"ours {ours[i]} vs TFLM {ref[i]}; max diff "
                                 f"{np.max(np.abs(ours.astype(np.int64) - ref.astype(np.int64)))}")


def check_against_tflm(model_path: str, seeds=(0, 1, 2), cc: str | None = None) -> None:
    """Compile the generated C for the host and compare with TFLM on random inputs."""
    from platformio_tinyml.targets.hostrun import HostModel
    with HostModel(str(model_path), name="model", cc=cc) as hm:
        for seed in seeds:
            rng = np.random.default_rng(seed)
            inputs = [random_input(t.np_dtype, t.shape, rng) for t in hm.inputs]
            ours = hm.run(inputs)
            ref = tflm_run(model_path, inputs)
            assert len(ref) >= len(ours)
            for k, (o, r) in enumerate(zip(ours, ref)):
                assert_same(o, r, f"{model_path} seed {seed} output {k}")

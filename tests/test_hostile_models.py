"""A .tflite can come from anywhere: a broken or hostile one gets one line, quickly, within bounded memory.

Each model here is a real one (../shared/models) read into the IR, changed, and written back with the
converter's own writer (platformio_tinyml.read.writer). The conversion runs in a subprocess with a
time limit and an address-space limit (resource.setrlimit), so a regression that hangs or allocates
without bound fails the test instead of the CI machine.
"""
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import ROOT, SHARED_MODELS

TIMEOUT = 30                 # seconds; a refusal takes about one (the imports)
MEMORY = 1536 * 1024 * 1024  # address space; converting person_detect needs far less

_RUNNER = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
    sys.path.insert(0, {root!r})
    from platformio_tinyml import api
    from platformio_tinyml.errors import TinymlError
    try:
        api.generate(sys.argv[1], sys.argv[2])
    except TinymlError as e:
        sys.stderr.write(str(e) + "\\n")
        sys.exit(3)
""")


def _mutated(model: str, edit) -> bytes:
    from platformio_tinyml.read.reader import read_model
    from platformio_tinyml.read.writer import write_model
    g = read_model(os.path.join(SHARED_MODELS, model))
    edit(g)
    return write_model(g)


def _generate(tmp_path, data: bytes, name: str = "hostile.tflite"):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out"
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    try:
        res = subprocess.run([sys.executable, "-c", _RUNNER.format(memory=MEMORY, root=ROOT), str(path), str(out)],
                             capture_output=True, text=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the conversion did not end within {TIMEOUT} s")
    return res, out


def refused(tmp_path, data: bytes, *needles) -> str:
    """The conversion ends with one TinymlError line naming the model and the needles; nothing written."""
    res, out = _generate(tmp_path, data)
    err = res.stderr.strip()
    assert res.returncode == 3, f"exit {res.returncode}, not a TinymlError:\n{err[-3000:]}"
    assert len(err.splitlines()) == 1, err
    assert err.startswith("hostile.tflite: "), err
    for n in needles:
        assert n in err, f"{n!r} not in {err!r}"
    assert not out.exists()
    return err


def _op(g, index, **changes):
    op = g.ops[index]
    for k, v in changes.items():
        setattr(op, k, v)
    return op


def _keep_ops(g, indices, inputs, outputs):
    """Only these operators (renumbered), with these model inputs and outputs."""
    g.ops = [g.ops[i] for i in indices]
    for k, op in enumerate(g.ops):
        op.index = k
    g.inputs, g.outputs = inputs, outputs


def test_mutated_model_converts_unchanged(tmp_path):
    """The harness itself: a model read and written back unchanged converts."""
    res, out = _generate(tmp_path, _mutated("person_detect.tflite", lambda g: None))
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["hostile.c", "hostile.h"]


# ---------------------------------------------------------------- the graph (cycles, order, indices)


def test_reshape_whose_input_is_its_output(tmp_path):
    # person_detect's operator 29: RESHAPE [28, 32] -> [31]; alias resolution used to loop forever
    refused(tmp_path, _mutated("person_detect.tflite", lambda g: _op(g, 29, inputs=[31, 32])),
            "operator 29 (RESHAPE)", "tensor 31", "also its own input", "cycle")


def test_two_reshapes_in_a_cycle(tmp_path):
    def edit(g):
        # operator 29 (RESHAPE) reads the output of 30, turned into a RESHAPE back into 29's input
        _op(g, 29, inputs=[87, 32])
        _op(g, 30, type="RESHAPE", inputs=[31, 32], outputs=[87], options_type="ReshapeOptions",
            options={"new_shape": [1, 2]})
    refused(tmp_path, _mutated("person_detect.tflite", edit),
            "operator 29 (RESHAPE)", "29 (RESHAPE) -> 30 (RESHAPE) -> 29 (RESHAPE)", "cycle")


def test_two_operator_cycle(tmp_path):
    # hello_world: FC 0 [0] -> [7], FC 1 [7] -> [8]; FC 0 now reads [8]
    refused(tmp_path, _mutated("hello_world_int8.tflite", lambda g: _op(g, 0, inputs=[8, 6, 5])),
            "operator 0 (FULLY_CONNECTED)", "0 (FULLY_CONNECTED) -> 1 (FULLY_CONNECTED) -> 0", "cycle")


def test_operator_writes_a_constant(tmp_path):
    def edit(g):
        g.tensors[9].data = np.zeros((1, 1), np.int8)   # the last FULLY_CONNECTED's output
    refused(tmp_path, _mutated("hello_world_int8.tflite", edit), "operator 2 (FULLY_CONNECTED)", "tensor 9",
            "constant")


def test_operator_writes_a_model_input(tmp_path):
    refused(tmp_path, _mutated("hello_world_int8.tflite", lambda g: _op(g, 1, outputs=[0])),
            "operator 1 (FULLY_CONNECTED)", "tensor 0", "model input")


def test_tensor_written_twice(tmp_path):
    refused(tmp_path, _mutated("hello_world_int8.tflite", lambda g: _op(g, 2, outputs=[7])),
            "operator 2 (FULLY_CONNECTED)", "tensor 7", "operator 0 (FULLY_CONNECTED) writes too")


def test_operators_out_of_order(tmp_path):
    def edit(g):
        g.ops = [g.ops[1], g.ops[0], g.ops[2]]
        for k, op in enumerate(g.ops):
            op.index = k
    refused(tmp_path, _mutated("hello_world_int8.tflite", edit), "operator 0 (FULLY_CONNECTED)", "tensor 7",
            "before operator 1 (FULLY_CONNECTED) writes it")


def test_tensor_index_out_of_range(tmp_path):
    refused(tmp_path, _mutated("hello_world_int8.tflite", lambda g: _op(g, 1, inputs=[7, 1000, 3])),
            "operator 1 (FULLY_CONNECTED)", "tensor 1000", "10 tensors")


# ---------------------------------------------------------------- sizes


def test_max_pool_filter_width_967619269(tmp_path):
    # magic_wand's operator 3: MAX_POOL_2D 3x1, SAME, on [1, 42, 1, 16]; the lead computation allocated per tap
    refused(tmp_path, _mutated("magic_wand.tflite", lambda g: g.ops[3].options.update(filter_width=967619269)),
            "operator 3 (MAX_POOL_2D)", "967619269", "larger than its padded input", "at most 126x3")


@pytest.mark.parametrize("shape", [(1, 1 << 20, 1 << 20, 1),          # 2^40 values
                                   (1, 2**31 - 1, 1, 1),              # one dimension at int32's limit
                                   (1, 2**31 - 1, 2**31 - 1, 2**31 - 1)],  # a product past int64
                         ids=["2^40", "int32_max", "past_int64"])
def test_huge_tensor(tmp_path, shape):
    # the dimensions are int32 in the schema: 2^40 values is as large as a dimension of 2^40
    def edit(g):
        _keep_ops(g, [3], inputs=[7], outputs=[15])  # magic_wand's MAX_POOL_2D alone (float32)
        g.tensors[7].shape = shape
        g.tensors[15].shape = (1, -(-shape[1] // 3)) + shape[2:]
    err = refused(tmp_path, _mutated("magic_wand.tflite", edit), "model input 0", "tensor 7",
                  "2147483647 (2^31 - 1) values and bytes")
    assert str(math.prod(shape) * 4) in err  # float32: the bytes


@pytest.mark.parametrize("stride", [0, -1])
def test_zero_or_negative_stride(tmp_path, stride):
    refused(tmp_path, _mutated("magic_wand.tflite", lambda g: g.ops[3].options.update(stride_w=stride)),
            "operator 3 (MAX_POOL_2D)", f"strides (3, {stride}) must be >= 1")
    refused(tmp_path, _mutated("magic_wand.tflite", lambda g: g.ops[2].options.update(stride_h=stride)),
            "operator 2 (CONV_2D)", f"strides ({stride}, 1)", "must be >= 1")


def test_absurd_dilation(tmp_path):
    # magic_wand's operator 2: CONV_2D 4x1, SAME; the dilated filter spans 3 * 2^30 + 1 rows
    refused(tmp_path, _mutated("magic_wand.tflite", lambda g: g.ops[2].options.update(dilation_h_factor=1 << 30)),
            "operator 2 (CONV_2D)", "dilation 1073741824", "int32", "2147483647")


# ---------------------------------------------------------------- the lead computation


def _first_tap_per_tap(start, taps, step, size):
    """What window_lead computed before: every tap of the filter, last to first."""
    out = np.full(len(start), size)
    for t in (np.arange(taps) * step)[::-1]:
        r = start + t
        out = np.where((r >= 0) & (r < size), r, out)
    return out


def test_first_tap_matches_the_per_tap_computation():
    from platformio_tinyml.lower.rows import _first_tap
    rng = np.random.default_rng(0)
    for _ in range(3000):
        n, size, taps = int(rng.integers(1, 16)), int(rng.integers(1, 24)), int(rng.integers(1, 12))
        step, stride, pad = int(rng.integers(1, 8)), int(rng.integers(1, 5)), int(rng.integers(-3, 40))
        start = np.arange(n) * stride - pad
        assert np.array_equal(_first_tap(start, taps, step, size), _first_tap_per_tap(start, taps, step, size))

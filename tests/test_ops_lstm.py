"""UNIDIRECTIONAL_SEQUENCE_LSTM (float32, int8 with int16 cell state): matches TFLM.

Models from tests/modelgen/lstm.py: batch-major and time-major, batch 1 and 2, stacked
layers, saturating gates with a cell clip that bites, no clip. A streaming test invokes the
same compiled model several times (the state must carry over, and NAME_reset() must
restore TFLM's initial state) against one TFLM interpreter invoked the same way.
"""
import glob
import os
import shutil
import subprocess

import numpy as np
import pytest

from tflm_oracle import assert_same, check_against_tflm, random_input

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = sorted(glob.glob(os.path.join(HERE, "models", "lstm_*.tflite")))


def _id(p):
    return os.path.basename(p)[:-len(".tflite")]


def _path(name):
    return os.path.join(HERE, "models", f"{name}.tflite")


def test_models_exist():
    assert len(MODELS) >= 16, "run: python tests/make_models.py lstm"


@pytest.mark.parametrize("path", MODELS, ids=_id)
def test_lstm_matches_tflm(path):
    check_against_tflm(path)


def test_lstm_unsupported_activation_fails_at_generation(tmp_path):
    """TFLM's kernel only knows a TANH cell activation; anything else is refused when converting."""
    from modelgen.lstm import _rewrite
    from platformio_tinyml.api import convert
    from platformio_tinyml.errors import UnsupportedError
    path = tmp_path / "lstm_relu.tflite"
    with open(_path("lstm_int8_small"), "rb") as f:
        path.write_bytes(_rewrite(f.read(), activation=1))
    with pytest.raises(UnsupportedError, match=r"operator 0 \(UNIDIRECTIONAL_SEQUENCE_LSTM\).*RELU.*TANH is"):
        convert(str(path), "model", "reference")


@pytest.mark.parametrize("name,ops", [("mnist_lstm_int8", 1), ("micro_speech_lstm", 1),
                                      ("dtln_noise_suppression", 1), ("dtln_noise_suppression", 2),
                                      ("mnist_lstm_float", 1)])
def test_shared_model_lstm_outputs_match_tflm(name, ops, tmp_path):
    """The shared models cut right after their LSTM(s), so no softmax hides an LSTM difference."""
    from conftest import SHARED_MODELS
    from ai_edge_litert.tools import flatbuffer_utils as fu  # model surgery without TensorFlow
    src = os.path.join(SHARED_MODELS, f"{name}.tflite")
    assert os.path.exists(src), f"{src} is missing: the shared models must sit beside the project"
    with open(src, "rb") as f:
        m = fu.read_model_from_bytearray(bytearray(f.read()))
    sg = m.subgraphs[0]
    sg.operators = sg.operators[:ops]
    sg.outputs = np.array([sg.operators[-1].outputs[0]], np.int32)
    path = tmp_path / f"{name}_lstm.tflite"
    path.write_bytes(bytes(fu.convert_object_to_bytearray(m)))
    check_against_tflm(str(path))


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_lstm_compiles_warning_free(cc):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (.ci/run installs it)")
    from platformio_tinyml.targets.hostrun import HostModel
    for name in ("lstm_int8_timemajor_batch2", "lstm_float_clip"):
        with HostModel(_path(name), name="model", cc=cc):
            pass


_STREAM_MAIN = r"""
#include <stdio.h>
#include "model.h"
/* argv: steps, then per step an input file and an output file; a step named "-" resets. */
int main(int argc, char **argv)
{
    const tml_model *m = &model_model;
    int i;
    (void)argc;
    for (i = 1; i + 1 < argc; i += 2) {
        FILE *f;
        if (argv[i][0] == '-') {
            m->reset();
            continue;
        }
        f = fopen(argv[i], "rb");
        if (!f || fread(m->input(0), 1, m->inputs[0].bytes, f) != m->inputs[0].bytes) return 2;
        fclose(f);
        if (m->invoke() != 0) return 3;
        f = fopen(argv[i + 1], "wb");
        if (!f || fwrite(m->output(0), 1, m->outputs[0].bytes, f) != m->outputs[0].bytes) return 2;
        fclose(f);
    }
    return 0;
}
"""


@pytest.mark.parametrize("name", ["lstm_int8_stacked", "lstm_float_batch2"])
def test_lstm_state_carries_over_invokes(name, tmp_path):
    """Three invokes, reset, one more: like one TFLM interpreter invoked, reset, invoked."""
    from tflite_micro.python.tflite_micro import runtime
    from platformio_tinyml.api import convert, library_dir, write_atomically
    from platformio_tinyml.targets.hostrun import HOST_CFLAGS
    path = _path(name)
    prog, files = convert(path, "model", "reference")
    write_atomically(files, str(tmp_path / "gen"))
    (tmp_path / "main.c").write_text(_STREAM_MAIN)
    exe = tmp_path / "stream"
    subprocess.run(["cc", *HOST_CFLAGS, "-I", str(library_dir() / "src"), "-I", str(tmp_path / "gen"),
                    str(tmp_path / "gen" / "model.c"), str(tmp_path / "main.c"), "-o", str(exe), "-lm"],
                   check=True)
    t_in = prog.graph.tensors[prog.graph.inputs[0]]
    t_out = prog.graph.tensors[prog.graph.outputs[0]]
    rng = np.random.default_rng(7)
    steps = [random_input(t_in.np_dtype, t_in.shape, rng) for _ in range(4)]
    args = []
    for k, x in enumerate(steps):
        if k == 3:
            args += ["-", "-"]
        x.tofile(tmp_path / f"in{k}.bin")
        args += [str(tmp_path / f"in{k}.bin"), str(tmp_path / f"out{k}.bin")]
    subprocess.run([str(exe), *args], check=True)

    ip = runtime.Interpreter.from_file(path, arena_size=256 * 1024)
    for k, x in enumerate(steps):
        if k == 3:
            ip.reset()
        ip.set_input(x, 0)
        ip.invoke()
        ref = np.array(ip.get_output(0))
        ours = np.fromfile(tmp_path / f"out{k}.bin", dtype=t_out.np_dtype).reshape(t_out.shape)
        assert_same(ours, ref, f"{name} invoke {k}")

"""An operator's output written over its dying input, and pools fused with their producer.
(The LSTM's output overlaps its input sequence too: its op-level and shared models are compared with
TFLM by test_ops_lstm.py and on the Cortex-M4 by test_target_m4.py, with the overlap planned.)

The planner lets a window kernel's output overlap its input by the lead the generator computes
(platformio_tinyml.lower.rows.window_lead). tests/kernels/overlap_kernels.c runs the real kernels of each
target at exactly that placement on random geometries and compares with separate buffers: the host
(reference path), the Cortex-M4 under QEMU (DSP and FPU paths, and forced reference), and Xtensa.
Whole models with overlaps and fusions are compared with TFLM by test_ops_conv.py and
test_shared_models.py; here the plans themselves are checked."""
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, SHARED_MODELS, TEST_MODELS

from platformio_tinyml.lower.ops.conv import compute_padding
from platformio_tinyml.targets.qemurun import missing_tools, run_program
from platformio_tinyml.lower.rows import backward_trail, ring_lead, window_lead

sys.path.insert(0, os.path.join(ROOT, "tests", "xtensa"))
import xtensa_run  # noqa: E402

SOURCE = os.path.join(ROOT, "tests", "kernels", "overlap_kernels.c")
KINDS = ["CONV_S8", "DW_S8", "MAXPOOL_S8", "AVGPOOL_S8", "CONV_F32", "DW_F32", "MAXPOOL_F32", "AVGPOOL_F32",
         "CONV_S8_PACKED", "DW_S8_PX", "DW_S8_PAIRS",  # the packed ones: the Cortex-M4 streams (others ignore them)
         "CONV_S8_BACK", "CONV_S8_PACKED_BACK"]  # pointwise, run backward: the output after the input
BACK_KINDS = (11, 12)
FLOAT_KINDS = (4, 5, 6, 7)
FIELDS = ["kind", "ih", "iw", "cin", "fh", "fw", "sh", "sw", "dh", "dw", "ph", "pw", "oh", "ow", "channels",
          "in_bytes", "out_bytes", "lead"]


def random_cases(n=400, seed=5):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < n:
        kind = int(rng.integers(0, len(KINDS)))
        conv, dw, pool = kind in (0, 4, 8, 11, 12), kind in (1, 5, 9, 10), kind in (2, 3, 6, 7)
        esize = 4 if kind in FLOAT_KINDS else 1
        cin = int(rng.choice([1, 2, 3, 4, 5, 8, 12, 16]))
        pointwise = conv and rng.random() < 0.3 or kind in BACK_KINDS
        fh, fw = (1, 1) if pointwise else (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        if dw and rng.random() < 0.4 or kind in (9, 10):
            fh = fw = 3
        if kind == 9:  # the pixel-by-pixel depthwise kernel: input depths in fours
            cin = int(rng.choice([4, 8, 12, 16]))
        if kind == 10:  # the channel-pair depthwise kernel: even input depths
            cin = int(rng.choice([2, 4, 6, 8, 16]))
        sh, sw = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        if pointwise and rng.random() < 0.6 or kind in BACK_KINDS:
            sh = sw = 1
        if kind in BACK_KINDS:  # as the generator runs them backward (_runs_backward): words of input
            cin = int(rng.choice([4, 8, 12, 16]))
        if kind == 10:  # stride 1 or 2 across
            sw = int(rng.integers(1, 3))
        dh, dw_ = (1, 1) if pool or kind in (9, 10) or rng.random() < 0.7 else \
            (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        padding = "VALID" if pointwise or rng.random() < 0.5 else "SAME"
        ih, iw = int(rng.integers(fh, 14)), int(rng.integers(fw, 14))
        ph, _, oh = compute_padding(padding, sh, dh, ih, fh)
        pw, _, ow = compute_padding(padding, sw, dw_, iw, fw)
        if oh < 1 or ow < 1:
            continue
        channels = int(rng.choice([1, 2, 3, 4, 7, 8, 16])) if conv else int(rng.choice([1, 1, 2, 4])) if dw else 0
        if kind in (8, 12):  # the packed convolution: groups of four output channels
            channels = int(rng.choice([4, 8, 16]))
        if kind in BACK_KINDS:  # an output at least as wide per pixel
            channels = max(channels, cin)
        if kind in (9, 10):
            channels = 1
        cout = channels if conv else cin * channels if dw else cin
        geo = dict(batches=1, input_height=ih, input_width=iw, output_height=oh, output_width=ow,
                   filter_height=fh, filter_width=fw, stride_height=sh, stride_width=sw,
                   dilation_height=dh, dilation_width=dw_, pad_height=ph, pad_width=pw)
        lead = window_lead(geo, cin * esize, cout * esize)
        if kind == 10:  # as the generator declares it: every core's kernel must be safe
            lead = max(lead, ring_lead(geo, cin, cout))
        if kind in BACK_KINDS:  # the trail, the output that far after the input
            lead = backward_trail(cin)
            if lead + oh * ow * cout > 8192:
                continue
        if max(lead, 0) + ih * iw * cin * esize > 8192 or max(-lead, 0) + oh * ow * cout * esize > 8192:
            continue  # the C program's arena
        cases.append([kind, ih, iw, cin, fh, fw, sh, sw, dh, dw_, ph, pw, oh, ow, channels,
                      ih * iw * cin * esize, oh * ow * cout * esize, lead])
    return cases


def write_cases(workdir, cases):
    os.makedirs(workdir, exist_ok=True)
    fields = "".join(f"    int32_t {f};\n" for f in FIELDS)
    rows = ",\n".join("    {" + ", ".join(str(v) for v in c) + "}" for c in cases)
    with open(os.path.join(workdir, "overlap_cases.h"), "w") as fh:
        fh.write(f"typedef struct {{\n{fields}}} overlap_case;\n"
                 f"#define OVERLAP_CASES {len(cases)}\n"
                 f"static const overlap_case overlap_cases[OVERLAP_CASES] = {{\n{rows}\n}};\n")
    return str(workdir)


def check(out, rc, n):
    assert f"overlap: {n} cases, 0 differ" in out and rc == 0, out


def test_leads_are_tight_enough_to_matter():
    """Most cases overlap at all (a lead below the input's size), so the test below checks something."""
    cases = random_cases()
    overlapping = sum(1 for c in cases if c[-1] < c[-3])
    assert overlapping > len(cases) * 0.8


def test_host(tmp_path):
    inc = write_cases(tmp_path, random_cases())
    exe = str(tmp_path / "overlap")
    build = subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", inc, "-I",
                            os.path.join(ROOT, "library", "src"), SOURCE, "-o", exe, "-lm"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([exe], capture_output=True, text=True)
    check(run.stdout, run.returncode, 400)


def test_host_detects_a_too_small_lead(tmp_path):
    inc = write_cases(tmp_path, random_cases())
    exe = str(tmp_path / "overlap")
    build = subprocess.run(["cc", "-std=c99", "-O2", "-DSHRINK=64", "-I", inc, "-I",
                            os.path.join(ROOT, "library", "src"), SOURCE, "-o", exe, "-lm"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([exe], capture_output=True, text=True)
    assert run.returncode == 1 and ", 0 differ" not in run.stdout, run.stdout


@pytest.mark.parametrize("flags", [[], ["-DTML_FORCE_REFERENCE"]], ids=["optimized", "reference"])
def test_cortex_m4(flags, tmp_path):
    assert not missing_tools(), missing_tools()
    inc = write_cases(tmp_path / "inc", random_cases())
    rc, out = run_program([SOURCE], str(tmp_path), cflags=["-I", inc, *flags])
    check(out, rc, 400)


def test_xtensa(tmp_path):
    missing = xtensa_run.missing_tools()
    assert not missing, f"{' and '.join(missing)} not found: run {xtensa_run.SETUP_HINT}"
    cases = random_cases()
    inc = write_cases(tmp_path / "inc", cases)
    rc, out = xtensa_run.build_and_run([SOURCE], cflags=["-O2", "-DNO_FLOAT", "-I", inc], workdir=tmp_path)
    check(out, rc, sum(1 for c in cases if c[0] not in FLOAT_KINDS))


# ------------------------------------------------------------ plans of whole models

def _plan(path):
    from platformio_tinyml.lower.lower import lower_graph
    from platformio_tinyml.read.reader import read_model
    return lower_graph(read_model(path))


@pytest.mark.parametrize("model, op_type", [
    ("micro_speech_quantized", "DEPTHWISE_CONV_2D"),      # 49x40 input, 25x20x8 output
    ("micro_speech_lstm", "UNIDIRECTIONAL_SEQUENCE_LSTM"),  # 49x257 input, 49x80 output
])
def test_output_overlaps_its_input(model, op_type):
    prog = _plan(os.path.join(SHARED_MODELS, f"{model}.tflite"))
    g = prog.graph
    op = next(op for op in g.ops if op.type == op_type)
    i, o = op.inputs[0], op.outputs[0]
    ni, no = g.tensors[i].nbytes, g.tensors[o].nbytes
    start_i, start_o = prog.offsets[i], prog.offsets[o]
    assert start_o < start_i + ni and start_i < start_o + no            # they do share bytes
    assert prog.arena_bytes < ni + no


def test_pool_runs_with_its_producer():
    prog = _plan(os.path.join(SHARED_MODELS, "magic_wand.tflite"))
    g = prog.graph
    assert len(prog.fusions) == 2
    for f in prog.fusions:
        assert f.tensor not in prog.offsets   # the intermediate is never stored
    conv_out = g.tensors[g.ops[0].outputs[0]].nbytes
    assert prog.arena_bytes < conv_out / 3


def test_no_fusion_when_the_intermediate_is_used_twice():
    # net_batch2 has batch 2 (no banding); the op-level pools read graph inputs
    for name in ("conv_net_batch2_f32", "conv_maxpool_2x2_valid_int8"):
        assert _plan(os.path.join(TEST_MODELS, f"{name}.tflite")).fusions == []

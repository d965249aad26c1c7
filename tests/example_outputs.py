"""Check what the example programs print against TFLM (used for the PlatformIO firmware on QEMU and
for the Arduino sketches run on the host).

The examples print either the hello_world sweep (``x y sin(x)`` lines) or, for the classifiers,
one line per built-in sample of their ``samples.h``: ``NAME label=q (p%) ... -> label``.
"""
from __future__ import annotations

import re

import numpy as np

from tflm_oracle import tflm_run


# ---------------------------------------------------------------- hello_world sweep

def _io_quant(model_path: str):
    from platformio_tinyml.read.reader import read_model
    g = read_model(str(model_path))
    tin, tout = g.tensors[g.inputs[0]], g.tensors[g.outputs[0]]
    return tin, tout


def quantize_like_library(x: float, scale: float, zero_point: int) -> int:
    """tml_quantize in float32: x / scale, round half away from zero, add the zero point, clamp."""
    v = np.float32(np.float32(x) / np.float32(scale))
    v = np.float32(v + np.float32(0.5)) if v >= 0 else np.float32(v - np.float32(0.5))
    q = int(np.trunc(v)) + zero_point
    return max(-128, min(127, q))


def check_sweep_output(text: str, model_path: str, steps: int = 20) -> float:
    """Every ``x y sin(x)`` line: y is exactly TFLM's output for x quantized as the library does.
    Returns the printed max error."""
    tin, tout = _io_quant(model_path)
    rows = re.findall(r"^(-?[\d.e+-]+)\s+(-?[\d.e+-]+)\s+(-?[\d.e+-]+)\s*$", text, re.M)
    assert len(rows) == steps, f"expected {steps} sweep lines, got {len(rows)}:\n{text}"
    worst = 0.0
    for xs, ys, ss in rows:
        x = np.float32(float(xs))
        if tin.dtype == "float32":   # a float-I/O model (e.g. quantized at build time): no quantizing here
            ref_q = None
            ref_y = np.float32(tflm_run(model_path, [np.array([[x]], np.float32)])[0].reshape(-1)[0])
        else:
            q = quantize_like_library(x, tin.q_scale, tin.q_zero_point)
            ref_q = int(tflm_run(model_path, [np.array([[q]], np.int8)])[0].reshape(-1)[0])
            ref_y = np.float32(np.float32(tout.q_scale) * np.float32(ref_q - tout.q_zero_point))
        assert np.float32(float(ys)) == ref_y, f"x={xs}: printed y {ys}, TFLM gives {ref_y!r} (q {ref_q})"
        assert abs(float(ss) - np.sin(float(x))) < 1e-6, f"x={xs}: sin printed as {ss}"
        worst = max(worst, abs(float(ref_y) - float(np.sin(np.float32(x)))))
    m = re.search(r"^max error: ([\d.]+)$", text, re.M)
    assert m, f"no 'max error' line in:\n{text}"
    assert abs(float(m.group(1)) - worst) < 1e-4, f"printed max error {m.group(1)}, recomputed {worst:.4f}"
    return float(m.group(1))


# ---------------------------------------------------------------- classifiers

def read_samples_h(path) -> dict:
    """The arrays of an example's samples.h, parsed from the C source."""
    text = open(path, encoding="utf-8").read()

    def block(name):
        m = re.search(name + r"\[[^\]]*\](?:\[[^\]]*\])?\s*=\s*\{(.*?)\};", text, re.S)
        assert m, f"{path}: no array {name}"
        return m.group(1)

    names = re.findall(r'"([^"]*)"', block("sample_names"))
    labels = re.findall(r'"([^"]*)"', block("label_names"))
    expected = [int(v) for v in re.findall(r"-?\d+", block("sample_expected"))]
    body = block("sample_inputs")
    inputs = [np.array([int(v) for v in re.findall(r"-?\d+", row)], np.int8)
              for row in re.findall(r"\{([^{}]*)\}", body)]
    count = int(re.search(r"#define\s+SAMPLE_COUNT\s+(\d+)", text).group(1))
    assert len(names) == len(inputs) == len(expected) == count, f"{path}: inconsistent sample arrays"
    return dict(names=names, labels=labels, expected=expected, inputs=inputs)


def parse_classifier_output(text: str, labels: list) -> dict:
    """{sample name: (scores as ints, picked label)} from the printed lines."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+(.*%\))\s+-> (.+?)(?: \(the reference interpreter picked another\))?$", line)
        if not m:
            continue
        pairs = re.findall(r"\s*(.+?)=(-?\d+) \([\d.]+%\)", m.group(2))
        assert [p[0] for p in pairs] == labels, f"labels printed {[p[0] for p in pairs]}, expected {labels}"
        out[m.group(1)] = ([int(p[1]) for p in pairs], m.group(3))
    return out


def check_classifier_output(text: str, model_path: str, samples_h) -> None:
    """Each sample's printed scores equal TFLM's on the same input, and so does the picked label."""
    s = read_samples_h(samples_h)
    got = parse_classifier_output(text, s["labels"])
    assert set(got) == set(s["names"]), f"printed samples {sorted(got)}, samples.h has {s['names']}:\n{text}"
    from platformio_tinyml.read.reader import read_model
    g = read_model(str(model_path))
    shape = g.tensors[g.inputs[0]].shape
    for name, data in zip(s["names"], s["inputs"]):
        ref = tflm_run(model_path, [data.reshape(shape)])[0].reshape(-1)
        scores, picked = got[name]
        assert scores == ref.tolist(), f"{name}: printed {scores}, TFLM gives {ref.tolist()}"
        assert picked == s["labels"][int(np.argmax(ref))], f"{name}: picked {picked}"
    assert f"agree with the reference interpreter: {len(s['names'])}/{len(s['names'])}" in text, text

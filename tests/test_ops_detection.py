"""TFLite_Detection_PostProcess: the generated C against TFLM's kernel, on random boxes and scores with
ties, overlapping boxes, thresholds nothing passes, and boxes TFLM refuses.

The same detections in the same order (classes and counts exactly), boxes and scores within 1e-5.
TFLM's regular NMS writes max_detections rows (zeros past the detections); its fast NMS writes only
the detections and leaves the other rows as they were, so those rows are compared up to the count.
"""
import glob
import os
import shutil
import subprocess

import numpy as np
import pytest

from conftest import ROOT
from tflm_oracle import assert_same, tflm_run

from modelgen.detection import DEFAULTS, anchors, model
from platformio_tinyml.errors import UnsupportedError
from platformio_tinyml.lower.lower import lower_graph
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.targets.hostrun import HostModel

HERE = os.path.dirname(os.path.abspath(__file__))
ALL = sorted(glob.glob(os.path.join(HERE, "models", "detection_*.tflite")))


def _id(p):
    return os.path.basename(p)[:-len(".tflite")]


def _inputs(shapes, rng, variant: int):
    """Box encodings and scores; odd variants quantize the scores to a few levels (many ties), variant 2
    repeats box rows (identical boxes), variant 4 uses small encodings (boxes near their anchors)."""
    (enc_shape, sc_shape) = shapes
    enc = rng.normal(0, 1, enc_shape).astype(np.float32)
    sc = rng.uniform(0, 1, sc_shape).astype(np.float32)
    if variant % 2:
        sc = (np.round(sc * 4) / 4).astype(np.float32)
    if variant == 2:
        enc[0, 1::2] = enc[0, 0::2][: enc[0, 1::2].shape[0]]
    if variant == 4:
        enc *= np.float32(0.05)
    return [enc, sc]


def _check(ours, ref, what, regular_rows=None):
    count = int(ref[3].reshape(-1)[0])
    assert int(ours[3].reshape(-1)[0]) == count, f"{what}: {ours[3]} detections, TFLM {ref[3]}"
    rows = regular_rows if regular_rows is not None else count
    for k, width in ((0, 4), (1, 1), (2, 1)):
        o = ours[k].reshape(-1)[: rows * width]
        r = np.asarray(ref[k]).reshape(-1)[: rows * width]
        if k == 1:
            assert np.array_equal(o, r), f"{what}: classes {o} vs TFLM {r}"
        else:
            assert_same(o, r, f"{what} output {k}")


def _regular_rows(path):
    g = read_model(path)
    op = g.ops[0]
    return int(op.options["max_detections"]) if op.options.get("use_regular_nms") else None


def test_models_exist():
    assert ALL, "run: python tests/make_models.py detection"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_matches_tflm(path):
    rows = _regular_rows(path)
    with HostModel(path, name="model") as hm:
        shapes = [t.shape for t in hm.inputs]
        for seed in range(6):
            inputs = _inputs(shapes, np.random.default_rng(seed), seed)
            _check(hm.run(inputs), tflm_run(path, inputs), f"{_id(path)} seed {seed}", rows)


def _multi(configs):
    """One model with one detection operator per config (boxes, columns, options)."""
    from tflite_build import build
    tensors, ops, inputs, outputs = [], [], [], []
    for k, (n, cols, opts) in enumerate(configs):
        o = dict(DEFAULTS, **opts)
        rows = o["max_detections"] * o["max_classes_per_detection"]
        b = len(tensors)
        tensors += [dict(shape=[1, n, 4], dtype="float32"), dict(shape=[1, n, cols], dtype="float32"),
                    dict(shape=[n, 4], dtype="float32", data=anchors(n, k, clustered=bool(k % 2))),
                    dict(shape=[1, rows, 4], dtype="float32"), dict(shape=[1, rows], dtype="float32"),
                    dict(shape=[1, rows], dtype="float32"), dict(shape=[1], dtype="float32")]
        ops.append(dict(op="CUSTOM", custom="TFLite_Detection_PostProcess", inputs=[b, b + 1, b + 2],
                        outputs=[b + 3, b + 4, b + 5, b + 6], custom_options=o))
        inputs += [b, b + 1]
        outputs += [b + 3, b + 4, b + 5, b + 6]
    return build(tensors, ops, inputs, outputs)


def test_option_sweep(tmp_path):
    """Random boxes, classes and options (both NMS kinds, thresholds, limits), several operators per model.
    Limits keep max_detections + min(boxes, detections_per_class) within TFLM's regular-NMS scratch."""
    rng = np.random.default_rng(42)
    configs = []
    for k in range(16):
        n = int(rng.integers(2, 80))
        nc = int(rng.integers(1, 8))
        md = int(rng.integers(2, 15))
        configs.append((n, nc + int(rng.integers(0, 2)), dict(
            num_classes=nc, max_detections=md, use_regular_nms=bool(k % 2),
            detections_per_class=int(rng.integers(1, 2 * md)), nms_iou_threshold=float(rng.choice([0.1, 0.45, 0.7, 1.0])),
            nms_score_threshold=float(rng.choice([0.0, 0.25, 0.5, 0.9])),
            y_scale=float(rng.uniform(1, 10)), x_scale=float(rng.uniform(1, 10)),
            h_scale=float(rng.uniform(1, 10)), w_scale=float(rng.uniform(1, 10)))))
    path = tmp_path / "sweep.tflite"
    path.write_bytes(_multi(configs))
    with HostModel(str(path), name="model") as hm:
        for seed in range(4):
            r = np.random.default_rng(100 + seed)
            inputs = []
            for k in range(len(configs)):
                inputs += _inputs([hm.inputs[2 * k].shape, hm.inputs[2 * k + 1].shape], r, seed + k)
            ours, ref = hm.run(inputs), tflm_run(str(path), inputs)
            for k, (_, _, opts) in enumerate(configs):
                rows = opts["max_detections"] if opts["use_regular_nms"] else None
                _check(ours[4 * k:4 * k + 4], ref[4 * k:4 * k + 4], f"seed {seed} operator {k}", rows)


@pytest.mark.parametrize("regular", [False, True])
def test_boxes_tflm_refuses_give_no_detections(regular, tmp_path):
    """A decoded box with ymin >= ymax (exp(h) underflows): TFLM's invoke fails; ours reports nothing."""
    from tflite_micro.python.tflite_micro import runtime
    path = tmp_path / "bad.tflite"
    path.write_bytes(model(10, 3, num_classes=2, use_regular_nms=regular))
    rng = np.random.default_rng(0)
    enc = rng.normal(0, 1, (1, 10, 4)).astype(np.float32)
    enc[0, 3, 2] = -5000.0
    sc = rng.uniform(0, 1, (1, 10, 3)).astype(np.float32)
    ip = runtime.Interpreter.from_file(str(path))
    ip.set_input(enc, 0)
    ip.set_input(sc, 1)
    with pytest.raises(Exception):
        ip.invoke()
    with HostModel(str(path), name="model") as hm:
        out = hm.run([enc, sc])
    assert out[3][0] == 0 and not np.any(out[0]) and not np.any(out[1]) and not np.any(out[2])


def test_tflm_refuses_quantized_inputs(tmp_path):
    """Why int8/uint8 inputs are refused: TFLM's kernel fails at invoke on them."""
    from tflite_build import build
    from tflite_micro.python.tflite_micro import runtime
    for dtype in ("int8", "uint8"):
        q = dict(scale=0.05, zp=0)
        t = [dict(shape=[1, 6, 4], dtype=dtype, **q), dict(shape=[1, 6, 3], dtype=dtype, **q),
             dict(shape=[6, 4], dtype="float32", data=anchors(6)), dict(shape=[1, 10, 4], dtype="float32"),
             dict(shape=[1, 10], dtype="float32"), dict(shape=[1, 10], dtype="float32"), dict(shape=[1], dtype="float32")]
        data = build(t, [dict(op="CUSTOM", custom="TFLite_Detection_PostProcess", inputs=[0, 1, 2],
                              outputs=[3, 4, 5, 6], custom_options=dict(DEFAULTS, num_classes=2))], [0, 1], [3, 4, 5, 6])
        ip = runtime.Interpreter.from_bytes(data)
        ip.set_input(np.zeros((1, 6, 4), dtype), 0)
        ip.set_input(np.zeros((1, 6, 3), dtype), 1)
        with pytest.raises(Exception):
            ip.invoke()
        with pytest.raises(UnsupportedError, match="float32 box encodings, scores and anchors only"):
            lower_graph(read_model("m.tflite", data=data))


def _custom_shapes(enc=(1, 8, 4), sc=(1, 8, 4), anc=(8, 4), outs=((1, 10, 4), (1, 10), (1, 10), (1,)),
                   dtypes=("float32",) * 7, raw=None, **opts):
    from tflite_build import build
    shapes = [enc, sc, anc, *outs]
    t = [dict(shape=list(s), dtype=d) for s, d in zip(shapes, dtypes)]
    t[2]["data"] = np.zeros(anc, np.float32)
    return build(t, [dict(op="CUSTOM", custom="TFLite_Detection_PostProcess", inputs=[0, 1, 2], outputs=[3, 4, 5, 6],
                          custom_options=raw if raw is not None else dict(DEFAULTS, **opts))], [0, 1], [3, 4, 5, 6])


@pytest.mark.parametrize("make,needle", [
    (lambda: model(8, 4, max_classes_per_detection=2), "writes such detections past its outputs"),
    (lambda: model(8, 4, nms_iou_threshold=0.0), "needs it in (0, 1]"),
    (lambda: model(8, 4, nms_iou_threshold=1.5), "needs it in (0, 1]"),
    (lambda: model(8, 4, max_detections=0, max_classes_per_detection=1, rows=4), "max_detections is 0"),
    (lambda: model(8, 4, use_regular_nms=True, detections_per_class=0), "detections_per_class is 0"),
    (lambda: model(8, 4, max_classes_per_detection=0, rows=10), "max_classes_per_detection is 0"),
    (lambda: model(8, 6, num_classes=4), "the columns must be num_classes or num_classes + 1"),
    (lambda: model(8, 4, num_classes=0), "num_classes 0"),
    (lambda: _custom_shapes(enc=(2, 8, 4), sc=(2, 8, 4)), "the batch must be 1"),
    (lambda: _custom_shapes(anc=(7, 4)), "do not describe the same boxes"),
    (lambda: _custom_shapes(enc=(1, 8, 3)), "do not describe the same boxes"),
    (lambda: _custom_shapes(enc=(1, 8)), "needs [1, boxes, 4 or more]"),
    (lambda: _custom_shapes(outs=((1, 9, 4), (1, 9), (1, 9), (1,))), "rows >= max_detections (10)"),
    (lambda: _custom_shapes(outs=((1, 10, 4), (1, 11), (1, 10), (1,))), "rows >= max_detections"),
    (lambda: _custom_shapes(dtypes=("float32",) * 6 + ("int32",)), "the outputs are float32"),
    (lambda: _custom_shapes(raw=[1, 2]), "not a FlexBuffer map"),
])
def test_refusals(make, needle):
    with pytest.raises(UnsupportedError) as e:
        lower_graph(read_model("m.tflite", data=make()))
    msg = str(e.value)
    assert needle in msg and "\n" not in msg, msg


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_compilers(cc):
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed")
    for name in ("detection_fast_clustered", "detection_regular_clustered"):
        path = os.path.join(HERE, "models", f"{name}.tflite")
        with HostModel(path, name="model", cc=cc) as hm:
            inputs = _inputs([t.shape for t in hm.inputs], np.random.default_rng(1), 1)
            _check(hm.run(inputs), tflm_run(path, inputs), f"{name} {cc}", _regular_rows(path))


def test_cross_compiles_for_cortex_m4(tmp_path):
    from platformio_tinyml.api import generate
    assert shutil.which("arm-none-eabi-gcc"), ".ci/run installs arm-none-eabi-gcc"
    generate(os.path.join(HERE, "models", "detection_regular.tflite"), str(tmp_path), name="m", arch="cortex-m4")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard",
                    "-Os", "-Wall", "-Wextra", "-Werror", "-I", os.path.join(ROOT, "library", "src"),
                    "-c", str(tmp_path / "m.c"), "-o", str(tmp_path / "m.o")], check=True)


def test_random_options_are_lowered_or_refused_in_one_line():
    """Random (often nonsensical) options and shapes: lowered and generated, or refused in one line."""
    from platformio_tinyml.emit.codegen import generate_sources
    rng = np.random.default_rng(9)
    made = refused = 0
    for k in range(80):
        n, cols, rows = (int(rng.integers(1, 9)) for _ in range(3))
        opts = {k: int(rng.integers(-1, 6)) for k in ("max_detections", "max_classes_per_detection",
                                                      "detections_per_class", "num_classes")}
        opts.update(use_regular_nms=bool(rng.integers(0, 2)), nms_iou_threshold=float(rng.uniform(-0.2, 1.2)),
                    nms_score_threshold=float(rng.uniform(-1, 1)))
        if k % 2:  # mostly sensible
            opts.update(max_detections=int(rng.integers(1, rows + 1)), max_classes_per_detection=1,
                        num_classes=cols - int(rng.integers(0, 2)) or 1, nms_iou_threshold=float(rng.uniform(0.01, 1)))
        data = _custom_shapes(enc=(1, n, int(rng.integers(3, 6))), sc=(1, n, cols), anc=(n, 4),
                              outs=((1, rows, 4), (1, rows), (1, rows), (1,)), **opts)
        try:
            prog = lower_graph(read_model("m.tflite", data=data))
        except UnsupportedError as e:
            assert "\n" not in str(e), str(e)
            refused += 1
            continue
        generate_sources(prog, "m")
        made += 1
    assert made >= 5 and refused >= 5, (made, refused)


@pytest.mark.parametrize("name", ["detection_fast_clustered", "detection_regular_clustered"])
def test_on_the_emulated_cortex_m4(name):
    """The Cortex-M4F build (GCC, newlib's exp, double arithmetic in software) under QEMU against TFLM."""
    from platformio_tinyml.targets.qemurun import QemuModel
    path = os.path.join(HERE, "models", f"{name}.tflite")
    with QemuModel(path, name="model") as qm:
        inputs = _inputs([t.shape for t in qm.inputs], np.random.default_rng(3), 3)
        ours = qm.run(inputs)
    _check(ours, tflm_run(path, inputs), f"{name} on the Cortex-M4", _regular_rows(path))

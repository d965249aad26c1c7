"""TFLite_Detection_PostProcess (custom operator): SSD box decoding and regular or fast non-maximum
suppression, as TFLM's detection_postprocess.cc computes it (library/src/tinyml/ops/detection.h).

TFLM's kernel takes float32 box encodings, scores and anchors only (quantized ones make its invoke
fail), and its fast path writes past its outputs when it keeps more than one class per detection;
both are refused here. Options are read by name, with TFLM's defaults (detections_per_class 100,
use_regular_nms false, anything else missing is 0).
"""
from __future__ import annotations

import numpy as np

from ..registry import register

_F32 = "float32"


def _int(ctx, op, key: str, default: int = 0) -> int:
    v = op.options.get(key, default)
    if v is None:
        v = default
    if isinstance(v, (bool, np.bool_)):
        v = int(v)
    if not isinstance(v, (int, np.integer)):
        ctx.fail(f"option {key} must be an integer, got {v!r}")
    if not -2 ** 31 <= v < 2 ** 31:
        ctx.fail(f"option {key} is {v}, outside int32")
    return int(v)


def _float(ctx, op, key: str) -> float:
    v = op.options.get(key, 0.0)
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        ctx.fail(f"option {key} must be a number, got {v!r}")
    f = np.float32(v)
    if not np.isfinite(f):
        ctx.fail(f"option {key} is {v}, which is not a finite float32")
    return float(f)


@register("TFLite_Detection_PostProcess", custom=True, operands=(3, 3, 4, ()))
def lower_detection_postprocess(op, ctx):
    if "" in op.options:
        ctx.fail("its custom options are not a FlexBuffer map (TFLM's kernel reads one)")
    enc, scores, anchors = (ctx.t(i) for i in op.inputs)
    outs = [ctx.t(i) for i in op.outputs]
    for t, what in ((enc, "box encodings"), (scores, "class scores"), (anchors, "anchors")):
        if t.dtype != _F32:
            ctx.fail(f"the {what} (tensor {t.index} '{t.name}') are {t.dtype}; TFLM's kernel runs on float32 "
                     "box encodings, scores and anchors only (dequantize them first)")
    for t in outs:
        if t.dtype != _F32:
            ctx.fail(f"output tensor {t.index} '{t.name}' is {t.dtype}; the outputs are float32")
    if len(enc.shape) != 3 or len(scores.shape) != 3 or len(anchors.shape) != 2:
        ctx.fail(f"box encodings {list(enc.shape)}, scores {list(scores.shape)}, anchors {list(anchors.shape)}: "
                 "TFLM's kernel needs [1, boxes, 4 or more], [1, boxes, classes] and [boxes, 4]")
    if enc.shape[0] != 1 or scores.shape[0] != 1:
        ctx.fail("the batch must be 1 (TFLM's kernel runs one batch)")
    n = int(enc.shape[1])
    if enc.shape[2] < 4 or scores.shape[1] != n or tuple(anchors.shape) != (n, 4) or n < 1:
        ctx.fail(f"box encodings {list(enc.shape)}, scores {list(scores.shape)}, anchors {list(anchors.shape)} "
                 "do not describe the same boxes ([1, boxes, >=4], [1, boxes, classes], [boxes, 4])")
    num_classes = _int(ctx, op, "num_classes")
    cwb = int(scores.shape[2])
    if num_classes < 1 or not 0 <= cwb - num_classes <= 1:
        ctx.fail(f"num_classes {num_classes} with {cwb} score columns: the columns must be num_classes or "
                 "num_classes + 1 (a background column first)")
    max_det = _int(ctx, op, "max_detections")
    per_class = _int(ctx, op, "detections_per_class", 100)
    per_det = _int(ctx, op, "max_classes_per_detection")
    regular = bool(_int(ctx, op, "use_regular_nms", 0))
    if max_det < 1:
        ctx.fail(f"max_detections is {max_det}; it must be at least 1")
    iou = _float(ctx, op, "nms_iou_threshold")
    if not 0.0 < iou <= 1.0:
        ctx.fail(f"nms_iou_threshold is {iou}; TFLM's kernel needs it in (0, 1]")
    if regular and per_class < 1:
        ctx.fail(f"detections_per_class is {per_class}; regular NMS needs at least 1")
    if not regular:
        if per_det < 1:
            ctx.fail(f"max_classes_per_detection is {per_det}; fast NMS needs at least 1")
        if min(per_det, num_classes) > 1:
            ctx.fail(f"max_classes_per_detection {per_det} with fast NMS: TFLM's kernel writes such detections "
                     "past its outputs; only 1 class per detection is supported (or use_regular_nms)")
    rows = int(outs[0].shape[1]) if len(outs[0].shape) == 3 else -1
    if (len(outs[0].shape) != 3 or outs[0].shape[0] != 1 or outs[0].shape[2] != 4 or rows < max_det
            or tuple(outs[1].shape) != (1, rows) or tuple(outs[2].shape) != (1, rows) or outs[3].size != 1):
        ctx.fail(f"outputs {[list(t.shape) for t in outs]}: TFLM's kernel writes [1, rows, 4], [1, rows], "
                 f"[1, rows] and [1] with rows >= max_detections ({max_det})")
    if n + max_det > 2 ** 24:
        ctx.fail(f"{n} boxes and {max_det} detections are more than this kernel supports")
    params = dict(num_boxes=n, box_stride=int(enc.shape[2]), num_classes=num_classes, classes_with_background=cwb,
                  label_offset=cwb - num_classes, max_detections=max_det, detections_per_class=per_class,
                  use_regular_nms=int(regular), output_rows=rows,
                  score_threshold=_float(ctx, op, "nms_score_threshold"), iou_threshold=iou,
                  y_scale=_float(ctx, op, "y_scale"), x_scale=_float(ctx, op, "x_scale"),
                  h_scale=_float(ctx, op, "h_scale"), w_scale=_float(ctx, op, "w_scale"))
    lsize = max_det + n
    scratch = 4 * (10 * n + 6 * lsize) + n
    ctx.emit("tml_detection_postprocess_f32", *(ctx.tensor(i) for i in op.inputs),
             *(ctx.tensor(i) for i in op.outputs), ctx.scratch_buffer(scratch),
             params_type="tml_detection_postprocess_params", params=params)

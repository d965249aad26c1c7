"""Test models for TFLite_Detection_PostProcess (custom operator, built with tests/tflite_build.py).

Anchors are constant, as in SSD models; some are clustered so that decoded boxes overlap. Options are
the FlexBuffer map TensorFlow's converter writes (read by name by TFLM's kernel).
"""
from __future__ import annotations

import numpy as np

DEFAULTS = dict(max_detections=10, max_classes_per_detection=1, detections_per_class=5, use_regular_nms=False,
                nms_score_threshold=0.3, nms_iou_threshold=0.5, num_classes=4, y_scale=10.0, x_scale=10.0,
                h_scale=5.0, w_scale=5.0)


def anchors(n: int, seed: int = 0, clustered: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if clustered:  # a few centres, many anchors each: heavily overlapping boxes
        centres = rng.uniform(0.3, 0.7, (max(1, n // 8), 2))
        yx = centres[rng.integers(0, len(centres), n)] + rng.normal(0, 0.01, (n, 2))
    else:
        yx = rng.uniform(0.1, 0.9, (n, 2))
    hw = rng.uniform(0.05, 0.3, (n, 2))
    return np.concatenate([yx, hw], 1).astype(np.float32)


def model(boxes: int, columns: int, rows: int | None = None, stride: int = 4, seed: int = 0, clustered: bool = False,
          drop=(), **options) -> bytes:
    """``columns`` score values per box; options override DEFAULTS; ``drop``: options left out of the map."""
    from tflite_build import build
    opts = dict(DEFAULTS, **options)
    for k in drop:
        opts.pop(k)
    rows = rows or opts["max_detections"] * opts["max_classes_per_detection"]
    tensors = [dict(shape=[1, boxes, stride], dtype="float32", name="box_encodings"),
               dict(shape=[1, boxes, columns], dtype="float32", name="class_predictions"),
               dict(shape=[boxes, 4], dtype="float32", name="anchors", data=anchors(boxes, seed, clustered)),
               dict(shape=[1, rows, 4], dtype="float32", name="detection_boxes"),
               dict(shape=[1, rows], dtype="float32", name="detection_classes"),
               dict(shape=[1, rows], dtype="float32", name="detection_scores"),
               dict(shape=[1], dtype="float32", name="num_detections")]
    ops = [dict(op="CUSTOM", custom="TFLite_Detection_PostProcess", inputs=[0, 1, 2], outputs=[3, 4, 5, 6],
                custom_options=opts)]
    return build(tensors, ops, [0, 1], [3, 4, 5, 6])


def models() -> dict:
    return {
        "detection_fast_background": model(40, 5),
        "detection_fast_no_background": model(40, 4, seed=1),
        "detection_fast_clustered": model(120, 7, clustered=True, num_classes=6, max_detections=20, seed=2),
        "detection_fast_many_classes_per_box": model(30, 2, max_classes_per_detection=3, num_classes=1, seed=3),
        "detection_fast_defaults": model(25, 3, num_classes=2, drop=("detections_per_class", "use_regular_nms")),
        "detection_regular": model(40, 5, use_regular_nms=True),
        "detection_regular_clustered": model(150, 9, clustered=True, num_classes=8, max_detections=25,
                                             detections_per_class=10, use_regular_nms=True, seed=4),
        "detection_regular_one_class": model(60, 2, num_classes=1, max_detections=8, detections_per_class=100,
                                             use_regular_nms=True, seed=5),
        "detection_regular_wide_rows": model(50, 4, rows=16, stride=6, max_detections=6, use_regular_nms=True,
                                             nms_iou_threshold=0.3, seed=6),
        "detection_regular_iou1": model(50, 4, use_regular_nms=True, nms_iou_threshold=1.0, nms_score_threshold=0.0,
                                        detections_per_class=4, max_detections=12, seed=7),
        "detection_ssd_scales": model(300, 91, clustered=True, num_classes=90, max_detections=10,
                                      y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0,
                                      nms_score_threshold=1e-8, nms_iou_threshold=0.6, seed=8),
    }

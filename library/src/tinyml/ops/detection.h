/*
 * TFLite_Detection_PostProcess (custom operator; SSD box decoding and non-maximum suppression), as
 * TFLM's detection_postprocess.cc computes it. float32 throughout (TFLM's kernel fails on quantized
 * box encodings or scores).
 *
 * Inputs: box_encodings [1, num_boxes, box_stride >= 4] (y, x, h, w first), class scores
 * [1, num_boxes, classes_with_background] (the first column is the background when
 * classes_with_background = num_classes + 1), anchors [num_boxes, 4] (y, x, h, w).
 * Outputs: boxes [1, rows, 4] (ymin, xmin, ymax, xmax), classes [1, rows], scores [1, rows],
 * num_detections [1]; rows >= max_detections.
 *
 * Decoding (in double, stored as float): yc = y / y_scale * anchor_h + anchor_y, half_h =
 * 0.5 * exp(h / h_scale) * anchor_h (x and w alike); box = (yc - half_h, xc - half_w, yc + half_h,
 * xc + half_w). If any decoded box has ymin >= ymax or xmin >= xmax TFLM's invoke fails; here the
 * outputs are then all zero (no detections).
 *
 * Non-maximum suppression of one score column: boxes scoring >= score_threshold, in decreasing score
 * (ties: lower box index first), each kept while fewer than its limit are kept, and every later box
 * whose IoU with it is > iou_threshold dropped.
 * Regular (use_regular_nms): per class, at most detections_per_class boxes; the running list of the
 * best max_detections (ties: earlier in the list first). Fast: each box's best class (ties: lower class
 * first) only (classes_per_detection 1), at most max_detections boxes.
 * Rows past the detections are zero (TFLM's fast path leaves them as they were).
 * Scratch: tml_detection_scratch_bytes(num_boxes, max_detections) bytes.
 */
#ifndef TINYML_OPS_DETECTION_H
#define TINYML_OPS_DETECTION_H

#include <math.h>

#include "../tml_common.h"

typedef struct {
    int32_t num_boxes;
    int32_t box_stride;               /* values per box encoding */
    int32_t num_classes;
    int32_t classes_with_background;  /* score values per box */
    int32_t label_offset;             /* classes_with_background - num_classes: 0 or 1 */
    int32_t max_detections;
    int32_t detections_per_class;     /* regular NMS */
    int32_t use_regular_nms;
    int32_t output_rows;
    float score_threshold;
    float iou_threshold;
    float y_scale;
    float x_scale;
    float h_scale;
    float w_scale;
} tml_detection_postprocess_params;

/* Scratch bytes: decoded boxes, score columns, index lists and the merge sort's buffer. */
static inline size_t tml_detection_scratch_bytes(int32_t num_boxes, int32_t max_detections)
{
    const size_t n = (size_t)num_boxes, l = (size_t)max_detections + (size_t)num_boxes;
    return 4u * (4u * n + 6u * n + 5u * l + l) + n;
}

#include "../ref/detection.h" /* the kernel: portable C, the only path */

static inline void tml_detection_postprocess_f32(const tml_detection_postprocess_params *p, const float *boxes,
                                                 const float *scores, const float *anchors, float *out_boxes,
                                                 float *out_classes, float *out_scores, float *out_count,
                                                 void *scratch)
{
    tml_detection_postprocess_f32_ref(p, boxes, scores, anchors, out_boxes, out_classes, out_scores, out_count,
                                      scratch);
}

#endif /* TINYML_OPS_DETECTION_H */

/*
 * Reference kernel of TFLite_Detection_PostProcess: portable C. Included by ops/detection.h.
 *
 * Every ordering is by decreasing score with ties in increasing position (what TFLM's stable merge
 * sort and its partial sort with an index tie-break both give), done by one stable merge sort.
 */
#ifndef TINYML_REF_DETECTION_H
#define TINYML_REF_DETECTION_H

/* idx[0..n) = 0..n-1 sorted by decreasing values[idx] (stable); tmp holds n ints. */
static inline void tml_det_argsort(const float *values, int32_t n, int32_t *idx, int32_t *tmp)
{
    int32_t i, width;
    for (i = 0; i < n; i++) {
        idx[i] = i;
    }
    for (width = 1; width < n; width *= 2) {
        int32_t lo;
        for (lo = 0; lo < n; lo += 2 * width) {
            const int32_t mid = lo + width < n ? lo + width : n;
            const int32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int32_t a = lo, b = mid, k = lo;
            while (k < hi) {
                if (a >= mid || (b < hi && values[idx[b]] > values[idx[a]])) {
                    tmp[k++] = idx[b++];
                } else {
                    tmp[k++] = idx[a++];
                }
            }
        }
        memcpy(idx, tmp, (size_t)n * sizeof(int32_t));
    }
}

TML_FLOAT static inline float tml_det_iou(const float *boxes, int32_t i, int32_t j)
{
    TML_FP_EXACT
    const float *a = boxes + 4 * i, *b = boxes + 4 * j; /* ymin, xmin, ymax, xmax */
    float area_a, area_b, ymin, xmin, ymax, xmax, h, w, inter;
    area_a = (a[2] - a[0]) * (a[3] - a[1]);
    area_b = (b[2] - b[0]) * (b[3] - b[1]);
    if (area_a <= 0 || area_b <= 0) {
        return 0.0f;
    }
    ymin = a[0] < b[0] ? b[0] : a[0];
    xmin = a[1] < b[1] ? b[1] : a[1];
    ymax = b[2] < a[2] ? b[2] : a[2];
    xmax = b[3] < a[3] ? b[3] : a[3];
    h = ymax - ymin;
    w = xmax - xmin;
    inter = (h < 0.0f ? 0.0f : h) * (w < 0.0f ? 0.0f : w);
    return inter / (area_a + area_b - inter);
}

typedef struct {
    float *decoded;
    float *column;      /* one score per box */
    float *keep_scores;
    int32_t *keep_idx;
    int32_t *sorted;
    int32_t *selected;
    int32_t *best;      /* fast NMS: each box's best class */
    int32_t *acc_idx;   /* regular NMS: the running list */
    float *acc_scores;
    int32_t *order;
    int32_t *tmp_idx;
    float *tmp_scores;
    int32_t *merge;
    uint8_t *active;
} tml_det_scratch;

/* Non-maximum suppression of one column of scores; returns how many boxes it selected. */
static inline int32_t tml_det_nms(const tml_detection_postprocess_params *p, const tml_det_scratch *s,
                                  const float *scores, int32_t limit)
{
    const int32_t n = p->num_boxes;
    int32_t kept = 0, i, j, out_size, active, count = 0;
    for (i = 0; i < n; i++) {
        if (scores[i] >= p->score_threshold) {
            s->keep_scores[kept] = scores[i];
            s->keep_idx[kept++] = i;
        }
    }
    tml_det_argsort(s->keep_scores, kept, s->sorted, s->merge);
    out_size = kept < limit ? kept : limit;
    active = kept;
    memset(s->active, 1, (size_t)kept);
    for (i = 0; i < kept; i++) {
        if (active == 0 || count >= out_size) {
            break;
        }
        if (!s->active[i]) {
            continue;
        }
        s->selected[count++] = s->keep_idx[s->sorted[i]];
        s->active[i] = 0;
        active--;
        for (j = i + 1; j < kept; j++) {
            if (s->active[j] &&
                tml_det_iou(s->decoded, s->keep_idx[s->sorted[i]], s->keep_idx[s->sorted[j]]) > p->iou_threshold) {
                s->active[j] = 0;
                active--;
            }
        }
    }
    return count;
}

/* Decodes every box; returns 0 where TFLM's kernel fails (a box with ymin >= ymax or xmin >= xmax). */
TML_FLOAT static inline int tml_det_decode(const tml_detection_postprocess_params *p, const float *enc,
                                           const float *anchors, float *decoded)
{
    TML_FP_EXACT
    int32_t b;
    int ok = 1;
    for (b = 0; b < p->num_boxes; b++) {
        const float *e = enc + (size_t)b * (size_t)p->box_stride, *a = anchors + 4 * b; /* y, x, h, w */
        const float yc = (float)((double)e[0] / (double)p->y_scale * (double)a[2] + (double)a[0]);
        const float xc = (float)((double)e[1] / (double)p->x_scale * (double)a[3] + (double)a[1]);
        const float hh = (float)(0.5 * exp((double)e[2] / (double)p->h_scale) * (double)a[2]);
        const float hw = (float)(0.5 * exp((double)e[3] / (double)p->w_scale) * (double)a[3]);
        float *d = decoded + 4 * b;
        d[0] = yc - hh;
        d[1] = xc - hw;
        d[2] = yc + hh;
        d[3] = xc + hw;
        if (d[0] >= d[2] || d[1] >= d[3]) {
            ok = 0;
        }
    }
    return ok;
}

/* Regular NMS: per class, merged into the running list of the best max_detections. Returns its size. */
static inline int32_t tml_det_regular(const tml_detection_postprocess_params *p, const tml_det_scratch *s,
                                      const float *scores)
{
    const int32_t n = p->num_boxes, cwb = p->classes_with_background;
    int32_t size = 0, c, i;
    for (c = 0; c < p->num_classes; c++) {
        int32_t sel, count, top;
        for (i = 0; i < n; i++) {
            s->column[i] = scores[(size_t)i * (size_t)cwb + (size_t)(c + p->label_offset)];
        }
        sel = tml_det_nms(p, s, s->column, p->detections_per_class);
        count = size;
        for (i = 0; i < sel; i++) {
            s->acc_idx[count] = s->selected[i] * cwb + c + p->label_offset;
            s->acc_scores[count++] = s->column[s->selected[i]];
        }
        top = count < p->max_detections ? count : p->max_detections;
        tml_det_argsort(s->acc_scores, count, s->order, s->merge);
        for (i = 0; i < top; i++) {
            s->tmp_idx[i] = s->acc_idx[s->order[i]];
            s->tmp_scores[i] = s->acc_scores[s->order[i]];
        }
        memcpy(s->acc_idx, s->tmp_idx, (size_t)top * sizeof(int32_t));
        memcpy(s->acc_scores, s->tmp_scores, (size_t)top * sizeof(float));
        size = top;
    }
    return size;
}

static inline void tml_detection_postprocess_f32_ref(const tml_detection_postprocess_params *p, const float *boxes,
                                                     const float *scores, const float *anchors, float *out_boxes,
                                                     float *out_classes, float *out_scores, float *out_count,
                                                     void *scratch)
{
    const int32_t n = p->num_boxes, l = p->max_detections + p->num_boxes, cwb = p->classes_with_background;
    tml_det_scratch s;
    int32_t count = 0, i, c;
    s.decoded = (float *)scratch;
    s.column = s.decoded + 4 * n;
    s.keep_scores = s.column + n;
    s.keep_idx = (int32_t *)(s.keep_scores + n);
    s.sorted = s.keep_idx + n;
    s.selected = s.sorted + n;
    s.best = s.selected + n;
    s.acc_idx = s.best + n;
    s.acc_scores = (float *)(s.acc_idx + l);
    s.order = (int32_t *)(s.acc_scores + l);
    s.tmp_idx = s.order + l;
    s.tmp_scores = (float *)(s.tmp_idx + l);
    s.merge = (int32_t *)(s.tmp_scores + l);
    s.active = (uint8_t *)(s.merge + l);
    memset(out_boxes, 0, (size_t)p->output_rows * 4u * sizeof(float));
    memset(out_classes, 0, (size_t)p->output_rows * sizeof(float));
    memset(out_scores, 0, (size_t)p->output_rows * sizeof(float));
    if (tml_det_decode(p, boxes, anchors, s.decoded) && p->num_classes > 0) {
        if (p->use_regular_nms) {
            count = tml_det_regular(p, &s, scores);
            for (i = 0; i < count; i++) {
                const int32_t box = s.acc_idx[i] / cwb;
                memcpy(out_boxes + 4 * i, s.decoded + 4 * box, 4u * sizeof(float));
                out_classes[i] = (float)(s.acc_idx[i] - box * cwb - p->label_offset);
                out_scores[i] = s.acc_scores[i];
            }
        } else {
            for (i = 0; i < n; i++) {
                const float *row = scores + (size_t)i * (size_t)cwb + p->label_offset;
                int32_t best = 0;
                for (c = 1; c < p->num_classes; c++) {
                    if (row[c] > row[best]) {
                        best = c;
                    }
                }
                s.best[i] = best;
                s.column[i] = row[best];
            }
            count = tml_det_nms(p, &s, s.column, p->max_detections);
            for (i = 0; i < count; i++) {
                const int32_t box = s.selected[i];
                memcpy(out_boxes + 4 * i, s.decoded + 4 * box, 4u * sizeof(float));
                out_classes[i] = (float)s.best[box];
                out_scores[i] = s.column[box];
            }
        }
    }
    out_count[0] = (float)count;
}

#endif /* TINYML_REF_DETECTION_H */

/*
 * Reference kernels of SPACE_TO_DEPTH, DEPTH_TO_SPACE, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR:
 * portable C. Included by ops/resize.h (after tml_common.h and the params structs).
 * The rearrangements and the nearest-neighbour resize move whole runs of `elem`-byte values.
 */
#ifndef TINYML_REF_RESIZE_H
#define TINYML_REF_RESIZE_H

static inline void tml_space_to_depth_ref(const tml_space_to_depth_params *p, const void *input, void *output,
                                          int32_t elem)
{
    const int32_t b = p->block, run = p->in_c * elem;
    const int32_t out_w = p->in_w / b, out_c_bytes = run * b * b;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t n, y, x;
    for (n = 0; n < p->batches; n++) {
        uint8_t *out_batch = out + (size_t)n * (size_t)(p->in_h / b) * (size_t)out_w * (size_t)out_c_bytes;
        for (y = 0; y < p->in_h; y++) {
            for (x = 0; x < p->in_w; x++) {
                uint8_t *dst = out_batch + ((size_t)(y / b) * (size_t)out_w + (size_t)(x / b)) * (size_t)out_c_bytes +
                               (size_t)((y % b) * b + x % b) * (size_t)run;
                memcpy(dst, in, (size_t)run);
                in += run;
            }
        }
    }
}

static inline void tml_depth_to_space_ref(const tml_depth_to_space_params *p, const void *input, void *output,
                                          int32_t elem)
{
    const int32_t b = p->block, run = p->in_c / (b * b) * elem, in_pixel = p->in_c * elem;
    const int32_t out_h = p->in_h * b, out_w = p->in_w * b;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t n, y, x;
    for (n = 0; n < p->batches; n++) {
        const uint8_t *in_batch = in + (size_t)n * (size_t)p->in_h * (size_t)p->in_w * (size_t)in_pixel;
        for (y = 0; y < out_h; y++) {
            for (x = 0; x < out_w; x++) {
                const uint8_t *src = in_batch + ((size_t)(y / b) * (size_t)p->in_w + (size_t)(x / b)) * (size_t)in_pixel +
                                     (size_t)((y % b) * b + x % b) * (size_t)run;
                memcpy(out, src, (size_t)run);
                out += run;
            }
        }
    }
}

static inline void tml_resize_nearest_ref(const tml_resize_nearest_params *p, const void *input, void *output,
                                          int32_t elem)
{
    const size_t run = (size_t)p->depth * (size_t)elem;
    const size_t row = (size_t)p->in_w * run;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t n, y, x;
    for (n = 0; n < p->batches; n++) {
        for (y = 0; y < p->out_h; y++) {
            const uint8_t *src_row = in + (size_t)p->y_index[y] * row;
            for (x = 0; x < p->out_w; x++) {
                memcpy(out, src_row + (size_t)p->x_index[x] * run, run);
                out += run;
            }
        }
        in += (size_t)p->in_h * row;
    }
}

/** One output value of the int8 bilinear resize (see ops/resize.h): TFLM's 64-bit sum and rounding. */
static inline int8_t tml_bilinear_s8_one_(int32_t a, int32_t b, int32_t c, int32_t d, int32_t wy, int32_t wx)
{
    const int64_t s = (int64_t)a * (1024 - wy) * (1024 - wx) + (int64_t)b * wy * (1024 - wx) +
                      (int64_t)c * (1024 - wy) * wx + (int64_t)d * wy * wx;
    const int64_t round = s > 0 ? ((int64_t)1 << 19) : -((int64_t)1 << 19);
    return (int8_t)((s + round) / ((int64_t)1 << 20));
}

static inline void tml_resize_bilinear_s8_ref(const tml_resize_bilinear_s8_params *p, const int8_t *input,
                                              int8_t *output)
{
    const int32_t oh = p->out_h, ow = p->out_w, depth = p->depth;
    const size_t row = (size_t)p->in_w * (size_t)depth;
    int32_t n, y, x, c;
    for (n = 0; n < p->batches; n++) {
        const int8_t *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < oh; y++) {
            const int8_t *r0 = in + (size_t)p->y_tab[y] * row, *r1 = in + (size_t)p->y_tab[oh + y] * row;
            const int32_t wy = p->y_tab[2 * oh + y];
            for (x = 0; x < ow; x++) {
                const size_t x0 = (size_t)p->x_tab[x] * (size_t)depth, x1 = (size_t)p->x_tab[ow + x] * (size_t)depth;
                const int32_t wx = p->x_tab[2 * ow + x];
                for (c = 0; c < depth; c++) {
                    *output++ = tml_bilinear_s8_one_(r0[x0 + c], r1[x0 + c], r0[x1 + c], r1[x1 + c], wy, wx);
                }
            }
        }
    }
}

TML_FLOAT static inline void tml_resize_bilinear_f32_ref(const tml_resize_bilinear_f32_params *p,
                                                         const float *input, float *output)
{
    TML_FP_EXACT
    const int32_t oh = p->out_h, ow = p->out_w, depth = p->depth;
    const size_t row = (size_t)p->in_w * (size_t)depth;
    int32_t n, y, x, c;
    for (n = 0; n < p->batches; n++) {
        const float *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < oh; y++) {
            const float *r0 = in + (size_t)p->y_tab[y] * row, *r1 = in + (size_t)p->y_tab[oh + y] * row;
            const float fy = p->y_frac[y];
            for (x = 0; x < ow; x++) {
                const size_t x0 = (size_t)p->x_tab[x] * (size_t)depth, x1 = (size_t)p->x_tab[ow + x] * (size_t)depth;
                const float fx = p->x_frac[x];
                for (c = 0; c < depth; c++) {
                    *output++ = r0[x0 + c] * (1.0f - fy) * (1.0f - fx) + r1[x0 + c] * fy * (1.0f - fx) +
                                r0[x1 + c] * (1.0f - fy) * fx + r1[x1 + c] * fy * fx;
                }
            }
        }
    }
}

#endif /* TINYML_REF_RESIZE_H */

/*
 * Reference kernels of AVERAGE_POOL_2D and MAX_POOL_2D (int8, int16, float32): portable C, always
 * compiled. Included by ops/pool.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_POOL_H
#define TINYML_REF_POOL_H

/* The clipped window of one output pixel: rows [*y0, *y1), columns [*x0, *x1) of the filter. */
static inline void tml_pool_window_(int32_t origin_y, int32_t origin_x, int32_t filter_height, int32_t filter_width,
                                    int32_t input_height, int32_t input_width, int32_t *y0, int32_t *y1,
                                    int32_t *x0, int32_t *x1)
{
    *y0 = origin_y < 0 ? -origin_y : 0;
    *y1 = input_height - origin_y < filter_height ? input_height - origin_y : filter_height;
    *x0 = origin_x < 0 ? -origin_x : 0;
    *x1 = input_width - origin_x < filter_width ? input_width - origin_x : filter_width;
}

/* The integer pools: one loop for int8 and int16 (wide = 0 / 1, a constant once inlined). */
TML_ALWAYS_INLINE int32_t tml__pool_load(const void *base, int32_t i, int wide)
{
    return wide ? ((const int16_t *)base)[i] : ((const int8_t *)base)[i];
}

TML_ALWAYS_INLINE void tml__pool_store(void *base, int32_t i, int32_t v, int wide)
{
    if (wide) {
        ((int16_t *)base)[i] = (int16_t)v;
    } else {
        ((int8_t *)base)[i] = (int8_t)v;
    }
}

TML_ALWAYS_INLINE void tml__pool_int(const tml_pool_s8_params *p, const void *input, void *output, int wide,
                                     int average)
{
    const int32_t lowest = wide ? -32768 : -128;
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const int32_t in_b = b * p->input_height * p->input_width * p->depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                const int32_t out = ((b * p->output_height + oy) * p->output_width + ox) * p->depth;
                int32_t y0, y1, x0, x1, count;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
                for (c = 0; c < p->depth; c++) {
                    int32_t acc = average ? 0 : lowest;
                    for (fy = y0; fy < y1; fy++) {
                        for (fx = x0; fx < x1; fx++) {
                            const int32_t v =
                                tml__pool_load(input, in_b + ((iy0 + fy) * p->input_width + ix0 + fx) * p->depth + c,
                                               wide);
                            acc = average ? acc + v : (v > acc ? v : acc);
                        }
                    }
                    if (average && count > 0) {
                        /* round half away from zero, with C's truncating division */
                        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    }
                    tml__pool_store(output, out + c, tml_clamp_i32(acc, p->act_min, p->act_max), wide);
                }
            }
        }
    }
}

static inline void tml_average_pool_s8_ref(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
    tml__pool_int(p, input, output, 0, 1);
}

static inline void tml_max_pool_s8_ref(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
    tml__pool_int(p, input, output, 0, 0);
}

/* int16 (tml_pool_s16_params): the same arithmetic on 16-bit values, the only path. */
static inline void tml_average_pool_s16(const tml_pool_s16_params *p, const int16_t *input, int16_t *output)
{
    tml__pool_int(p, input, output, 1, 1);
}

static inline void tml_max_pool_s16(const tml_pool_s16_params *p, const int16_t *input, int16_t *output)
{
    tml__pool_int(p, input, output, 1, 0);
}

static inline void tml_average_pool_f32_ref(const tml_pool_f32_params *p, const float *input, float *output)
{
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * p->depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->depth;
                int32_t y0, y1, x0, x1, count;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
                for (c = 0; c < p->depth; c++) {
                    float acc = 0.0f;
                    for (fy = y0; fy < y1; fy++) {
                        for (fx = x0; fx < x1; fx++) {
                            acc += in_b[((iy0 + fy) * p->input_width + ix0 + fx) * p->depth + c];
                        }
                    }
                    out[c] = tml_clamp_f32(count > 0 ? acc / (float)count : 0.0f, p->act_min, p->act_max);
                }
            }
        }
    }
}

static inline void tml_max_pool_f32_ref(const tml_pool_f32_params *p, const float *input, float *output)
{
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * p->depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->depth;
                int32_t y0, y1, x0, x1;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                for (c = 0; c < p->depth; c++) {
                    float mx = -3.40282347e+38f; /* lowest float */
                    for (fy = y0; fy < y1; fy++) {
                        for (fx = x0; fx < x1; fx++) {
                            const float v = in_b[((iy0 + fy) * p->input_width + ix0 + fx) * p->depth + c];
                            mx = v > mx ? v : mx;
                        }
                    }
                    out[c] = tml_clamp_f32(mx, p->act_min, p->act_max);
                }
            }
        }
    }
}

#endif /* TINYML_REF_POOL_H */

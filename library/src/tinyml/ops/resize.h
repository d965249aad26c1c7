/*
 * Spatial rearrangements and resizes of 4-D NHWC tensors: SPACE_TO_DEPTH, DEPTH_TO_SPACE,
 * RESIZE_NEAREST_NEIGHBOR, RESIZE_BILINEAR. Every kernel takes (params, input, output); the output
 * never overlaps the input. No kernel requantizes: values are copied or interpolated as they are,
 * as TensorFlow Lite Micro does.
 *
 * SPACE_TO_DEPTH (block b): output[n, y, x, (dy * b + dx) * C + c] = input[n, y * b + dy, x * b + dx, c].
 * DEPTH_TO_SPACE (block b): output[n, y, x, c] = input[n, y / b, x / b, ((y % b) * b + x % b) * C' + c]
 *   with C' = in_c / b^2. Both: int8 and float32 (any 1- or 4-byte type).
 *
 * RESIZE_NEAREST_NEIGHBOR: output[n, y, x, :] = input[n, y_index[y], x_index[x], :]; the generator
 *   computes the source indices as TFLM does (float32 scale, align_corners, half_pixel_centers).
 *   int8, int16 and float32.
 *
 * RESIZE_BILINEAR: the generator tabulates, per output row and column, the lower and upper source
 *   index and the interpolation weight of the upper one.
 *   float32, tables y_tab = [lower[out_h], upper[out_h]] (x_tab likewise) and y_frac / x_frac:
 *     out = a * (1 - fy) * (1 - fx) + b * fy * (1 - fx) + c * (1 - fy) * fx + d * fy * fx
 *     (a = (lower y, lower x), b = (upper y, lower x), c = (lower y, upper x), d = (upper y, upper x)),
 *     evaluated in float32 in exactly that order, as TFLM's reference.
 *   int8, TFLM's ResizeBilinearInteger: y_tab = [lower[out_h], upper[out_h], wy[out_h]] where wy
 *     is the upper row's weight out of 1024 (negative near the first row with half_pixel_centers,
 *     as TFLM computes it), x_tab likewise:
 *     s = a (1024 - wy)(1024 - wx) + b wy (1024 - wx) + c (1024 - wy) wx + d wy wx,
 *     out = (s + (s > 0 ? 2^19 : -2^19)) / 2^20, the division truncating (round half away from 0).
 *     The weights stay within [-512, 1536], so s fits int32.
 */
#ifndef TINYML_OPS_RESIZE_H
#define TINYML_OPS_RESIZE_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t in_h;
    int32_t in_w;
    int32_t in_c;  /* input depth */
    int32_t block; /* block_size */
} tml_space_to_depth_params;

typedef tml_space_to_depth_params tml_depth_to_space_params;

typedef struct {
    int32_t batches;
    int32_t in_h;
    int32_t in_w;
    int32_t depth;
    int32_t out_h;
    int32_t out_w;
    const int32_t *y_index; /* [out_h] source row of each output row */
    const int32_t *x_index; /* [out_w] source column of each output column */
} tml_resize_nearest_params;

typedef struct {
    int32_t batches;
    int32_t in_h;
    int32_t in_w;
    int32_t depth;
    int32_t out_h;
    int32_t out_w;
    const int32_t *y_tab; /* [3 * out_h]: lower rows, upper rows, upper weights (of 1024) */
    const int32_t *x_tab; /* [3 * out_w]: the same for columns */
} tml_resize_bilinear_s8_params;

typedef struct {
    int32_t batches;
    int32_t in_h;
    int32_t in_w;
    int32_t depth;
    int32_t out_h;
    int32_t out_w;
    const int32_t *y_tab; /* [2 * out_h]: lower rows, upper rows */
    const int32_t *x_tab; /* [2 * out_w] */
    const float *y_frac;  /* [out_h] weight of the upper row */
    const float *x_frac;  /* [out_w] */
} tml_resize_bilinear_f32_params;

/** Scratch bytes the int8 bilinear resize may use (one input row of int32 sums). */
static inline uint32_t tml_resize_bilinear_s8_get_buffer_size(const tml_resize_bilinear_s8_params *p)
{
    return (uint32_t)p->in_w * (uint32_t)p->depth * (uint32_t)sizeof(int32_t);
}

/* The kernels: the reference always, the Armv7E-M path where the compiler provides it. */
#include "../ref/resize.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/resize.h"
#endif

/* ------------------------------------------------------------ dispatch */

static inline void tml_space_to_depth_s8(const tml_space_to_depth_params *p, const int8_t *in, int8_t *out)
{
    tml_space_to_depth_ref(p, in, out, 1);
}

static inline void tml_space_to_depth_f32(const tml_space_to_depth_params *p, const float *in, float *out)
{
    tml_space_to_depth_ref(p, in, out, 4);
}

static inline void tml_depth_to_space_s8(const tml_depth_to_space_params *p, const int8_t *in, int8_t *out)
{
    tml_depth_to_space_ref(p, in, out, 1);
}

static inline void tml_depth_to_space_f32(const tml_depth_to_space_params *p, const float *in, float *out)
{
    tml_depth_to_space_ref(p, in, out, 4);
}

static inline void tml_resize_nearest_s8(const tml_resize_nearest_params *p, const int8_t *in, int8_t *out)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__resize_nearest_s8_dsp(p, in, out);
#else
    tml_resize_nearest_ref(p, in, out, 1);
#endif
}

static inline void tml_resize_nearest_s16(const tml_resize_nearest_params *p, const int16_t *in, int16_t *out)
{
    tml_resize_nearest_ref(p, in, out, 2);
}

static inline void tml_resize_nearest_f32(const tml_resize_nearest_params *p, const float *in, float *out)
{
    tml_resize_nearest_ref(p, in, out, 4);
}

/** scratch: NULL, or tml_resize_bilinear_s8_get_buffer_size() bytes the Armv7E-M path uses to go faster
 *  (the reference ignores it). */
static inline void tml_resize_bilinear_s8(const tml_resize_bilinear_s8_params *p, const int8_t *in, int8_t *out,
                                          void *scratch)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__resize_bilinear_s8_dsp(p, in, out, scratch);
#else
    (void)scratch;
    tml_resize_bilinear_s8_ref(p, in, out);
#endif
}

static inline void tml_resize_bilinear_f32(const tml_resize_bilinear_f32_params *p, const float *in, float *out)
{
    tml_resize_bilinear_f32_ref(p, in, out);
}

#endif /* TINYML_OPS_RESIZE_H */

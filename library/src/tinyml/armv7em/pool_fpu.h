/*
 * MAX_POOL_2D float32 with the single-precision FPU (Cortex-M4F and up): eight channels in registers,
 * the reference's results bit for bit. Included by ops/pool.h when TML_ARCH_ARM_FPU is defined.
 */
#ifndef TINYML_ARMV7EM_POOL_FPU_H
#define TINYML_ARMV7EM_POOL_FPU_H

/* FPU: the reference's comparisons in its order (v > mx, from -FLT_MAX: NaN and -inf never win, -0.0
 * and +0.0 keep the first), eight channels at a time in registers while the window's taps stream by
 * (pointer steps instead of an index per tap); the clamp as tml__clamp_f32_fpu does it. */
TML_ALWAYS_INLINE float tml__max_f32_fpu(float mx, float v)
{
    __asm__("vcmp.f32 %1, %0\n\t"
            "vmrs APSR_nzcv, fpscr\n\t"
            "it gt\n\t"
            "vmovgt.f32 %0, %1"
            : "+t"(mx)
            : "t"(v)
            : "cc");
    return mx;
}

TML_HOT_FLOAT TML_NOINLINE static void tml__max_pool_f32_fpu(const tml_pool_f32_params *p, const float *input,
                                                             float *output)
{
    TML_FP_EXACT
    const int32_t depth = p->depth, row = p->input_width * depth;
    const float lo = p->act_min, hi = p->act_max;
    int32_t b, oy, ox, c, fy, fx, k;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * row;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++, output += depth) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int32_t y0, y1, x0, x1;
                const float *win;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                win = in_b + (iy0 + y0) * row + (ix0 + x0) * depth;
                for (c = 0; c < depth; c += 8) {
                    const int32_t n = depth - c < 8 ? depth - c : 8;
                    float mx[8];
                    for (k = 0; k < 8; k++) mx[k] = -3.40282347e+38f;
                    for (fy = y0; fy < y1; fy++) {
                        const float *r = win + (fy - y0) * row + c;
                        for (fx = x0; fx < x1; fx++, r += depth) {
                            if (n == 8) {
                                mx[0] = tml__max_f32_fpu(mx[0], r[0]);
                                mx[1] = tml__max_f32_fpu(mx[1], r[1]);
                                mx[2] = tml__max_f32_fpu(mx[2], r[2]);
                                mx[3] = tml__max_f32_fpu(mx[3], r[3]);
                                mx[4] = tml__max_f32_fpu(mx[4], r[4]);
                                mx[5] = tml__max_f32_fpu(mx[5], r[5]);
                                mx[6] = tml__max_f32_fpu(mx[6], r[6]);
                                mx[7] = tml__max_f32_fpu(mx[7], r[7]);
                            } else {
                                for (k = 0; k < n; k++) mx[k] = tml__max_f32_fpu(mx[k], r[k]);
                            }
                        }
                    }
                    for (k = 0; k < n; k++) output[c + k] = tml_clamp_f32(mx[k], lo, hi);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_POOL_FPU_H */

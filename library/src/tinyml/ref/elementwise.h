/*
 * Reference kernels of ADD and MUL (int8, int16, float32, int32) and the broadcast iteration they and the
 * optimized paths share: portable C, always compiled. Included by ops/elementwise.h (after tml_common.h
 * and the params structs).
 */
#ifndef TINYML_REF_ELEMENTWISE_H
#define TINYML_REF_ELEMENTWISE_H

/* ------------------------------------------------------------ broadcast iteration */

/** Position of the current row (all dims but the innermost) in both inputs. */
typedef struct {
    int32_t idx[TML_MAX_DIMS];
    int32_t off1;
    int32_t off2;
} tml_bcast_iter;

static inline void tml_bcast_begin(tml_bcast_iter *it)
{
    memset(it, 0, sizeof(*it));
}

/** Step to the next row; returns 0 after the last one. */
static inline int tml_bcast_next_row(const int32_t *bcast, int32_t rank, tml_bcast_iter *it)
{
    const int32_t *dims = bcast;
    const int32_t *s1 = bcast + rank;
    const int32_t *s2 = bcast + 2 * rank;
    int32_t d;
    for (d = rank - 2; d >= 0; d--) {
        if (++it->idx[d] < dims[d]) {
            it->off1 += s1[d];
            it->off2 += s2[d];
            return 1;
        }
        it->off1 -= s1[d] * (dims[d] - 1);
        it->off2 -= s2[d] * (dims[d] - 1);
        it->idx[d] = 0;
    }
    return 0;
}

/* Drive a row function ROW(p, n, a, sa, b, sb, out) over the whole output. */
#define TML_BINARY_DRIVE(ROW, p, in1, in2, out)                                              \
    do {                                                                                     \
        if ((p)->bcast_rank == 0) {                                                          \
            ROW((p), (p)->size, (in1), 1, (in2), 1, (out));                                  \
        } else {                                                                             \
            const int32_t r_ = (p)->bcast_rank;                                              \
            const int32_t n_ = (p)->bcast[r_ - 1];                                           \
            const int32_t sa_ = (p)->bcast[2 * r_ - 1];                                      \
            const int32_t sb_ = (p)->bcast[3 * r_ - 1];                                      \
            int32_t o_ = 0;                                                                  \
            tml_bcast_iter it_;                                                              \
            tml_bcast_begin(&it_);                                                           \
            do {                                                                             \
                ROW((p), n_, (in1) + it_.off1, sa_, (in2) + it_.off2, sb_, (out) + o_);      \
                o_ += n_;                                                                    \
            } while (tml_bcast_next_row((p)->bcast, r_, &it_));                              \
        }                                                                                    \
    } while (0)

/* ------------------------------------------------------------ ADD */

static inline int32_t tml_add_q_one(const tml_add_s8_params *p, int32_t a, int32_t b)
{
    const int32_t x1 = (int32_t)((uint32_t)(a + p->input1_offset) << p->left_shift);
    const int32_t x2 = (int32_t)((uint32_t)(b + p->input2_offset) << p->left_shift);
    const int32_t s1 = tml_mul_by_quantized_mul(x1, p->input1_multiplier, p->input1_shift);
    const int32_t s2 = tml_mul_by_quantized_mul(x2, p->input2_multiplier, p->input2_shift);
    const int32_t r = tml_mul_by_quantized_mul(s1 + s2, p->output_multiplier, p->output_shift) + p->output_offset;
    return tml_clamp_i32(r, p->act_min, p->act_max);
}

static inline void tml_add_s8_row(const tml_add_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                  const int8_t *b, int32_t sb, int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_add_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_add_s16_row(const tml_add_s16_params *p, int32_t n, const int16_t *a, int32_t sa,
                                   const int16_t *b, int32_t sb, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int16_t)tml_add_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_add_f32_row(const tml_add_f32_params *p, int32_t n, const float *a, int32_t sa,
                                   const float *b, int32_t sb, float *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_f32(a[i * sa] + b[i * sb], p->act_min, p->act_max);
    }
}

static inline void tml_add_i32_row(const tml_add_i32_params *p, int32_t n, const int32_t *a, int32_t sa,
                                   const int32_t *b, int32_t sb, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const int32_t v = (int32_t)((uint32_t)a[i * sa] + (uint32_t)b[i * sb]);
        out[i] = tml_clamp_i32(v, p->act_min, p->act_max);
    }
}

static inline void tml_add_s8_ref(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml_add_s8_row, p, in1, in2, out);
}

static inline void tml_add_s16_ref(const tml_add_s16_params *p, const int16_t *in1, const int16_t *in2,
                                   int16_t *out)
{
    TML_BINARY_DRIVE(tml_add_s16_row, p, in1, in2, out);
}

static inline void tml_add_f32_ref(const tml_add_f32_params *p, const float *in1, const float *in2, float *out)
{
    TML_BINARY_DRIVE(tml_add_f32_row, p, in1, in2, out);
}

static inline void tml_add_i32_ref(const tml_add_i32_params *p, const int32_t *in1, const int32_t *in2,
                                   int32_t *out)
{
    TML_BINARY_DRIVE(tml_add_i32_row, p, in1, in2, out);
}

/* ------------------------------------------------------------ MUL */

static inline int32_t tml_mul_q_one(const tml_mul_s8_params *p, int32_t a, int32_t b)
{
    const int32_t prod = (a + p->input1_offset) * (b + p->input2_offset);
    const int32_t r = tml_mul_by_quantized_mul(prod, p->output_multiplier, p->output_shift) + p->output_offset;
    return tml_clamp_i32(r, p->act_min, p->act_max);
}

static inline void tml_mul_s8_row(const tml_mul_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                  const int8_t *b, int32_t sb, int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_mul_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_mul_s16_row(const tml_mul_s16_params *p, int32_t n, const int16_t *a, int32_t sa,
                                   const int16_t *b, int32_t sb, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int16_t)tml_mul_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_mul_f32_row(const tml_mul_f32_params *p, int32_t n, const float *a, int32_t sa,
                                   const float *b, int32_t sb, float *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_f32(a[i * sa] * b[i * sb], p->act_min, p->act_max);
    }
}

static inline void tml_mul_i32_row(const tml_mul_i32_params *p, int32_t n, const int32_t *a, int32_t sa,
                                   const int32_t *b, int32_t sb, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const int32_t v = (int32_t)((uint32_t)a[i * sa] * (uint32_t)b[i * sb]);
        out[i] = tml_clamp_i32(v, p->act_min, p->act_max);
    }
}

static inline void tml_mul_s8_ref(const tml_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml_mul_s8_row, p, in1, in2, out);
}

static inline void tml_mul_s16_ref(const tml_mul_s16_params *p, const int16_t *in1, const int16_t *in2,
                                   int16_t *out)
{
    TML_BINARY_DRIVE(tml_mul_s16_row, p, in1, in2, out);
}

static inline void tml_mul_f32_ref(const tml_mul_f32_params *p, const float *in1, const float *in2, float *out)
{
    TML_BINARY_DRIVE(tml_mul_f32_row, p, in1, in2, out);
}

static inline void tml_mul_i32_ref(const tml_mul_i32_params *p, const int32_t *in1, const int32_t *in2,
                                   int32_t *out)
{
    TML_BINARY_DRIVE(tml_mul_i32_row, p, in1, in2, out);
}

#endif /* TINYML_REF_ELEMENTWISE_H */

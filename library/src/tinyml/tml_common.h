/*
 * platformio-tinyml kernel library: common definitions.
 *
 * This is the one header that looks at compiler macros. Kernels test only the
 * TML_* macros defined here:
 *   TML_ARCH_ARM_DSP   Armv7E-M DSP extension (Cortex-M4/M7/M33 with DSP)
 *   TML_ARCH_XTENSA    Xtensa cores (ESP32)
 *   TML_ARCH_ARC       Synopsys ARC (EM9D)
 *   TML_ARCH_REFERENCE none of the above, or TML_FORCE_REFERENCE defined
 *   TML_ARCH_ARM_FPU   single-precision FPU instructions available (float kernels), any of the above
 *   TML_ARCH_SCALAR    Xtensa or ARC: the optimized portable C paths
 *   TML_ARCH_ARM_ASM   TML_ARCH_ARM_DSP with GCC or clang in Thumb-2: the naked-asm packed kernels
 * Define TML_FORCE_REFERENCE to use the portable reference path everywhere.
 *
 * Everything is C99, header-only (static inline), no heap, no libc beyond
 * <stdint.h>, <stddef.h>, <string.h> and (for float kernels) <math.h>.
 */
#ifndef TINYML_TML_COMMON_H
#define TINYML_TML_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ architecture */
#if defined(TML_FORCE_REFERENCE)
#define TML_ARCH_REFERENCE 1
#elif defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
#define TML_ARCH_ARM_DSP 1
#elif defined(__XTENSA__) || defined(__xtensa__)
#define TML_ARCH_XTENSA 1
#elif defined(__arc__) || defined(__ARC__) || defined(__CCAC__)
#define TML_ARCH_ARC 1
#else
#define TML_ARCH_REFERENCE 1
#endif

#if defined(TML_ARCH_XTENSA) || defined(TML_ARCH_ARC)
#define TML_ARCH_SCALAR 1
#endif

/* Single-precision FPU instructions (Cortex-M4F with -mfloat-abi=hard or softfp; not with soft). */
#if !defined(TML_FORCE_REFERENCE) && defined(__ARM_FP) && (__ARM_FP & 4)
#define TML_ARCH_ARM_FPU 1
#endif

/* The generated code names the constants it packed for the Cortex-M4 kernels (fully_connected.h)
 * through these: the array where those kernels are built, NULL elsewhere, so other images (a
 * TML_FORCE_REFERENCE build, another core) drop it. */
#if defined(TML_ARCH_ARM_DSP) && defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
#define TML_ARCH_ARM_ASM 1 /* the naked-asm kernels over the generator's packed streams (armv7em/\*_packed.h) */
#define TML_PACKED_DSP(a) (a)
#if defined(TML_ARCH_ARM_FPU)
#define TML_PACKED_FPU(a) (a)
#endif
#endif
#ifndef TML_PACKED_DSP
#define TML_PACKED_DSP(a) NULL
#endif
#ifndef TML_PACKED_FPU
#define TML_PACKED_FPU(a) NULL
#endif


/* Inner loops of the optimized paths: GCC at -Os keeps indexes and spills pointers there; -O2 does not.
 * Float kernels: every a * b + c rounds the product, as TFLM's reference does on the host (no fused
 * multiply-add; on a Cortex-M4 also the cheaper choice, VMUL + VADD take 2 cycles, VFMA 3):
 * TML_FLOAT (or TML_HOT_FLOAT) on the function and TML_FP_EXACT first in its body. GCC does not inline
 * functions with different optimize attributes into each other, so a float kernel's helpers carry
 * TML_FLOAT too (or are always_inline). */
#if defined(__GNUC__) && !defined(__clang__)
#define TML_HOT __attribute__((optimize("O2", "no-schedule-insns")))
#define TML_HOT_FLOAT __attribute__((optimize("O2", "no-schedule-insns", "fp-contract=off")))
#define TML_FLOAT __attribute__((optimize("fp-contract=off")))
#else
#define TML_HOT
#define TML_HOT_FLOAT
#define TML_FLOAT
#endif
#if defined(__clang__)
#define TML_FP_EXACT _Pragma("clang fp contract(off)")
#else
#define TML_FP_EXACT
#endif

#if defined(__GNUC__) || defined(__clang__)
/* Small helpers of inner loops: inlined even at -Os (a call costs more than their body). */
#define TML_ALWAYS_INLINE static inline __attribute__((always_inline))
#define TML_ALIGNED(n) __attribute__((aligned(n)))
#define TML_UNUSED __attribute__((unused))
/* Helpers with loops of their own: one copy, with the registers to themselves. */
#define TML_NOINLINE __attribute__((noinline))
#else
#define TML_ALWAYS_INLINE static inline
#define TML_NOINLINE
#define TML_ALIGNED(n)
#define TML_UNUSED
#endif

/* An asm statement may take 14 registers: not at -O0 (spills and the frame pointer take them), and not
 * with clang (it keeps r7 as Thumb's frame pointer; its register allocator gives up on, or crashes in,
 * such loops). Where not, the kernels use the same sums in C. */
#if defined(__OPTIMIZE__) && !defined(__clang__)
#define TML_ASM_14_REGS 1
#endif

#define TML_MAX_DIMS 6

/* ------------------------------------------------------------ types */
typedef enum {
    TML_FLOAT32 = 0,
    TML_INT8 = 1,
    TML_UINT8 = 2,
    TML_INT16 = 3,
    TML_INT32 = 4,
    TML_INT64 = 5,
    TML_BOOL = 6,
    TML_UINT16 = 7,
    TML_UINT32 = 8,
    TML_UINT64 = 9
} tml_dtype;

typedef enum {
    TML_OK = 0,
    TML_ERROR = 1
} tml_status;

/** Shape and quantization of one model input or output. */
typedef struct {
    const char *name;
    tml_dtype dtype;
    int32_t rank;
    int32_t dims[TML_MAX_DIMS];
    uint32_t count;     /* number of elements */
    uint32_t bytes;     /* count * element size */
    float scale;        /* 0 when not quantized */
    int32_t zero_point;
} tml_tensor_info;

/** Everything generic code needs to drive a generated model. */
typedef struct {
    const char *name;
    const char *sha256;             /* of the .tflite file it was generated from */
    int32_t input_count;
    int32_t output_count;
    const tml_tensor_info *inputs;
    const tml_tensor_info *outputs;
    uint32_t arena_bytes;
    int (*invoke)(void);
    void *(*input)(int index);
    void *(*output)(int index);
    void (*reset)(void);
} tml_model;

/* ------------------------------------------------------------ fixed-point math
 * The gemmlowp/TFLite Micro primitives, bit-exact with TFLM's reference kernels. */

/* gemmlowp's SaturatingRoundingDoublingHighMul: (a * b + nudge) / 2^31 truncated, with nudge = 2^30
 * for a * b >= 0 and 1 - 2^30 otherwise. For a negative product, truncating is (v + 2^31 - 1) >> 31, so
 * both cases are (a * b + 2^30) >> 31: one 64-bit multiply-add and a shift, no division.
 * (tests/kernels/fixedpoint.c checks this against the definition.) */
TML_ALWAYS_INLINE int32_t tml_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

TML_ALWAYS_INLINE int32_t tml_rounding_divide_by_pot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite's MultiplyByQuantizedMultiplier (double rounding), shift > 0 is a left shift. */
TML_ALWAYS_INLINE int32_t tml_mul_by_quantized_mul(int32_t x, int32_t multiplier, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    return tml_rounding_divide_by_pot(
        tml_sat_rounding_doubling_high_mul((int32_t)((uint32_t)x << left), multiplier), right);
}

/** The pieces of tml_mul_by_quantized_mul for a right shift r >= 1, without its branches (TFLM's double
 *  rounding, bit-exact for a multiplier in [0, 2^31); checked by tests/kernels/fixedpoint.c through
 *  the convolutions' requantization): the doubling high multiply rounded half up, one SMLAL ... */
TML_ALWAYS_INLINE int32_t tml__srdhm_up(int32_t x, int32_t multiplier)
{
    return (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31);
}

/** ... then the rounding division by 2^r, half away from zero, as floor((y - (y < 0)) / 2^(r-1)), plus
 *  off2, halved: off2 = 1, or 2 * zero point + 1 to add a zero point in the same halving. */
TML_ALWAYS_INLINE int32_t tml__rdbpot_r1(int32_t y, int32_t r_minus_1, int32_t off2)
{
    return (((y + (y >> 31)) >> r_minus_1) + off2) >> 1;
}

/** MultiplyByQuantizedMultiplier for a 64-bit accumulator (TFLM's int16x8 kernels). */
static inline int32_t tml_mul_by_quantized_mul_64(int64_t x, int32_t multiplier, int shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    const int total_shift = 15 - shift;
    const int64_t round = (int64_t)1 << (total_shift - 1);
    int64_t result = x * (int64_t)reduced + round;
    result = result >> total_shift;
    return (int32_t)result;
}

TML_ALWAYS_INLINE int32_t tml_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/** Requantization parameters of an int8 kernel, copied into a local once per call: stores to the
 *  int8 output may alias anything, so fields read through the kernel's params pointer would be
 *  reloaded after every output byte. */
typedef struct {
    const int32_t *per_channel_multiplier; /* or NULL: the per-tensor ones */
    const int32_t *per_channel_shift;
    int32_t multiplier;
    int32_t shift;
    int32_t output_offset;
    int32_t act_min;
    int32_t act_max;
} tml_requant_params;

/** The requantization fields of any int8 kernel's params struct (they share the names). */
#define TML_REQUANT_OF(p)                                                                                       \
    {(p)->per_channel_multiplier, (p)->per_channel_shift, (p)->output_multiplier, (p)->output_shift,            \
     (p)->output_offset, (p)->act_min, (p)->act_max}

/** tml_mul_by_quantized_mul for a requantization multiplier (in [0, 2^31), as quantize_multiplier
 *  makes them) with its shift already split: the doubling high multiply cannot saturate then, so
 *  it is one 64-bit multiply-add and a shift, and the rounding division needs no branch. */
TML_ALWAYS_INLINE int32_t tml_requant_core(int32_t x, int32_t multiplier, int32_t left, int32_t right)
{
    const int32_t mask = (int32_t)((1u << right) - 1u);
    int32_t remainder, threshold;
    x = (int32_t)((uint32_t)x << left);
    x = (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31);
    remainder = x & mask;
    threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> right) + (remainder > threshold ? 1 : 0);
}

/** An int32 accumulator of output channel oc as int8: TFLM's requantization with the per-channel
 *  multiplier and shift (or the per-tensor ones), plus the output zero point, clamped to the
 *  activation range. */
TML_ALWAYS_INLINE int8_t tml_requant_s8(const tml_requant_params *rq, int32_t acc, int32_t oc)
{
    int32_t multiplier = rq->multiplier, shift = rq->shift, left;
    if (rq->per_channel_multiplier) {
        multiplier = rq->per_channel_multiplier[oc];
        shift = rq->per_channel_shift[oc];
    }
    left = shift > 0 ? shift : 0;
    acc = tml_requant_core(acc, multiplier, left, left - shift) + rq->output_offset;
    return (int8_t)tml_clamp_i32(acc, rq->act_min, rq->act_max);
}

/** tml_requant_s8 with the channel's multiplier and shift already at hand (kernels that requantize
 *  several outputs of one channel read them once: int8 stores may alias the arrays, so the compiler
 *  would read them again after every store). */
TML_ALWAYS_INLINE int8_t tml_requant_s8_ms(const tml_requant_params *rq, int32_t acc, int32_t multiplier,
                                           int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    acc = tml_requant_core(acc, multiplier, left, left - shift) + rq->output_offset;
    return (int8_t)tml_clamp_i32(acc, rq->act_min, rq->act_max);
}

/** An int16x8 accumulator of output channel oc as int16 (zero point 0): TFLM's 64-bit requantization
 *  (acc64, the kernels with an int64 bias) or its 32-bit one (an int32 bias or none), clamped. */
TML_ALWAYS_INLINE int16_t tml_requant_s16(const tml_requant_params *rq, int64_t acc, int32_t oc, int32_t acc64)
{
    int32_t multiplier = rq->multiplier, shift = rq->shift, v;
    if (rq->per_channel_multiplier) {
        multiplier = rq->per_channel_multiplier[oc];
        shift = rq->per_channel_shift[oc];
    }
    v = acc64 ? tml_mul_by_quantized_mul_64(acc, multiplier, shift)
              : tml_mul_by_quantized_mul((int32_t)acc, multiplier, shift);
    return (int16_t)tml_clamp_i32(v + rq->output_offset, rq->act_min, rq->act_max);
}

/** Bias element oc of an int16x8 kernel: int64 when acc64, else int32 (or no bias: 0). */
TML_ALWAYS_INLINE int64_t tml_bias_s16(const void *bias, int32_t oc, int32_t acc64)
{
    if (!bias) {
        return 0;
    }
    return acc64 ? ((const int64_t *)bias)[oc] : (int64_t)((const int32_t *)bias)[oc];
}


TML_ALWAYS_INLINE float tml_clamp_f32(float x, float lo, float hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}


/* ------------------------------------------------------------ I/O helpers */

/** Quantize a real value for a quantized tensor (round half away from zero, saturate). */
/** float -> int32 truncated toward zero, saturated, NaN -> 0 (a plain cast is undefined for those). */
static inline int32_t tml_f32_to_i32(float v)
{
    if (v >= 2147483648.0f) {
        return INT32_MAX;
    }
    if (v < -2147483648.0f) {
        return INT32_MIN;
    }
    return v == v ? (int32_t)v : 0;
}

/** x as the tensor's integer type: NaN gives the zero point, +-inf the type's limits. */
static inline int32_t tml_quantize(const tml_tensor_info *t, float x)
{
    float v = x / t->scale;
    int32_t lo, hi, q;
    v = v >= 0.0f ? v + 0.5f : v - 0.5f;
    switch (t->dtype) {
    case TML_INT8: lo = -128; hi = 127; break;
    case TML_UINT8: lo = 0; hi = 255; break;
    case TML_INT16: lo = -32768; hi = 32767; break;
    default: lo = INT32_MIN; hi = INT32_MAX; break;
    }
    q = tml_f32_to_i32(v);
    q = (q > hi - t->zero_point) ? hi : (q < lo - t->zero_point ? lo : q + t->zero_point);
    return q;
}

static inline float tml_dequantize(const tml_tensor_info *t, int32_t q)
{
    return t->scale * (float)(q - t->zero_point);
}

/** Write n real values into a tensor buffer of any dtype (quantizing if needed). */
static inline void tml_write_f32(const tml_tensor_info *t, void *buf, const float *x, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n && i < t->count; i++) {
        switch (t->dtype) {
        case TML_FLOAT32: ((float *)buf)[i] = x[i]; break;
        case TML_INT8: ((int8_t *)buf)[i] = (int8_t)tml_quantize(t, x[i]); break;
        case TML_UINT8: ((uint8_t *)buf)[i] = (uint8_t)tml_quantize(t, x[i]); break;
        case TML_INT16: ((int16_t *)buf)[i] = (int16_t)tml_quantize(t, x[i]); break;
        case TML_INT32: ((int32_t *)buf)[i] = t->scale != 0.0f ? tml_quantize(t, x[i]) : tml_f32_to_i32(x[i]); break;
        default: break;
        }
    }
}

/** Element i of a tensor buffer of any dtype as a real value (dequantized if quantized). */
static inline float tml_read_one_f32(const tml_tensor_info *t, const void *buf, uint32_t i)
{
    int32_t q;
    switch (t->dtype) {
    case TML_FLOAT32: return ((const float *)buf)[i];
    case TML_INT8: q = ((const int8_t *)buf)[i]; break;
    case TML_UINT8: q = ((const uint8_t *)buf)[i]; break;
    case TML_INT16: q = ((const int16_t *)buf)[i]; break;
    case TML_INT32: q = ((const int32_t *)buf)[i]; break;
    default: q = 0; break;
    }
    return t->scale != 0.0f ? tml_dequantize(t, q) : (float)q;
}

/** Read n real values from a tensor buffer of any dtype (dequantizing if needed). */
static inline void tml_read_f32(const tml_tensor_info *t, const void *buf, float *x, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n && i < t->count; i++) {
        x[i] = tml_read_one_f32(t, buf, i);
    }
}

/** Index of the largest element (the first of equal ones): the class a classifier picked. */
static inline int tml_argmax(const tml_tensor_info *t, const void *buf)
{
    uint32_t i, best = 0;
    float best_value = t->count > 0 ? tml_read_one_f32(t, buf, 0) : 0.0f;
    for (i = 1; i < t->count; i++) {
        float v = tml_read_one_f32(t, buf, i);
        if (v > best_value) {
            best_value = v;
            best = i;
        }
    }
    return (int)best;
}

/* ------------------------------------------------------------ helpers shared by one path's kernels */
#if defined(TML_ARCH_ARM_DSP)
#include "armv7em/common.h"
#endif
#if defined(TML_ARCH_SCALAR)
#include "scalar/common.h"
#endif

#ifdef __cplusplus
}
#endif

#endif /* TINYML_TML_COMMON_H */

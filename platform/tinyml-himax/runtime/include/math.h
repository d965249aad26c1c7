/* <math.h> of the tinyml-himax runtime: the single-precision functions the kernels and examples use.
 * The core has a single-precision FPU; `double` arithmetic runs in the runtime's software helpers
 * (softfloat.c), so prefer float. Functions not declared here are not provided. */
#ifndef HIMAX_MATH_H
#define HIMAX_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

/* classification: GCC's built-ins (on a double they call the runtime's comparisons) */
#define isfinite(x) __builtin_isfinite(x)
#define isinf(x) __builtin_isinf(x)
#define isnan(x) __builtin_isnan(x)
#define signbit(x) __builtin_signbit(x)
#define INFINITY (__builtin_inff())
#define HUGE_VAL (__builtin_huge_val())
#define HUGE_VALF (__builtin_huge_valf())
#define NAN (__builtin_nanf(""))

#define M_PI 3.14159265358979323846
#define M_PI_2 1.57079632679489661923
#define M_LN2 0.69314718055994530942
#define M_E 2.7182818284590452354

float fabsf(float x);
float floorf(float x);
float ceilf(float x);
float roundf(float x);   /* halves away from zero */
float truncf(float x);
float sqrtf(float x);    /* correctly rounded */
float fminf(float a, float b);
float fmaxf(float a, float b);
float sinf(float x);     /* these four: within 1 ulp (sinf/cosf: |x| < 1.6e6) */
float cosf(float x);
float expf(float x);
float tanhf(float x);

#ifdef __cplusplus
}
#endif

#endif

/* <math.h> declarations for the bare-metal Xtensa test programs. No definitions: the integer programs
 * built here must not call them (a float kernel that got linked in fails at link time, by design). */
#ifndef XT_MATH_H
#define XT_MATH_H

#define INFINITY (__builtin_inff())
#define NAN (__builtin_nanf(""))
#define HUGE_VALF (__builtin_huge_valf())
#define HUGE_VAL (__builtin_huge_val())
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)

float expf(float x);
float expm1f(float x);
float logf(float x);
float tanhf(float x);
float roundf(float x);
float floorf(float x);
float ceilf(float x);
float fabsf(float x);
float sqrtf(float x);
float fmaxf(float a, float b);
float fminf(float a, float b);
long lrintf(float x);
float frexpf(float x, int *e);
float ldexpf(float x, int e);
double exp(double x);
double log(double x);
double tanh(double x);
double round(double x);
double floor(double x);
double ceil(double x);
double fabs(double x);
double sqrt(double x);
double frexp(double x, int *e);
double ldexp(double x, int e);

#endif

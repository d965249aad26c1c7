/* The few <math.h> declarations the kernel library uses, for cross-compile checks with a compiler
 * that ships no C library (Debian's xtensa-lx106-elf-gcc). Not used in firmware builds. */
#ifndef TINYML_CROSS_MATH_H
#define TINYML_CROSS_MATH_H
#ifdef __cplusplus
extern "C" {
#endif
float expf(float x);
float sinf(float x);
float tanhf(float x);
float roundf(float x);
float fabsf(float x);
float logf(float x);
float sqrtf(float x);
float expm1f(float x);
double exp(double x);
double ceil(double x);
double tanh(double x);
double log(double x);
double sqrt(double x);
double floor(double x);
double round(double x);
#ifdef __cplusplus
}
#endif
#endif

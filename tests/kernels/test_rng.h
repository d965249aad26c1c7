/*
 * The kernel test programs' random numbers: a 32-bit LCG, the same sequence on every target.
 * Define TEST_RNG_SEED before including to pick the sequence.
 */
#ifndef TEST_RNG_H
#define TEST_RNG_H

#include <stdint.h>

static uint32_t rng_state = TEST_RNG_SEED;

static uint32_t rnd(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static int32_t between(int32_t lo, int32_t hi) /* inclusive */
{
    return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

#endif /* TEST_RNG_H */

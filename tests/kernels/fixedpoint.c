/*
 * The library's fixed-point primitives against their definitions (gemmlowp / TFLite), written here
 * the slow, literal way: SaturatingRoundingDoublingHighMul with its nudge and truncating division,
 * RoundingDivideByPOT with mask and threshold, and MultiplyByQuantizedMultiplier made of the two; the
 * kernels' split-shift requantization (tml_requant_core) against the latter. Edge values and a million
 * random cases each; built and run on the host and on the Cortex-M4 (tests/test_kernels_m4.py). Exits 1
 * on any difference.
 */
#include <stdio.h>
#include <string.h>

#include "tinyml.h"

static int32_t srdhm_definition(int32_t a, int32_t b)
{
    int64_t ab, nudge;
    if (a == b && a == INT32_MIN) return INT32_MAX;
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

static int32_t rdbpot_definition(int32_t x, int exponent)
{
    const int64_t mask = ((int64_t)1 << exponent) - 1;
    const int64_t remainder = (int64_t)x & mask;
    const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (int32_t)(((int64_t)x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* TFLite's MultiplyByQuantizedMultiplier (double rounding), literally */
static int32_t mbqm_definition(int32_t x, int32_t multiplier, int shift)
{
    const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    return rdbpot_definition(srdhm_definition((int32_t)((uint32_t)x << left), multiplier), right);
}

static uint32_t state = 987654321u;

static int32_t rnd32(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return (int32_t)state;
}

int main(void)
{
    static const int32_t edges[] = {0, 1, -1, 2, -2, 3, -3, 0x3fffffff, 0x40000000, -0x40000000, -0x40000001,
                                    0x7fffffff, -0x7fffffff, INT32_MIN, 0x12345678, -0x12345678, 1 << 15,
                                    -(1 << 15), 46341, -46341};
    const int n = (int)(sizeof edges / sizeof edges[0]);
    long checked = 0, bad = 0;
    int i, j;
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            checked++;
            bad += tml_sat_rounding_doubling_high_mul(edges[i], edges[j]) != srdhm_definition(edges[i], edges[j]);
        }
    }
    for (i = 0; i < 1000000; i++) {
        int32_t a = rnd32(), b = rnd32();
        if (i & 1) a >>= (i >> 1) % 31; /* small and large magnitudes */
        if (i & 2) b = (int32_t)(0x40000000u + ((uint32_t)b & 0x3fffffffu)); /* multipliers as generated */
        checked++;
        if (tml_sat_rounding_doubling_high_mul(a, b) != srdhm_definition(a, b)) {
            if (bad++ < 5) printf("differs: a=%ld b=%ld\n", (long)a, (long)b);
        }
    }
    for (i = 0; i < 1000000; i++) {
        int32_t x = rnd32(), m = (int32_t)(0x40000000u + ((uint32_t)rnd32() & 0x3fffffffu));
        const int shift = (int)((uint32_t)rnd32() % 39u) - 31; /* [-31, 7], as quantize_multiplier gives */
        const int left = shift > 0 ? shift : 0;
        if (i & 1) x >>= (i >> 1) % 31;
        if (i % 97 == 0) m = 0x7fffffff;
        if (i % 101 == 0) m = 0; /* a zero scale */
        checked++;
        if (tml_requant_core(x, m, left, left - shift) != mbqm_definition(x, m, shift)) {
            if (bad++ < 5) printf("requant differs: x=%ld m=%ld shift=%d\n", (long)x, (long)m, shift);
        }
    }
#if defined(TML_ARCH_ARM_DSP)
    /* the Cortex-M4 requantization (SMMLAR) where tml_requant_fast_of allows it, against tml_requant_s8:
     * accumulators of every magnitude up to the int32 limits, multipliers just above 2^30 and up to
     * 2^31 - 1, every right shift it takes and the ones next to them */
    for (i = 0; i < 1000000; i++) {
        tml_requant_params rq;
        tml_requant_fast f;
        int32_t acc = rnd32();
        if (i & 1) acc >>= (i >> 1) % 31;
        if (i % 89 == 0) acc = (i & 2) ? INT32_MAX - (i & 4) : INT32_MIN + (i & 4);
        memset(&rq, 0, sizeof rq);
        rq.multiplier = (int32_t)(0x40000000u + ((uint32_t)rnd32() & 0x3fffffffu));
        if (i % 97 == 0) rq.multiplier = 0x7fffffff;
        if (i % 101 == 0) rq.multiplier = 0x40000001;
        if (i % 103 == 0) rq.multiplier = 0x40000000; /* not fast: must be refused */
        rq.shift = -(int32_t)((uint32_t)rnd32() % 24u); /* 0 to -23 */
        rq.output_offset = (int32_t)((uint32_t)rnd32() % 256u) - 128;
        rq.act_min = -128;
        rq.act_max = 127;
        if (!tml_requant_fast_of(&rq, &f)) {
            if (rq.multiplier > 0x40000000 && rq.shift <= -1 && rq.shift >= -21 && bad++ < 5) printf("fast refused\n");
            continue;
        }
        checked++;
        if ((int8_t)tml_requant_fast_s8(acc, &f) != tml_requant_s8(&rq, acc, 0)) {
            if (bad++ < 5)
                printf("fast requant differs: acc=%ld m=%ld shift=%ld offset=%ld\n", (long)acc, (long)rq.multiplier,
                       (long)rq.shift, (long)rq.output_offset);
        }
    }
#endif
    printf("fixedpoint: %ld cases, %ld differ\n", checked, bad);
    return bad != 0;
}

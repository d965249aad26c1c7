/*
 * <math.h> functions of the tinyml-himax runtime (single precision). The transcendental ones reduce
 * and evaluate in `double` (on the EM9D the runtime's softfloat.c) and round once to float: within
 * 1 ulp, nearly always correctly rounded. tests/test_himax_platform.py compares them with the host's.
 */
#include <math.h>
#include <stdint.h>

#include "himax_bits.h"

#define ROUND_NEAREST_DOUBLE(v) ((v) >= 0.0 ? (v) + 0.5 : (v) - 0.5)

static int is_nan(float x)
{
    return (bits32(x) & 0x7FFFFFFFu) > 0x7F800000u;
}

float fabsf(float x)
{
    return from32(bits32(x) & 0x7FFFFFFFu);
}

/* x with the fraction bits below 2^0 cleared: toward zero */
float truncf(float x)
{
    const uint32_t u = bits32(x);
    const int e = (int)((u >> 23) & 0xFFu) - 127;
    if (e >= 23) return x; /* integral already, or inf/NaN */
    if (e < 0) return from32(u & 0x80000000u);
    return from32(u & ~(0x007FFFFFu >> e));
}

float floorf(float x)
{
    const float t = truncf(x);
    return (t != x && (bits32(x) >> 31)) ? t - 1.0f : t;
}

float ceilf(float x)
{
    const float t = truncf(x);
    return (t != x && !(bits32(x) >> 31)) ? t + 1.0f : t;
}

float roundf(float x)
{
    const uint32_t u = bits32(x);
    const int e = (int)((u >> 23) & 0xFFu) - 127;
    if (e >= 23) return x;
    if (e < -1) return from32(u & 0x80000000u);               /* |x| < 0.5 */
    if (e == -1) return from32((u & 0x80000000u) | 0x3F800000u); /* 0.5 <= |x| < 1: +-1 */
    /* add half an integer to the magnitude, then truncate: halves go away from zero */
    return truncf(from32(((u & 0x7FFFFFFFu) + (0x00400000u >> e)) | (u & 0x80000000u)));
}

float fminf(float a, float b)
{
    if (is_nan(a)) return b;
    if (is_nan(b)) return a;
    return a < b ? a : b;
}

float fmaxf(float a, float b)
{
    if (is_nan(a)) return b;
    if (is_nan(b)) return a;
    return a > b ? a : b;
}

/* Correctly rounded: the integer square root of the significand, scaled to give at least 26 bits,
 * the remainder as sticky bit (a square root is never exactly halfway between two floats). */
float sqrtf(float x)
{
    const uint32_t u = bits32(x);
    int e = (int)((u >> 23) & 0xFFu);
    uint64_t m = u & 0x007FFFFFu, rem, root = 0, bit;
    if (u == 0 || u == 0x80000000u || (e == 0xFF && !(u >> 31))) return x; /* +-0, +inf, NaN */
    if (u >> 31) return from32(0x7FC00000u);                          /* negative: NaN */
    if (e == 0) { /* subnormal: normalise */
        while (!(m & 0x00800000u)) {
            m <<= 1;
            e--;
        }
        e++;
    }
    m |= 0x00800000u;
    e -= 127 + 23; /* x = m * 2^e */
    if (e & 1) {
        m <<= 1;
        e--;
    }
    m <<= 28; /* m < 2^53: its root has 26 or 27 bits */
    e -= 28;
    rem = m;
    for (bit = 1ull << 52; bit; bit >>= 2) { /* digit by digit, two bits of m per root bit */
        if (rem >= root + bit) {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
    }
    /* sqrt(x) = (root + fraction) * 2^(e/2), root in [2^25.5, 2^26.5): keep 24 bits, round with
     * the bits below and the remainder */
    {
        const int shift = root >= (1ull << 26) ? 3 : 2;
        const uint32_t half = 1u << (shift - 1), low = (uint32_t)root & ((1u << shift) - 1u);
        const int field = e / 2 + shift + 23 + 127; /* q's top bit is 2^23 */
        uint32_t q = (uint32_t)(root >> shift);
        if (low > half || (low == half && (rem != 0 || (q & 1u)))) q++;
        return from32(((uint32_t)(field - 1) << 23) + q);
    }
}

/* ------------------------------------------------------------ exp, tanh: in double */
static double power_of_two(int k) /* 2^k for -1022 <= k <= 1023 */
{
    return from64((u64)(k + 1023) << 52);
}

/* e^y for |y| <= 210: y = k ln2 + r, |r| <= ln2/2, e^r by its Taylor series (error < 1e-14) */
static double exp_double(double y)
{
    static const double LN2_HI = 0x1.62e42ffp-1;          /* ln 2 to 29 bits: k * LN2_HI is exact */
    static const double LN2_LO = -0x1.718432a1b0e26p-35;  /* ln 2 - LN2_HI */
    static const double INV_LN2 = 1.4426950408889634;
    const int k = (int)ROUND_NEAREST_DOUBLE(y * INV_LN2);
    const double r = (y - k * LN2_HI) - k * LN2_LO;
    double p = 1.0;
    int n;
    for (n = 12; n >= 1; n--) p = 1.0 + p * r / n; /* Horner: 1 + r (1 + r/2 (1 + ... (1 + r/12))) */
    return p * power_of_two(k);
}

float expf(float x)
{
    if (is_nan(x)) return x;
    if (x > 89.0f) return from32(0x7F800000u); /* e^89 > FLT_MAX */
    if (x < -104.0f) return 0.0f;               /* below half the least subnormal */
    return (float)exp_double((double)x);
}

float tanhf(float x)
{
    const float ax = fabsf(x);
    double t, r;
    if (is_nan(x)) return x;
    if (ax > 9.0f) return (bits32(x) >> 31) ? -1.0f : 1.0f; /* 1 - tanh < 2^-25 */
    if (ax < 0x1p-13f) return x;                             /* tanh x = x (1 - x^2/3 ...) */
    t = exp_double(2.0 * (double)ax);
    r = (t - 1.0) / (t + 1.0);
    return (bits32(x) >> 31) ? -(float)r : (float)r;
}

/* ------------------------------------------------------------ sin, cos */
/* x = k pi/2 + r, |r| <= pi/4 (accurate while k * PIO2_HI is exact: |x| < 1.6e6) */
static double reduce(float x, int *k)
{
    static const double PIO2_HI = 0x1.921fb544p+0;        /* pi/2 to 33 bits */
    static const double PIO2_LO = 0x1.0b4611a626331p-34;  /* pi/2 - PIO2_HI */
    static const double TWO_OVER_PI = 0.6366197723675814;
    const double xd = (double)x;
    *k = (int)ROUND_NEAREST_DOUBLE(xd * TWO_OVER_PI);
    return (xd - *k * PIO2_HI) - *k * PIO2_LO;
}

static double sin_poly(double r) /* Taylor to r^13: error < 1e-11 relative for |r| <= pi/4 */
{
    const double r2 = r * r;
    return r + r * r2 * (-1.0 / 6 + r2 * (1.0 / 120 + r2 * (-1.0 / 5040 + r2 * (1.0 / 362880 + r2 * (-1.0 / 39916800 + r2 * (1.0 / 6227020800.0))))));
}

static double cos_poly(double r) /* Taylor to r^14 */
{
    const double r2 = r * r;
    return 1.0 + r2 * (-1.0 / 2 + r2 * (1.0 / 24 + r2 * (-1.0 / 720 + r2 * (1.0 / 40320 + r2 * (-1.0 / 3628800 + r2 * (1.0 / 479001600.0 + r2 * (-1.0 / 87178291200.0)))))));
}

static float sin_cos(float x, int quarter_turns)
{
    int k;
    double r, v;
    if ((bits32(x) & 0x7F800000u) == 0x7F800000u) return from32(0x7FC00000u); /* inf, NaN */
    r = reduce(x, &k);
    k = (k + quarter_turns) & 3;
    v = (k & 1) ? cos_poly(r) : sin_poly(r);
    return (float)(k & 2 ? -v : v);
}

float sinf(float x)
{
    return sin_cos(x, 0);
}

float cosf(float x)
{
    return sin_cos(x, 1);
}

/*
 * The compiler's helpers for `double`, which the ARC EM9D's single-precision FPU does not do:
 * arithmetic, comparisons and conversions, IEEE 754 binary64 with round-to-nearest-even (no
 * exception flags, one quiet NaN). Written for this runtime: the ARC libgcc of a Linux toolchain
 * (Debian's arc-linux-gnu) is built for ARC HS and does not link for EM ("unable to merge ISA
 * extension attributes"), so the firmware links no libgcc at all.
 *
 * Every operation unpacks its operands into sign, integer significand m and exponent e
 * (value = m * 2^e), works exactly on integers and rounds once in round_pack().
 * tests/test_himax_platform.py checks each helper against the host's own arithmetic.
 */
#include "himax_bits.h"

double __adddf3(double a, double b);
double __subdf3(double a, double b);
double __muldf3(double a, double b);
double __divdf3(double a, double b);
int __eqdf2(double a, double b);
int __nedf2(double a, double b);
int __ltdf2(double a, double b);
int __ledf2(double a, double b);
int __gtdf2(double a, double b);
int __gedf2(double a, double b);
int __unorddf2(double a, double b);
double __extendsfdf2(float a);
float __truncdfsf2(double a);
double __floatsidf(i32 i);
double __floatunsidf(u32 i);
double __floatdidf(i64 i);
double __floatundidf(u64 i);
float __floatdisf(i64 i);
float __floatundisf(u64 i);
i32 __fixdfsi(double a);
u32 __fixunsdfsi(double a);
i64 __fixdfdi(double a);
u64 __fixunsdfdi(double a);
i64 __fixsfdi(float a);
u64 __fixunssfdi(float a);

/* ------------------------------------------------------------ formats and bit access */
typedef struct {
    int frac_bits; /* stored fraction bits */
    int bias;
    int max_field; /* all-ones exponent field: infinities and NaNs */
    int sign_bit;
} format_t;

static const format_t F64 = {52, 1023, 2047, 63};
static const format_t F32 = {23, 127, 255, 31};

#define F64_QNAN 0x7FF8000000000000ull
#define F32_QNAN 0x7FC00000u

enum { IS_ZERO, IS_FINITE, IS_INF, IS_NAN };

typedef struct {
    int kind, sign, e; /* value = (-1)^sign * m * 2^e when IS_FINITE */
    u64 m;
} num_t;

static num_t unpack(u64 bits, const format_t *f)
{
    num_t n;
    const u64 frac = bits & ((1ull << f->frac_bits) - 1u);
    const int field = (int)(bits >> f->frac_bits) & f->max_field;
    n.sign = (int)(bits >> f->sign_bit) & 1;
    n.m = 0;
    n.e = 0;
    if (field == f->max_field) {
        n.kind = frac ? IS_NAN : IS_INF;
    } else if (field == 0) { /* zero or subnormal */
        n.kind = frac ? IS_FINITE : IS_ZERO;
        n.m = frac;
        n.e = 1 - f->bias - f->frac_bits;
    } else {
        n.kind = IS_FINITE;
        n.m = frac | (1ull << f->frac_bits);
        n.e = field - f->bias - f->frac_bits;
    }
    return n;
}

static u64 signed_zero(int sign, const format_t *f)
{
    return (u64)sign << f->sign_bit;
}

static u64 signed_inf(int sign, const format_t *f)
{
    return signed_zero(sign, f) | ((u64)f->max_field << f->frac_bits);
}

/* (-1)^sign * (m + below) * 2^e rounded to nearest, ties to even, where m != 0 and below is a
 * fraction of m's last bit that is non-zero iff `sticky`. Overflow gives infinity, tiny values
 * subnormals or zero. */
static u64 round_pack(int sign, int e, u64 m, int sticky, const format_t *f)
{
    int lz = __builtin_clzll(m), field, shift, round_bit, lower;
    u64 q, bits;
    m <<= lz; /* top bit set: value = m * 2^e */
    e -= lz;
    field = e + 63 + f->bias;
    if (field >= f->max_field) return signed_inf(sign, f);
    shift = 63 - f->frac_bits; /* the bits below the kept frac_bits + 1 */
    if (field <= 0) shift += 1 - field;
    if (shift > 64) {
        q = 0;
        round_bit = 0;
        lower = 1;
    } else if (shift == 64) {
        q = 0;
        round_bit = (int)(m >> 63);
        lower = (m << 1) != 0;
    } else {
        q = m >> shift;
        round_bit = (int)(m >> (shift - 1)) & 1;
        lower = (m & ((1ull << (shift - 1)) - 1u)) != 0;
    }
    if (round_bit && (lower || sticky || (q & 1u))) q++;
    /* A normal q holds the implicit bit, which adds one to (field - 1); a rounding carry to
     * 2^(frac_bits + 1) adds one more. A subnormal q that rounds up to 2^frac_bits is the
     * smallest normal number, encoded by q itself. */
    bits = field > 0 ? ((u64)(field - 1) << f->frac_bits) + q : q;
    return bits | signed_zero(sign, f);
}

/* ------------------------------------------------------------ arithmetic */
static u64 add64(u64 abits, u64 bbits)
{
    num_t a = unpack(abits, &F64), b = unpack(bbits, &F64);
    int d, sign;
    u64 m;
    if (a.kind == IS_NAN || b.kind == IS_NAN) return F64_QNAN;
    if (a.kind == IS_INF) return (b.kind == IS_INF && a.sign != b.sign) ? F64_QNAN : abits;
    if (b.kind == IS_INF) return bbits;
    if (a.kind == IS_ZERO) return b.kind == IS_ZERO ? signed_zero(a.sign & b.sign, &F64) : bbits;
    if (b.kind == IS_ZERO) return abits;
    a.m <<= 10; /* room below the last bit: guard, round and the jammed sticky bit */
    a.e -= 10;
    b.m <<= 10;
    b.e -= 10;
    if (a.e < b.e) {
        num_t t = a;
        a = b;
        b = t;
    }
    d = a.e - b.e;
    if (d >= 64) {
        b.m = 1; /* all of it below a's last bit: only "non-zero" matters */
    } else if (d > 0) {
        b.m = (b.m >> d) | ((b.m & ((1ull << d) - 1u)) != 0);
    }
    if (a.sign == b.sign) {
        m = a.m + b.m; /* both < 2^63 */
        sign = a.sign;
    } else if (a.m >= b.m) {
        m = a.m - b.m;
        sign = a.sign;
    } else {
        m = b.m - a.m;
        sign = b.sign;
    }
    if (m == 0) return 0; /* x - x = +0 */
    return round_pack(sign, a.e, m, 0, &F64);
}

double __adddf3(double a, double b)
{
    return from64(add64(bits64(a), bits64(b)));
}

double __subdf3(double a, double b)
{
    return from64(add64(bits64(a), bits64(b) ^ (1ull << 63)));
}

double __muldf3(double x, double y)
{
    num_t a = unpack(bits64(x), &F64), b = unpack(bits64(y), &F64);
    const int sign = a.sign ^ b.sign;
    u64 a0, a1, b0, b1, lo, mid, hi, low;
    int k;
    if (a.kind == IS_NAN || b.kind == IS_NAN) return from64(F64_QNAN);
    if (a.kind == IS_INF || b.kind == IS_INF) {
        if (a.kind == IS_ZERO || b.kind == IS_ZERO) return from64(F64_QNAN);
        return from64(signed_inf(sign, &F64));
    }
    if (a.kind == IS_ZERO || b.kind == IS_ZERO) return from64(signed_zero(sign, &F64));
    /* the 106-bit product hi:low of two significands below 2^53, from 32-bit halves */
    a0 = a.m & 0xFFFFFFFFu;
    a1 = a.m >> 32;
    b0 = b.m & 0xFFFFFFFFu;
    b1 = b.m >> 32;
    lo = a0 * b0;
    mid = a1 * b0 + a0 * b1; /* < 2^54 */
    hi = a1 * b1 + (mid >> 32);
    low = lo + (mid << 32);
    hi += low < lo; /* carry */
    if (hi == 0) return from64(round_pack(sign, a.e + b.e, low, 0, &F64));
    k = __builtin_clzll(hi); /* at least 21 */
    return from64(round_pack(sign, a.e + b.e + 64 - k, (hi << k) | (low >> (64 - k)), (low << k) != 0, &F64));
}

double __divdf3(double x, double y)
{
    num_t a = unpack(bits64(x), &F64), b = unpack(bits64(y), &F64);
    const int sign = a.sign ^ b.sign;
    u64 q = 0, r;
    int i, s;
    if (a.kind == IS_NAN || b.kind == IS_NAN) return from64(F64_QNAN);
    if (a.kind == IS_INF) return from64(b.kind == IS_INF ? F64_QNAN : signed_inf(sign, &F64));
    if (b.kind == IS_INF) return from64(signed_zero(sign, &F64));
    if (b.kind == IS_ZERO) return from64(a.kind == IS_ZERO ? F64_QNAN : signed_inf(sign, &F64));
    if (a.kind == IS_ZERO) return from64(signed_zero(sign, &F64));
    s = __builtin_clzll(a.m) - 11; /* both significands to [2^52, 2^53) */
    a.m <<= s;
    a.e -= s;
    s = __builtin_clzll(b.m) - 11;
    b.m <<= s;
    b.e -= s;
    /* restoring division, one quotient bit per step: q = floor(a.m / b.m * 2^63), r < b.m */
    r = a.m;
    for (i = 0; i < 64; i++) {
        q <<= 1;
        if (r >= b.m) {
            r -= b.m;
            q |= 1u;
        }
        r <<= 1;
    }
    return from64(round_pack(sign, a.e - b.e - 63, q, r != 0, &F64));
}

/* ------------------------------------------------------------ comparisons */
static int is_nan64(u64 u)
{
    return (u << 1) > (0x7FF0000000000000ull << 1);
}

/* -1, 0, 1, or `unordered` when a NaN is involved */
static int compare64(double x, double y, int unordered)
{
    const u64 a = bits64(x), b = bits64(y);
    i64 ka, kb;
    if (is_nan64(a) || is_nan64(b)) return unordered;
    if (((a | b) << 1) == 0) return 0; /* +0 == -0 */
    ka = (a >> 63) ? -(i64)(a & ~(1ull << 63)) : (i64)a;
    kb = (b >> 63) ? -(i64)(b & ~(1ull << 63)) : (i64)b;
    return ka < kb ? -1 : ka > kb;
}

int __eqdf2(double a, double b) { return compare64(a, b, 1); }   /* 0 iff a == b */
int __nedf2(double a, double b) { return compare64(a, b, 1); }   /* non-zero iff a != b */
int __ltdf2(double a, double b) { return compare64(a, b, 1); }   /* < 0 iff a < b */
int __ledf2(double a, double b) { return compare64(a, b, 1); }   /* <= 0 iff a <= b */
int __gtdf2(double a, double b) { return compare64(a, b, -1); }  /* > 0 iff a > b */
int __gedf2(double a, double b) { return compare64(a, b, -1); }  /* >= 0 iff a >= b */
int __unorddf2(double a, double b) { return is_nan64(bits64(a)) || is_nan64(bits64(b)); }

/* ------------------------------------------------------------ conversions */
static u64 convert(u64 bits, const format_t *from, const format_t *to)
{
    const num_t n = unpack(bits, from);
    switch (n.kind) {
    case IS_NAN: { /* keep the payload's top bits, quiet */
        const u64 payload = bits & ((1ull << from->frac_bits) - 1u);
        const u64 quiet = 1ull << (to->frac_bits - 1);
        const u64 moved = to->frac_bits > from->frac_bits ? payload << (to->frac_bits - from->frac_bits)
                                                          : payload >> (from->frac_bits - to->frac_bits);
        return signed_inf(n.sign, to) | quiet | moved;
    }
    case IS_INF:
        return signed_inf(n.sign, to);
    case IS_ZERO:
        return signed_zero(n.sign, to);
    default:
        return round_pack(n.sign, n.e, n.m, 0, to);
    }
}

double __extendsfdf2(float a)
{
    return from64(convert(bits32(a), &F32, &F64));
}

float __truncdfsf2(double a)
{
    return from32((u32)convert(bits64(a), &F64, &F32));
}

static u64 from_int(int negative, u64 magnitude, const format_t *f)
{
    return magnitude ? round_pack(negative, 0, magnitude, 0, f) : 0;
}

double __floatsidf(i32 i) { return from64(from_int(i < 0, i < 0 ? 0u - (u64)(i64)i : (u64)i, &F64)); }
double __floatunsidf(u32 i) { return from64(from_int(0, i, &F64)); }
double __floatdidf(i64 i) { return from64(from_int(i < 0, i < 0 ? 0u - (u64)i : (u64)i, &F64)); }
double __floatundidf(u64 i) { return from64(from_int(0, i, &F64)); }
float __floatdisf(i64 i) { return from32((u32)from_int(i < 0, i < 0 ? 0u - (u64)i : (u64)i, &F32)); }
float __floatundisf(u64 i) { return from32((u32)from_int(0, i, &F32)); }

/* Magnitude of a value truncated toward zero, saturated at 2^64 - 1; *nan set for NaN. */
static u64 truncate(u64 bits, const format_t *f, int *sign, int *nan)
{
    const num_t n = unpack(bits, f);
    *sign = n.sign;
    *nan = n.kind == IS_NAN;
    if (n.kind == IS_NAN || n.kind == IS_ZERO) return 0;
    if (n.kind == IS_INF) return ~0ull;
    if (n.e >= 0) return n.e > __builtin_clzll(n.m) ? ~0ull : n.m << n.e; /* bits beyond 2^63 */
    return n.e <= -64 ? 0 : n.m >> -n.e;
}

/* C leaves out-of-range conversions undefined; these saturate, and NaN gives 0. */
static i64 to_signed(u64 bits, const format_t *f, i64 min)
{
    int sign, nan;
    const u64 mag = truncate(bits, f, &sign, &nan);
    const u64 limit = (u64)(-(min + 1)) + (sign ? 1u : 0u);
    if (nan) return 0;
    if (mag >= limit) return sign ? min : -(min + 1);
    return sign ? -(i64)mag : (i64)mag;
}

static u64 to_unsigned(u64 bits, const format_t *f, u64 max)
{
    int sign, nan;
    const u64 mag = truncate(bits, f, &sign, &nan);
    if (nan || sign) return 0;
    return mag > max ? max : mag;
}

i32 __fixdfsi(double a) { return (i32)to_signed(bits64(a), &F64, INT32_MIN); }
u32 __fixunsdfsi(double a) { return (u32)to_unsigned(bits64(a), &F64, UINT32_MAX); }
i64 __fixdfdi(double a) { return to_signed(bits64(a), &F64, INT64_MIN); }
u64 __fixunsdfdi(double a) { return to_unsigned(bits64(a), &F64, UINT64_MAX); }
i64 __fixsfdi(float a) { return to_signed(bits32(a), &F32, INT64_MIN); }
u64 __fixunssfdi(float a) { return to_unsigned(bits32(a), &F32, UINT64_MAX); }

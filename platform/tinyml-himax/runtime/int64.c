/*
 * The compiler's 64-bit integer helpers for the ARC EM9D (division and remainder always; the shifts
 * when optimising for size), written for this runtime like softfloat.c. The divisions use only
 * compares, subtractions and shifts (a 64-bit `/` here would call these very functions); the
 * shifts work on 32-bit halves. Checked against the host's arithmetic in tests/test_himax_platform.py.
 */
#include "himax_bits.h"

u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
i64 __divdi3(i64 n, i64 d);
i64 __moddi3(i64 n, i64 d);
u64 __udivmoddi4(u64 n, u64 d, u64 *rem);
i64 __ashldi3(i64 a, int b);
i64 __ashrdi3(i64 a, int b);
u64 __lshrdi3(u64 a, int b);

typedef union {
    u64 all;
    struct {
        u32 lo, hi; /* little-endian: the ARC EM here, and the host that tests it */
    } w;
} halves_t;

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
    u64 q = 0;
    int shift;
    if (d == 0) { /* undefined in C: no trap, an all-ones quotient */
        if (rem) *rem = n;
        return ~0ull;
    }
    if (n < d) {
        if (rem) *rem = n;
        return 0;
    }
    if ((n >> 32) == 0) { /* both fit in 32 bits: the core's divide */
        if (rem) *rem = (u32)n % (u32)d;
        return (u32)n / (u32)d;
    }
    /* shift-subtract from the divisor aligned under the dividend's top bit */
    shift = __builtin_clzll(d) - __builtin_clzll(n);
    d <<= shift;
    for (; shift >= 0; shift--) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1u;
        }
        d >>= 1;
    }
    if (rem) *rem = n;
    return q;
}

u64 __udivdi3(u64 n, u64 d)
{
    return __udivmoddi4(n, d, 0);
}

u64 __umoddi3(u64 n, u64 d)
{
    u64 r;
    __udivmoddi4(n, d, &r);
    return r;
}

static u64 magnitude(i64 v)
{
    return v < 0 ? 0u - (u64)v : (u64)v;
}

i64 __divdi3(i64 n, i64 d) /* truncates toward zero */
{
    const u64 q = __udivmoddi4(magnitude(n), magnitude(d), 0);
    return (i64)((n < 0) != (d < 0) ? 0u - q : q);
}

i64 __moddi3(i64 n, i64 d) /* the sign of the dividend */
{
    u64 r;
    __udivmoddi4(magnitude(n), magnitude(d), &r);
    return (i64)(n < 0 ? 0u - r : r);
}

i64 __ashldi3(i64 a, int b)
{
    halves_t v;
    v.all = (u64)a;
    if (b >= 32) {
        v.w.hi = v.w.lo << (b - 32);
        v.w.lo = 0;
    } else if (b > 0) {
        v.w.hi = (v.w.hi << b) | (v.w.lo >> (32 - b));
        v.w.lo <<= b;
    }
    return (i64)v.all;
}

u64 __lshrdi3(u64 a, int b)
{
    halves_t v;
    v.all = a;
    if (b >= 32) {
        v.w.lo = v.w.hi >> (b - 32);
        v.w.hi = 0;
    } else if (b > 0) {
        v.w.lo = (v.w.lo >> b) | (v.w.hi << (32 - b));
        v.w.hi >>= b;
    }
    return v.all;
}

i64 __ashrdi3(i64 a, int b)
{
    halves_t v;
    const u32 fill = (u32)(a < 0 ? -1 : 0);
    v.all = (u64)a;
    if (b >= 32) {
        v.w.lo = (u32)((i32)v.w.hi >> (b - 32));
        v.w.hi = fill;
    } else if (b > 0) {
        v.w.lo = (v.w.lo >> b) | (v.w.hi << (32 - b));
        v.w.hi = (u32)((i32)v.w.hi >> b);
    }
    return (i64)v.all;
}

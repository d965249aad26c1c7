/*
 * Integer arithmetic helpers that GCC calls on the Xtensa lx106 (no divide instructions, no high
 * multiply) and that the ESP8266 ROM normally provides: 32-bit division, 64-bit multiply and division.
 * Each is written without the operation it implements: multiplies from 16x16-bit partial products,
 * divisions by shift and subtract. Built with -DXT_HOST_CHECK the same code compiles for the host under
 * xt_-prefixed names, to be compared with the host's own arithmetic (intops_check.c).
 */
#include <stdint.h>

#ifdef XT_HOST_CHECK
#define XT_FN(name) xt_##name
#else
#define XT_FN(name) name
#endif

typedef union {
    uint64_t u;
    struct {
        uint32_t lo, hi; /* little-endian, both on the lx106 and on the host */
    } w;
} u64_parts;

static inline int clz32(uint32_t x) /* x != 0; NSAU on the lx106 */
{
    return __builtin_clz(x);
}

/* ------------------------------------------------------------ 32-bit division */
static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem)
{
    uint32_t q = 0, r = 0;
    int i;
    if (d == 0) { /* undefined in C; answer like the ROM helpers would not trap */
        *rem = n;
        return 0xffffffffu;
    }
    if (n < d) {
        *rem = n;
        return 0;
    }
    /* r <= the bits of n above bit i, so the shift loses nothing */
    for (i = 31 - clz32(n); i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1u);
        if (r >= d) {
            r -= d;
            q |= 1u << i;
        }
    }
    *rem = r;
    return q;
}

uint32_t XT_FN(__udivsi3)(uint32_t n, uint32_t d)
{
    uint32_t r;
    return udivmod32(n, d, &r);
}

uint32_t XT_FN(__umodsi3)(uint32_t n, uint32_t d)
{
    uint32_t r;
    udivmod32(n, d, &r);
    return r;
}

int32_t XT_FN(__divsi3)(int32_t n, int32_t d)
{
    const uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n, ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
    uint32_t r, q = udivmod32(un, ud, &r);
    return (int32_t)((n < 0) != (d < 0) ? 0u - q : q); /* truncation toward zero */
}

/* ------------------------------------------------------------ 64-bit multiply */
/* a * b, 32 x 32 -> 64 bits, from four 16 x 16 -> 32-bit products */
static uint64_t umul32x32(uint32_t a, uint32_t b)
{
    const uint32_t a0 = a & 0xffffu, a1 = a >> 16, b0 = b & 0xffffu, b1 = b >> 16;
    const uint32_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const uint32_t mid = p01 + p10;
    const uint32_t mid_carry = mid < p01; /* the carry is worth 1 << 48 */
    const uint32_t lo = p00 + (mid << 16);
    const uint32_t lo_carry = lo < p00;
    u64_parts r;
    r.w.lo = lo;
    r.w.hi = p11 + (mid >> 16) + (mid_carry << 16) + lo_carry;
    return r.u;
}

uint64_t XT_FN(__umulsidi3)(uint32_t a, uint32_t b)
{
    return umul32x32(a, b);
}

/* The low 64 bits of the product: the same for signed and unsigned operands. */
int64_t XT_FN(__muldi3)(int64_t a, int64_t b)
{
    u64_parts x, y, r;
    x.u = (uint64_t)a;
    y.u = (uint64_t)b;
    r.u = umul32x32(x.w.lo, y.w.lo);
    r.w.hi += x.w.lo * y.w.hi + x.w.hi * y.w.lo; /* 32-bit multiplies: their low halves only */
    return (int64_t)r.u;
}

/* ------------------------------------------------------------ 64-bit division */
static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    u64_parts nn, dd, q, r;
    int i, top;
    nn.u = n;
    dd.u = d;
    if (dd.w.hi == 0 && nn.w.hi == 0) { /* both fit in 32 bits */
        uint32_t r32;
        q.u = 0;
        q.w.lo = udivmod32(nn.w.lo, dd.w.lo, &r32);
        r.u = 0;
        r.w.lo = r32;
        *rem = r.u;
        return q.u;
    }
    if (d == 0) {
        *rem = n;
        return ~(uint64_t)0;
    }
    if (n < d) {
        *rem = n;
        return 0;
    }
    top = nn.w.hi ? 63 - clz32(nn.w.hi) : 31 - clz32(nn.w.lo);
    q.u = 0;
    r.u = 0;
    for (i = top; i >= 0; i--) {
        const uint32_t bit = i >= 32 ? (nn.w.hi >> (i - 32)) & 1u : (nn.w.lo >> i) & 1u;
        r.w.hi = (r.w.hi << 1) | (r.w.lo >> 31); /* r = r << 1 | bit, in halves (r < 2^(top - i)) */
        r.w.lo = (r.w.lo << 1) | bit;
        if (r.u >= d) {
            r.u -= d;
            if (i >= 32) q.w.hi |= 1u << (i - 32);
            else q.w.lo |= 1u << i;
        }
    }
    *rem = r.u;
    return q.u;
}

uint64_t XT_FN(__udivdi3)(uint64_t n, uint64_t d)
{
    uint64_t r;
    return udivmod64(n, d, &r);
}

uint64_t XT_FN(__umoddi3)(uint64_t n, uint64_t d)
{
    uint64_t r;
    udivmod64(n, d, &r);
    return r;
}

int64_t XT_FN(__divdi3)(int64_t n, int64_t d)
{
    const uint64_t un = n < 0 ? 0u - (uint64_t)n : (uint64_t)n, ud = d < 0 ? 0u - (uint64_t)d : (uint64_t)d;
    uint64_t r, q = udivmod64(un, ud, &r);
    return (int64_t)((n < 0) != (d < 0) ? 0u - q : q);
}

int64_t XT_FN(__moddi3)(int64_t n, int64_t d) /* libgcc's needs __umulsidi3 and more */
{
    const uint64_t un = n < 0 ? 0u - (uint64_t)n : (uint64_t)n, ud = d < 0 ? 0u - (uint64_t)d : (uint64_t)d;
    uint64_t r;
    udivmod64(un, ud, &r);
    return (int64_t)(n < 0 ? 0u - r : r); /* the remainder has the dividend's sign */
}

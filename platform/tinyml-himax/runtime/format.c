/*
 * printf's formatting for the tinyml-himax runtime (himax_format.h). Floating-point values are
 * converted exactly: the double's integer significand times a power of two becomes a big decimal
 * integer (base-10000 limbs, multiplied by 2^16 or 5^8 at a time), so every digit is right and
 * rounding can look at the exact rest. Only integer arithmetic: no `double` helper is needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "himax_bits.h"
#include "himax_format.h"

/* ------------------------------------------------------------ output */
typedef struct {
    himax_put_fn put;
    void *ctx;
    size_t count;
} out_t;

typedef struct {
    unsigned minus : 1, plus : 1, space : 1, hash : 1, zero : 1;
    int width;
    int prec; /* < 0: none */
    char conv;
} spec_t;

/* A piece of a field: n characters from s, or n times c when s is NULL. */
typedef struct {
    const char *s;
    int n;
    char c;
} part_t;

static void put(out_t *o, const char *s, size_t n)
{
    if (n) {
        o->put(o->ctx, s, n);
        o->count += n;
    }
}

static void repeat(out_t *o, char c, int n)
{
    char chunk[16];
    memset(chunk, c, sizeof chunk);
    while (n > 0) {
        const int k = n < (int)sizeof chunk ? n : (int)sizeof chunk;
        put(o, chunk, (size_t)k);
        n -= k;
    }
}

static void put_part(out_t *o, const part_t *p)
{
    if (p->n <= 0) return;
    if (p->s) put(o, p->s, (size_t)p->n);
    else repeat(o, p->c, p->n);
}

/* The parts padded to the width: spaces before (after with '-'), or with the 0 flag (when
 * zero_pad) zeros after the first part, the sign or prefix. */
static void emit(out_t *o, const spec_t *sp, const part_t *parts, int count, int zero_pad)
{
    int total = 0, pad, i;
    for (i = 0; i < count; i++) total += parts[i].n > 0 ? parts[i].n : 0;
    pad = sp->width > total ? sp->width - total : 0;
    zero_pad = zero_pad && sp->zero && !sp->minus;
    if (!sp->minus && !zero_pad) repeat(o, ' ', pad);
    put_part(o, &parts[0]);
    if (zero_pad) repeat(o, '0', pad);
    for (i = 1; i < count; i++) put_part(o, &parts[i]);
    if (sp->minus) repeat(o, ' ', pad);
}

static part_t text(const char *s, int n)
{
    part_t p;
    p.s = s;
    p.n = n;
    p.c = 0;
    return p;
}

static part_t run(char c, int n)
{
    part_t p;
    p.s = NULL;
    p.n = n;
    p.c = c;
    return p;
}

/* ------------------------------------------------------------ integers */
static void format_integer(out_t *o, const spec_t *sp, uint64_t v, int negative)
{
    const char *const set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    const unsigned base = sp->conv == 'o' ? 8u : (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') ? 16u : 10u;
    char digits[24], prefix[2];
    int nd = 0, np = 0, zeros, min_digits;
    part_t parts[3];
    if ((v >> 32) == 0) { /* 32-bit arithmetic when it fits */
        uint32_t w = (uint32_t)v;
        while (w) {
            digits[sizeof digits - 1 - nd++] = set[w % base];
            w /= base;
        }
    } else {
        while (v) {
            digits[sizeof digits - 1 - nd++] = set[v % base];
            v /= base;
        }
    }
    if (sp->conv == 'd' || sp->conv == 'i') {
        if (negative) prefix[np++] = '-';
        else if (sp->plus) prefix[np++] = '+';
        else if (sp->space) prefix[np++] = ' ';
    } else if ((sp->hash && base == 16u && nd) || sp->conv == 'p') {
        prefix[np++] = '0';
        prefix[np++] = sp->conv == 'X' ? 'X' : 'x';
    }
    min_digits = sp->prec < 0 ? 1 : sp->prec;
    zeros = min_digits > nd ? min_digits - nd : 0;
    if (sp->hash && base == 8u && zeros == 0 && (nd == 0 || digits[sizeof digits - nd] != '0')) zeros = 1;
    parts[0] = text(prefix, np);
    parts[1] = run('0', zeros);
    parts[2] = text(digits + sizeof digits - nd, nd);
    emit(o, sp, parts, 3, sp->prec < 0);
}

/* ------------------------------------------------------------ exact decimal digits of a double */
#define LIMB 10000u
#define MAX_LIMBS 200  /* 800 digits: 2^53 * 5^1074 has 767 */
#define MAX_DIGITS (4 * MAX_LIMBS)

/* limbs *= f (f <= 5^8) */
static int limbs_mul(uint32_t *limb, int n, uint32_t f)
{
    uint32_t carry = 0;
    int i;
    for (i = 0; i < n; i++) {
        const uint32_t t = limb[i] * f + carry; /* < 9999 * 5^8 + 5^8 < 2^32 */
        limb[i] = t % LIMB;
        carry = t / LIMB;
    }
    for (; carry; carry /= LIMB) limb[n++] = carry % LIMB;
    return n;
}

/* limbs += v */
static int limbs_add(uint32_t *limb, int n, uint32_t v)
{
    int i = 0;
    while (v) {
        uint32_t t;
        if (i == n) limb[n++] = 0;
        t = limb[i] + v % LIMB;
        v /= LIMB;
        if (t >= LIMB) {
            t -= LIMB;
            v++;
        }
        limb[i++] = t;
    }
    return n;
}

/* The digits of m * 2^e2 (m > 0), first one non-zero, trailing zeros dropped; the value is
 * d0.d1d2... * 10^(*e10). Returns the number of digits. */
static int exact_digits(uint64_t m, int e2, char *d, int *e10)
{
    static const uint32_t pow5[8] = {1, 5, 25, 125, 625, 3125, 15625, 78125};
    uint32_t limb[MAX_LIMBS];
    int n = 0, nd = 0, i, k;
    n = limbs_add(limb, n, (uint32_t)(m >> 32));
    n = limbs_mul(limb, n, 1u << 16);
    n = limbs_mul(limb, n, 1u << 16);
    n = limbs_add(limb, n, (uint32_t)m);
    if (e2 > 0) {
        for (k = e2; k >= 16; k -= 16) n = limbs_mul(limb, n, 1u << 16);
        if (k) n = limbs_mul(limb, n, 1u << k);
    } else if (e2 < 0) { /* m * 2^e2 = m * 5^-e2 / 10^-e2 */
        for (k = -e2; k >= 8; k -= 8) n = limbs_mul(limb, n, 390625u);
        if (k) n = limbs_mul(limb, n, pow5[k]);
    }
    for (i = n - 1; i >= 0; i--) {
        uint32_t v = limb[i], div = 1000u;
        if (i == n - 1) {
            while (div > v) div /= 10u; /* no leading zeros */
        }
        for (; div; div /= 10u) {
            d[nd++] = (char)('0' + v / div % 10u);
        }
    }
    *e10 = nd - 1 + (e2 < 0 ? e2 : 0);
    while (nd > 0 && d[nd - 1] == '0') nd--;
    return nd;
}

/* Round the n digits to `keep` (halves to even on the exact value); returns the new count, which
 * is 0 when the value rounds to zero, and bumps *e10 when 9s carry into a new digit. */
static int round_digits(char *d, int n, int keep, int *e10)
{
    int up, i;
    if (keep >= n) return n;
    if (keep < 0) return 0;
    if (d[keep] != '5') {
        up = d[keep] > '5';
    } else if (keep + 1 < n) { /* more non-zero digits follow (trailing zeros were dropped) */
        up = 1;
    } else {
        up = keep > 0 && ((d[keep - 1] - '0') & 1); /* a tie: to even */
    }
    n = keep;
    if (up) {
        for (i = keep - 1; i >= 0 && d[i] == '9'; i--) d[i] = '0';
        if (i >= 0) {
            d[i]++;
        } else { /* 99..9 -> 100..0, or nothing kept -> 1 */
            d[0] = '1';
            n = 1;
            (*e10)++;
        }
    }
    while (n > 0 && d[n - 1] == '0') n--;
    return n;
}

/* ------------------------------------------------------------ floating point */
typedef struct {
    char d[MAX_DIGITS];
    int n, e10; /* value = d0.d1... * 10^e10; n == 0: zero */
    char sign[1];
    int nsign;
} decimal_t;

/* %f: [sign] integer part [. precision digits] */
static void put_fixed(out_t *o, const spec_t *sp, decimal_t *v, int prec)
{
    part_t parts[8];
    int k = 0, int_digits, lead_zeros, frac_start, frac_digits;
    v->n = round_digits(v->d, v->n, v->e10 + 1 + prec, &v->e10);
    parts[k++] = text(v->sign, v->nsign);
    if (v->n > 0 && v->e10 >= 0) {
        int_digits = v->n < v->e10 + 1 ? v->n : v->e10 + 1;
        parts[k++] = text(v->d, int_digits);
        parts[k++] = run('0', v->e10 + 1 - int_digits);
    } else {
        parts[k++] = text("0", 1);
    }
    if (prec > 0 || sp->hash) parts[k++] = text(".", 1);
    if (v->n == 0) {
        parts[k++] = run('0', prec);
    } else {
        lead_zeros = v->e10 < -1 ? -(v->e10 + 1) : 0;
        if (lead_zeros > prec) lead_zeros = prec;
        frac_start = v->e10 + 1 > 0 ? v->e10 + 1 : 0;
        frac_digits = v->n - frac_start;
        if (frac_digits > prec - lead_zeros) frac_digits = prec - lead_zeros;
        if (frac_digits < 0) frac_digits = 0;
        parts[k++] = run('0', lead_zeros);
        parts[k++] = text(v->d + frac_start, frac_digits);
        parts[k++] = run('0', prec - lead_zeros - frac_digits);
    }
    emit(o, sp, parts, k, 1);
}

/* %e: [sign] d [. precision digits] e+XX */
static void put_exponent(out_t *o, const spec_t *sp, decimal_t *v, int prec, int upper)
{
    part_t parts[7];
    char exp[6];
    int k = 0, ne = 0, e, frac_digits;
    if (v->n > 0) v->n = round_digits(v->d, v->n, prec + 1, &v->e10);
    e = v->n > 0 ? v->e10 : 0;
    parts[k++] = text(v->sign, v->nsign);
    parts[k++] = v->n > 0 ? text(v->d, 1) : text("0", 1);
    if (prec > 0 || sp->hash) parts[k++] = text(".", 1);
    frac_digits = v->n - 1 < prec ? v->n - 1 : prec;
    if (frac_digits < 0) frac_digits = 0;
    parts[k++] = text(v->d + 1, frac_digits);
    parts[k++] = run('0', prec - frac_digits);
    exp[ne++] = upper ? 'E' : 'e';
    exp[ne++] = e < 0 ? '-' : '+';
    if (e < 0) e = -e;
    if (e >= 100) exp[ne++] = (char)('0' + e / 100);
    exp[ne++] = (char)('0' + e / 10 % 10);
    exp[ne++] = (char)('0' + e % 10);
    parts[k++] = text(exp, ne);
    emit(o, sp, parts, k, 1);
}

static void format_float(out_t *o, const spec_t *sp, double value)
{
    static decimal_t v; /* 800+ bytes: kept off the stack (printf is not reentrant anyway) */
    const int upper = sp->conv == 'F' || sp->conv == 'E' || sp->conv == 'G';
    int field, prec = sp->prec;
    const u64 bits = bits64(value), frac = bits & ((1ull << 52) - 1u);
    field = (int)(bits >> 52) & 0x7FF;
    v.nsign = 0;
    if (bits >> 63) v.sign[v.nsign++] = '-';
    else if (sp->plus) v.sign[v.nsign++] = '+';
    else if (sp->space) v.sign[v.nsign++] = ' ';
    if (field == 0x7FF) {
        part_t parts[2];
        parts[0] = text(v.sign, v.nsign);
        parts[1] = text(frac ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"), 3);
        emit(o, sp, parts, 2, 0);
        return;
    }
    if (field == 0 && frac == 0) {
        v.n = 0;
        v.e10 = 0;
    } else if (field == 0) {
        v.n = exact_digits(frac, -1074, v.d, &v.e10);
    } else {
        v.n = exact_digits(frac | (1ull << 52), field - 1075, v.d, &v.e10);
    }
    if (prec < 0) prec = 6;
    if (sp->conv == 'f' || sp->conv == 'F') {
        put_fixed(o, sp, &v, prec);
    } else if (sp->conv == 'e' || sp->conv == 'E') {
        put_exponent(o, sp, &v, prec, upper);
    } else { /* g: the shorter style for the precision's significant digits, trailing zeros dropped */
        int x;
        if (prec == 0) prec = 1;
        if (v.n > 0) v.n = round_digits(v.d, v.n, prec, &v.e10);
        x = v.n > 0 ? v.e10 : 0;
        if (x < prec && x >= -4) {
            int p = prec - 1 - x;
            if (!sp->hash) {
                const int needed = v.n - (x + 1) > 0 ? v.n - (x + 1) : 0;
                if (p > needed) p = needed;
            }
            put_fixed(o, sp, &v, p);
        } else {
            int p = prec - 1;
            if (!sp->hash && p > v.n - 1) p = v.n - 1 > 0 ? v.n - 1 : 0;
            put_exponent(o, sp, &v, p, upper);
        }
    }
}

/* ------------------------------------------------------------ the format string */
enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_LD };

int himax_vformat(himax_put_fn put_fn, void *ctx, const char *fmt, va_list ap)
{
    out_t o;
    o.put = put_fn;
    o.ctx = ctx;
    o.count = 0;
    while (*fmt) {
        spec_t sp;
        int len = LEN_NONE;
        const char *start = fmt;
        if (*fmt != '%') {
            while (*fmt && *fmt != '%') fmt++;
            put(&o, start, (size_t)(fmt - start));
            continue;
        }
        memset(&sp, 0, sizeof sp);
        sp.prec = -1;
        for (fmt++;; fmt++) {
            if (*fmt == '-') sp.minus = 1;
            else if (*fmt == '+') sp.plus = 1;
            else if (*fmt == ' ') sp.space = 1;
            else if (*fmt == '#') sp.hash = 1;
            else if (*fmt == '0') sp.zero = 1;
            else break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.minus = 1;
                sp.width = -sp.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9') sp.width = sp.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int); /* negative: as if none */
                if (sp.prec < 0) sp.prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9') sp.prec = sp.prec * 10 + (*fmt++ - '0');
            }
        }
        switch (*fmt) {
        case 'h': len = fmt[1] == 'h' ? LEN_HH : LEN_H; break;
        case 'l': len = fmt[1] == 'l' ? LEN_LL : LEN_L; break;
        case 'j': len = LEN_J; break;
        case 'z': len = LEN_Z; break;
        case 't': len = LEN_T; break;
        case 'L': len = LEN_LD; break;
        default: break;
        }
        if (len != LEN_NONE) fmt += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
        sp.conv = *fmt;
        switch (sp.conv) {
        case 'd':
        case 'i': {
            int64_t s;
            switch (len) {
            case LEN_HH: s = (signed char)va_arg(ap, int); break;
            case LEN_H: s = (short)va_arg(ap, int); break;
            case LEN_L: s = va_arg(ap, long); break;
            case LEN_LL: s = va_arg(ap, long long); break;
            case LEN_J: s = va_arg(ap, intmax_t); break;
            case LEN_Z: s = (int64_t)(intptr_t)va_arg(ap, size_t); break;
            case LEN_T: s = va_arg(ap, ptrdiff_t); break;
            default: s = va_arg(ap, int); break;
            }
            format_integer(&o, &sp, s < 0 ? 0u - (uint64_t)s : (uint64_t)s, s < 0);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            uint64_t u;
            switch (len) {
            case LEN_HH: u = (unsigned char)va_arg(ap, unsigned); break;
            case LEN_H: u = (unsigned short)va_arg(ap, unsigned); break;
            case LEN_L: u = va_arg(ap, unsigned long); break;
            case LEN_LL: u = va_arg(ap, unsigned long long); break;
            case LEN_J: u = va_arg(ap, uintmax_t); break;
            case LEN_Z: u = va_arg(ap, size_t); break;
            case LEN_T: u = (uint64_t)(uintptr_t)va_arg(ap, ptrdiff_t); break;
            default: u = va_arg(ap, unsigned); break;
            }
            format_integer(&o, &sp, u, 0);
            break;
        }
        case 'p': {
            const void *p = va_arg(ap, void *);
            if (p) {
                sp.prec = -1;
                format_integer(&o, &sp, (uintptr_t)p, 0);
            } else {
                part_t nil = text("(nil)", 5);
                emit(&o, &sp, &nil, 1, 0);
            }
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
            format_float(&o, &sp, len == LEN_LD ? (double)va_arg(ap, long double) : va_arg(ap, double));
            break;
        case 'c': {
            const char c = (char)va_arg(ap, int);
            part_t one = text(&c, 1);
            emit(&o, &sp, &one, 1, 0);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            part_t str;
            if (!s) s = "(null)";
            str = text(s, (int)(sp.prec < 0 ? strlen(s) : strnlen(s, (size_t)sp.prec)));
            emit(&o, &sp, &str, 1, 0);
            break;
        }
        case 'n':
            *va_arg(ap, int *) = (int)o.count;
            break;
        case '%':
            put(&o, "%", 1);
            break;
        default: /* unknown (or the string ends): print it as it stands */
            if (!*fmt) {
                put(&o, start, (size_t)(fmt - start));
                return (int)o.count;
            }
            put(&o, start, (size_t)(fmt + 1 - start));
            break;
        }
        fmt++;
    }
    return (int)o.count;
}

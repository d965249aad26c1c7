/*
 * Host check of intops.c (compiled with -DXT_HOST_CHECK, names xt___*): every helper against the
 * host's own arithmetic on edge values (powers of two and their neighbours, extremes) and on random
 * operands of every magnitude. Prints one line per helper and exits 1 on any difference.
 */
#include <stdint.h>
#include <stdio.h>

uint32_t xt___udivsi3(uint32_t n, uint32_t d);
uint32_t xt___umodsi3(uint32_t n, uint32_t d);
int32_t xt___divsi3(int32_t n, int32_t d);
uint64_t xt___umulsidi3(uint32_t a, uint32_t b);
int64_t xt___muldi3(int64_t a, int64_t b);
uint64_t xt___udivdi3(uint64_t n, uint64_t d);
uint64_t xt___umoddi3(uint64_t n, uint64_t d);
int64_t xt___divdi3(int64_t n, int64_t d);
int64_t xt___moddi3(int64_t n, int64_t d);

#ifndef RANDOM_CASES
#define RANDOM_CASES 2000000
#endif

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint64_t rnd64(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

/* random operand: a random value shifted right by a random amount (every magnitude), maybe negated */
static uint64_t operand(void)
{
    uint64_t v = rnd64() >> (rnd64() % 64);
    return rnd64() % 4 == 0 ? 0 - v : v;
}

static uint64_t edges[200];
static int n_edges;

static void make_edges(void)
{
    int i;
    n_edges = 0;
    edges[n_edges++] = 0;
    for (i = 0; i < 64; i++) {
        const uint64_t p = (uint64_t)1 << i;
        edges[n_edges++] = p;
        edges[n_edges++] = p - 1;
        edges[n_edges++] = p + 1;
    }
    edges[n_edges++] = ~(uint64_t)0;
    edges[n_edges++] = 0xfffffffeu;
    edges[n_edges++] = 0x7fffffffffffffffu;
    edges[n_edges++] = 0x123456789abcdef0u;
    edges[n_edges++] = 0xffff0000ffff0000u;
    edges[n_edges++] = 0x00000000ffff0000u;
    edges[n_edges++] = 0x0000ffff0000ffffu;
}

static long bad[9], checked[9];
static const char *const names[9] = {"__udivsi3", "__umodsi3", "__divsi3", "__umulsidi3", "__muldi3",
                                     "__udivdi3", "__umoddi3", "__divdi3", "__moddi3"};

static void report(int k, uint64_t a, uint64_t b)
{
    if (bad[k]++ < 5)
        printf("%s differs: a=0x%016llx b=0x%016llx\n", names[k], (unsigned long long)a, (unsigned long long)b);
}

static void check(uint64_t a, uint64_t b)
{
    const uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
    const int32_t sa32 = (int32_t)a32, sb32 = (int32_t)b32;
    const int64_t sa = (int64_t)a, sb = (int64_t)b;
    checked[3]++;
    if (xt___umulsidi3(a32, b32) != (uint64_t)a32 * b32) report(3, a, b);
    checked[4]++;
    if ((uint64_t)xt___muldi3(sa, sb) != a * b) report(4, a, b);
    if (b32 != 0) {
        checked[0]++;
        checked[1]++;
        if (xt___udivsi3(a32, b32) != a32 / b32) report(0, a, b);
        if (xt___umodsi3(a32, b32) != a32 % b32) report(1, a, b);
        if (!(sa32 == INT32_MIN && sb32 == -1)) {
            checked[2]++;
            if (xt___divsi3(sa32, sb32) != sa32 / sb32) report(2, a, b);
        }
    }
    if (b != 0) {
        checked[5]++;
        checked[6]++;
        if (xt___udivdi3(a, b) != a / b) report(5, a, b);
        if (xt___umoddi3(a, b) != a % b) report(6, a, b);
        if (!(sa == INT64_MIN && sb == -1)) {
            checked[7]++;
            checked[8]++;
            if (xt___divdi3(sa, sb) != sa / sb) report(7, a, b);
            if (xt___moddi3(sa, sb) != sa % sb) report(8, a, b);
        }
    }
}

int main(void)
{
    long i, total = 0;
    int j, k, s;
    make_edges();
    for (j = 0; j < n_edges; j++) {
        for (k = 0; k < n_edges; k++) {
            for (s = 0; s < 4; s++) { /* signs */
                const uint64_t a = s & 1 ? 0 - edges[j] : edges[j], b = s & 2 ? 0 - edges[k] : edges[k];
                check(a, b);
                check((uint32_t)a | ((uint64_t)(uint32_t)(a >> 32) << 32), (uint32_t)b); /* 32-bit divisors */
            }
        }
    }
    for (i = 0; i < RANDOM_CASES; i++) {
        const uint64_t a = operand(), b = operand();
        check(a, b);
        check(a, b >> 32); /* 64-bit dividend, 32-bit divisor */
        check(a >> 32, b); /* small dividend */
    }
    for (k = 0; k < 9; k++) {
        printf("%s: %ld cases, %ld differ\n", names[k], checked[k], bad[k]);
        total += bad[k];
    }
    return total != 0;
}

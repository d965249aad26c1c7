/*
 * Differential test of the int8 resize kernels (ops/resize.h's dispatch, the Armv7E-M path when built for
 * it) against the reference kernels of ref/resize.h, on random cases: batch, input and output sizes,
 * depths 1 to 19 (every remainder modulo 4), source-index tables with repeated, decreasing and
 * arbitrary rows (so the row-copy shortcut is taken and not), bilinear weights over their whole
 * range [-512, 1536] (TFLM's tables stay in [-512, 1023]) and int8 inputs over their whole range.
 * Every output byte must be equal. Prints one summary line per kernel, exits 1 on any mismatch.
 *
 * Built with -DBENCH instead (for the m4sim cycle estimator), it runs one typical case of each kernel
 * through noinline wrappers bench_<kernel>, with the path the build selects (-DTML_FORCE_REFERENCE for
 * the reference), and exits with a checksum of the outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyml.h"

#ifndef CASES
#define CASES 500
#endif

#define TEST_RNG_SEED 4242u
#include "test_rng.h"

#define MAX_IN 4096
#define MAX_OUT 8192
#define MAX_SIDE 40

static int8_t in_buf[MAX_IN], out_ref[MAX_OUT], out_opt[MAX_OUT];
static int32_t scratch[MAX_IN];
static int32_t y_tab[3 * MAX_SIDE], x_tab[3 * MAX_SIDE];

static void fill(int8_t *buf, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        buf[i] = (int8_t)(rnd() % 8 ? between(-128, 127) : (rnd() % 2 ? -128 : 127));
    }
}

/* n source indices in [0, size): sorted up or down, constant runs (as upscales make), or arbitrary */
static void random_index(int32_t *idx, int32_t n, int32_t size)
{
    int32_t i, kind = between(0, 3);
    for (i = 0; i < n; i++) {
        if (kind == 0) {
            idx[i] = (int32_t)((int64_t)i * size / n);
        } else if (kind == 1) {
            idx[i] = size - 1 - (int32_t)((int64_t)i * size / n);
        } else if (kind == 2) {
            idx[i] = i > 0 && rnd() % 3 ? idx[i - 1] : between(0, size - 1);
        } else {
            idx[i] = between(0, size - 1);
        }
    }
}

/* bilinear tables: lower, upper (>= lower), upper weight */
static void random_tab(int32_t *tab, int32_t n, int32_t size)
{
    int32_t i;
    random_index(tab, n, size);
    for (i = 0; i < n; i++) {
        tab[n + i] = between(tab[i], rnd() % 2 ? size - 1 : (tab[i] + 1 < size ? tab[i] + 1 : tab[i]));
        tab[2 * n + i] = rnd() % 8 ? between(-512, 1023) : (rnd() % 2 ? -512 : 1536);
    }
}

#if !defined(BENCH)
static int report(const char *name, int32_t cases, int32_t bad)
{
    printf("%s: %ld cases, %ld differ\n", name, (long)cases, (long)bad);
    return bad != 0;
}

static void random_shape(int32_t *b, int32_t *ih, int32_t *iw, int32_t *d, int32_t *oh, int32_t *ow)
{
    do {
        *b = between(1, 2);
        *ih = between(1, 12);
        *iw = between(1, 12);
        *d = rnd() % 4 ? between(1, 19) : 4 * between(1, 4);
        *oh = between(1, MAX_SIDE);
        *ow = between(1, MAX_SIDE);
    } while (*b * *ih * *iw * *d > MAX_IN || *b * *oh * *ow * *d > MAX_OUT);
}

static int test_nearest(void)
{
    int32_t k, bad = 0;
    for (k = 0; k < CASES; k++) {
        tml_resize_nearest_params p;
        int32_t n;
        random_shape(&p.batches, &p.in_h, &p.in_w, &p.depth, &p.out_h, &p.out_w);
        random_index(y_tab, p.out_h, p.in_h);
        random_index(x_tab, p.out_w, p.in_w);
        p.y_index = y_tab;
        p.x_index = x_tab;
        n = p.batches * p.out_h * p.out_w * p.depth;
        fill(in_buf, p.batches * p.in_h * p.in_w * p.depth);
        memset(out_ref, 0x55, sizeof(out_ref));
        memset(out_opt, 0x55, sizeof(out_opt));
        tml_resize_nearest_ref(&p, in_buf, out_ref, 1);
        tml_resize_nearest_s8(&p, in_buf, out_opt);
        if (memcmp(out_ref, out_opt, sizeof(out_ref)) != 0) {
            if (bad++ < 3) {
                printf("nearest case %ld: b %ld in %ldx%ld d %ld out %ldx%ld (n %ld)\n", (long)k, (long)p.batches,
                       (long)p.in_h, (long)p.in_w, (long)p.depth, (long)p.out_h, (long)p.out_w, (long)n);
            }
        }
    }
    return report("resize_nearest_s8", CASES, bad);
}

static int test_bilinear(void)
{
    int32_t k, bad = 0;
    for (k = 0; k < CASES; k++) {
        tml_resize_bilinear_s8_params p;
        int32_t i, n;
        random_shape(&p.batches, &p.in_h, &p.in_w, &p.depth, &p.out_h, &p.out_w);
        random_tab(y_tab, p.out_h, p.in_h);
        random_tab(x_tab, p.out_w, p.in_w);
        p.y_tab = y_tab;
        p.x_tab = x_tab;
        n = p.batches * p.out_h * p.out_w * p.depth;
        fill(in_buf, p.batches * p.in_h * p.in_w * p.depth);
        memset(out_ref, 0x55, sizeof(out_ref));
        memset(out_opt, 0x55, sizeof(out_opt));
        tml_resize_bilinear_s8_ref(&p, in_buf, out_ref);
        /* with the row of sums (its size exactly) and without */
        tml_resize_bilinear_s8(&p, in_buf, out_opt, k % 2 ? scratch + MAX_IN - p.in_w * p.depth : NULL);
        if (memcmp(out_ref, out_opt, sizeof(out_ref)) != 0) {
            if (bad++ < 3) {
                for (i = 0; i < n && out_ref[i] == out_opt[i]; i++) {
                }
                printf("bilinear case %ld: d %ld out %ldx%ld: first difference at %ld: ref %d opt %d\n", (long)k,
                       (long)p.depth, (long)p.out_h, (long)p.out_w, (long)i, out_ref[i], out_opt[i]);
            }
        }
    }
    return report("resize_bilinear_s8", CASES, bad);
}

#endif /* !BENCH */

#if defined(BENCH)
/* 2x upscales as a segmentation or detection head makes them: 20x20x16 -> 40x40x16 (int8) */
#define BH 20
#define BW 20
#define BD 16
static int8_t bench_in[BH * BW * BD], bench_out[4 * BH * BW * BD];
static int32_t by[2 * BH], bx[2 * BW], bty[6 * BH], btx[6 * BW];

TML_NOINLINE void bench_resize_nearest_s8(const tml_resize_nearest_params *p)
{
    tml_resize_nearest_s8(p, bench_in, bench_out);
}

static int32_t bench_scratch[BW * BD];

TML_NOINLINE void bench_resize_bilinear_s8(const tml_resize_bilinear_s8_params *p)
{
    tml_resize_bilinear_s8(p, bench_in, bench_out, bench_scratch);
}

TML_NOINLINE void bench_resize_bilinear_s8_noscratch(const tml_resize_bilinear_s8_params *p)
{
    tml_resize_bilinear_s8(p, bench_in, bench_out, NULL);
}

int main(void)
{
    tml_resize_nearest_params np = {1, BH, BW, BD, 2 * BH, 2 * BW, by, bx};
    tml_resize_bilinear_s8_params bp = {1, BH, BW, BD, 2 * BH, 2 * BW, bty, btx};
    uint32_t sum = 0;
    int32_t i;
    fill(bench_in, (int32_t)sizeof(bench_in));
    /* half-pixel-centre tables of a 2x upscale, as the generator computes them */
    for (i = 0; i < 2 * BH; i++) {
        int32_t s = i * 512 + 256 - 512, lo = s > 0 ? s / 1024 : 0;
        by[i] = i / 2;
        bty[i] = lo;
        bty[2 * BH + i] = (s + 1023) / 1024 < BH - 1 ? (s + 1023) / 1024 : BH - 1;
        bty[4 * BH + i] = s - 1024 * lo;
    }
    for (i = 0; i < 2 * BW; i++) {
        int32_t s = i * 512 + 256 - 512, lo = s > 0 ? s / 1024 : 0;
        bx[i] = i / 2;
        btx[i] = lo;
        btx[2 * BW + i] = (s + 1023) / 1024 < BW - 1 ? (s + 1023) / 1024 : BW - 1;
        btx[4 * BW + i] = s - 1024 * lo;
    }
    bench_resize_nearest_s8(&np);
    for (i = 0; i < (int32_t)sizeof(bench_out); i++) sum = sum * 31u + (uint8_t)bench_out[i];
    bench_resize_bilinear_s8(&bp);
    for (i = 0; i < (int32_t)sizeof(bench_out); i++) sum = sum * 31u + (uint8_t)bench_out[i];
    bench_resize_bilinear_s8_noscratch(&bp);
    for (i = 0; i < (int32_t)sizeof(bench_out); i++) sum = sum * 31u + (uint8_t)bench_out[i];
    return (int)(sum & 0x7f);
}
#else
int main(void)
{
#if defined(TML_ARCH_ARM_DSP)
    printf("path: arm-dsp\n");
#else
    printf("path: reference\n");
#endif
    return test_nearest() + test_bilinear() ? 1 : 0;
}
#endif

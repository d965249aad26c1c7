/*
 * The window kernels (CONV_2D, DEPTHWISE_CONV_2D, pools; int8 and float) with their output written
 * over their input, as the memory planner places them: the output starts `lead` bytes before the
 * input, where lead is what the generator computed for that geometry (tests/test_overlap.py writes
 * the cases into overlap_cases.h). Every output must equal the kernel's output with separate
 * buffers. Built with the dispatching kernels, so each target checks its own paths. The kinds that
 * run backward (pointwise convolutions told so) start their output `lead` bytes (the generator's trail)
 * after the input instead. With -DSHRINK=n every lead (trail) is made n bytes smaller (the test must
 * then see differences).
 */
#include <stdio.h>
#include <string.h>

#include "tinyml.h"
#include "overlap_cases.h"
#include "packing.h"

#ifndef SHRINK
#define SHRINK 0
#endif

enum { CONV_S8, DW_S8, MAXPOOL_S8, AVGPOOL_S8, CONV_F32, DW_F32, MAXPOOL_F32, AVGPOOL_F32, CONV_S8_PACKED, DW_S8_PX, DW_S8_PAIRS,
       CONV_S8_BACK, CONV_S8_PACKED_BACK };
#define IS_BACK(kind) ((kind) == CONV_S8_BACK || (kind) == CONV_S8_PACKED_BACK)
#define IS_FLOAT(kind) ((kind) >= CONV_F32 && (kind) <= AVGPOOL_F32)

#define TEST_RNG_SEED 777u
#include "test_rng.h"

#define ARENA 8192
static union {
    float f[ARENA / 4 + 2];
    int8_t b[ARENA + 8];
} input, expected, arena;
static int8_t weights[4096];
static float fweights[4096];
static int32_t bias[64], folded[64], mult[64], shift[64];
static int8_t patch[9 * 64]; /* scratch of the 3x3 depthwise paths */
static int32_t stream[4096];  /* the packed kernels' constants */
static uint32_t scratch[4096]; /* and their scratch */
static float fbias[64];

/* Run case k reading `in` and writing `out`. */
static void run(const overlap_case *c, const void *in, void *out)
{
    const int32_t dw = c->kind == DW_S8 || c->kind == DW_F32 || c->kind == DW_S8_PX || c->kind == DW_S8_PAIRS;
    const int32_t cout = dw ? c->cin * c->channels : c->channels;
    if (c->kind == CONV_S8 || c->kind == DW_S8 || c->kind == CONV_S8_PACKED || c->kind == DW_S8_PX ||
        c->kind == DW_S8_PAIRS || IS_BACK(c->kind)) {
        const int32_t taps = c->fh * c->fw;
        int32_t o, i;
        for (o = 0; o < cout; o++) {
            int64_t sum = 0;
            for (i = 0; i < (dw ? taps : taps * c->cin); i++)
                sum += dw ? weights[i * cout + o] : weights[o * taps * c->cin + i];
            folded[o] = (int32_t)(bias[o] + 3 * sum);
        }
    }
    switch (c->kind) {
    case CONV_S8:
    case CONV_S8_PACKED:
    case CONV_S8_BACK:
    case CONV_S8_PACKED_BACK: {
        tml_conv_s8_params p = {1, c->ih, c->iw, c->cin, c->fh, c->fw, c->cin, c->oh, c->ow, cout, c->sh, c->sw,
                                c->dh, c->dw, c->ph, c->pw, 3, -5, 1518500250, -6, mult, shift, -128, 127, folded, 0, NULL, NULL,
                                IS_BACK(c->kind)};
        if (c->kind == CONV_S8_PACKED || c->kind == CONV_S8_PACKED_BACK) {
            pack_conv(&p, weights, stream);
            p.packed = stream;
            p.scratch = scratch;
        }
        tml_conv_s8(&p, (const int8_t *)in, weights, bias, (int8_t *)out);
        break;
    }
    case DW_S8:
    case DW_S8_PX:
    case DW_S8_PAIRS: {
        tml_depthwise_conv_s8_params p = {1, c->ih, c->iw, c->cin, c->fh, c->fw, c->channels, c->oh, c->ow, c->sh,
                                          c->sw, c->dh, c->dw, c->ph, c->pw, 3, -5, 1518500250, -6, mult, shift,
                                          -128, 127, folded, 0, patch, NULL, NULL, NULL, NULL};
        if (c->kind == DW_S8_PX) {
            pack_dw3_px(&p, weights, stream);
            p.packed = stream;
        }
        if (c->kind == DW_S8_PAIRS) { /* the ring's three slots, a third of the scratch each */
            pack_dw3_pairs(&p, weights, stream);
            p.packed = stream;
            p.patch = NULL;
            p.scratch = scratch;
            p.slot1 = scratch + sizeof scratch / 12;
            p.slot2 = scratch + sizeof scratch / 6;
        }
        tml_depthwise_conv_s8(&p, (const int8_t *)in, weights, bias, (int8_t *)out);
        break;
    }
    case MAXPOOL_S8:
    case AVGPOOL_S8: {
        tml_pool_s8_params p = {1, c->ih, c->iw, c->cin, c->oh, c->ow, c->fh, c->fw, c->sh, c->sw, c->ph, c->pw,
                                -128, 127};
        if (c->kind == MAXPOOL_S8)
            tml_max_pool_s8(&p, (const int8_t *)in, (int8_t *)out);
        else
            tml_average_pool_s8(&p, (const int8_t *)in, (int8_t *)out);
        break;
    }
#ifndef NO_FLOAT
    case CONV_F32: {
        tml_conv_f32_params p = {1, c->ih, c->iw, c->cin, c->fh, c->fw, c->cin, c->oh, c->ow, cout, c->sh, c->sw,
                                 c->dh, c->dw, c->ph, c->pw, -1e30f, 1e30f};
        tml_conv_f32(&p, (const float *)in, fweights, fbias, (float *)out);
        break;
    }
    case DW_F32: {
        tml_depthwise_conv_f32_params p = {1, c->ih, c->iw, c->cin, c->fh, c->fw, c->channels, c->oh, c->ow, c->sh,
                                           c->sw, c->dh, c->dw, c->ph, c->pw, -1e30f, 1e30f};
        tml_depthwise_conv_f32(&p, (const float *)in, fweights, fbias, (float *)out);
        break;
    }
    case MAXPOOL_F32:
    case AVGPOOL_F32: {
        tml_pool_f32_params p = {1, c->ih, c->iw, c->cin, c->oh, c->ow, c->fh, c->fw, c->sh, c->sw, c->ph, c->pw,
                                 -1e30f, 1e30f};
        if (c->kind == MAXPOOL_F32)
            tml_max_pool_f32(&p, (const float *)in, (float *)out);
        else
            tml_average_pool_f32(&p, (const float *)in, (float *)out);
        break;
    }
#endif
    default:
        break;
    }
}

int main(void)
{
    int k, tried = 0, bad = 0;
    int32_t i;
    for (i = 0; i < 64; i++) {
        bias[i] = between(-3000, 3000);
        fbias[i] = (float)between(-1000, 1000) / 1000.0f;
        mult[i] = between((1 << 30) + 1, 0x7fffffff); /* the packed kernels' fast requantization */
        shift[i] = between(-9, -5);
    }
    for (i = 0; i < (int32_t)sizeof weights; i++) {
        weights[i] = (int8_t)between(-127, 127);
        fweights[i] = (float)weights[i] / 127.0f;
    }
    for (k = 0; k < OVERLAP_CASES; k++) {
        const overlap_case *c = &overlap_cases[k];
        const int32_t lead = IS_BACK(c->kind) ? SHRINK - c->lead : c->lead - SHRINK; /* backward: minus the trail */
        const int32_t in_at = lead > 0 ? lead : 0, out_at = lead > 0 ? 0 : -lead;
#ifdef NO_FLOAT
        if (IS_FLOAT(c->kind))
            continue;
#endif
        if (in_at + c->in_bytes > ARENA || out_at + c->out_bytes > ARENA)
            continue;
        tried++;
        if (IS_FLOAT(c->kind)) {
            for (i = 0; i < c->in_bytes / 4; i++) input.f[i] = (float)between(-1000, 1000) / 100.0f;
        } else {
            for (i = 0; i < c->in_bytes; i++) input.b[i] = (int8_t)between(-128, 127);
        }
        memset(expected.b, 0x5a, sizeof expected.b);
        run(c, input.b, expected.b);
        memset(arena.b, 0x5a, sizeof arena.b);
        memcpy(arena.b + in_at, input.b, (size_t)c->in_bytes);
        run(c, arena.b + in_at, arena.b + out_at);
        if (memcmp(arena.b + out_at, expected.b, (size_t)c->out_bytes) != 0) {
            if (bad++ < 5 && SHRINK == 0)
                printf("case %d (kind %d, %ldx%ldx%ld, filter %ldx%ld, stride %ld,%ld, pad %ld,%ld, lead %ld) differs\n",
                       k, (int)c->kind, (long)c->ih, (long)c->iw, (long)c->cin, (long)c->fh, (long)c->fw, (long)c->sh,
                       (long)c->sw, (long)c->ph, (long)c->pw, (long)c->lead);
        }
    }
    printf("overlap: %d cases, %d differ\n", tried, bad);
    return bad != 0;
}

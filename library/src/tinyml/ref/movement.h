/*
 * Reference kernels of the movement operators (TRANSPOSE / BROADCAST_TO, SPLIT, GATHER): portable C.
 * Included by ops/movement.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_MOVEMENT_H
#define TINYML_REF_MOVEMENT_H

/* One output row of count elements read every step elements from in: constant-size memcpy per
 * element, which compilers turn into one load and one store (buffers need not be 8-byte aligned). */
static inline void tml_move_row_(uint8_t *out, const uint8_t *in, int32_t count, int32_t step, int32_t eb)
{
    const ptrdiff_t s = (ptrdiff_t)step * eb;
    int32_t i;
    if (step == 1) {
        memcpy(out, in, (size_t)count * (size_t)eb);
        return;
    }
    switch (eb) {
    case 1:
        for (i = 0; i < count; i++, in += s) {
            out[i] = *in;
        }
        break;
    case 2:
        for (i = 0; i < count; i++, in += s, out += 2) {
            memcpy(out, in, 2);
        }
        break;
    case 4:
        for (i = 0; i < count; i++, in += s, out += 4) {
            memcpy(out, in, 4);
        }
        break;
    default: /* 8 */
        for (i = 0; i < count; i++, in += s, out += 8) {
            memcpy(out, in, 8);
        }
        break;
    }
}

static inline void tml_transpose_ref(const tml_transpose_params *p, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const int32_t eb = p->elem_bytes;
    const int32_t *n = p->dims;
    const int32_t *s = p->strides;
    const size_t row = (size_t)n[4] * (size_t)eb;
    int32_t i0, i1, i2, i3;
    int32_t o0, o1, o2, o3;
    for (i0 = 0, o0 = 0; i0 < n[0]; i0++, o0 += s[0]) {
        for (i1 = 0, o1 = o0; i1 < n[1]; i1++, o1 += s[1]) {
            for (i2 = 0, o2 = o1; i2 < n[2]; i2++, o2 += s[2]) {
                for (i3 = 0, o3 = o2; i3 < n[3]; i3++, o3 += s[3]) {
                    tml_move_row_(out, in + (size_t)o3 * (size_t)eb, n[4], s[4], eb);
                    out += row;
                }
            }
        }
    }
}

static inline void tml_split_ref(const tml_split_params *p, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input + p->in_offset_bytes;
    uint8_t *out = (uint8_t *)output;
    int32_t o;
    for (o = 0; o < p->outer; o++) {
        memcpy(out, in, (size_t)p->out_row_bytes);
        in += p->in_row_bytes;
        out += p->out_row_bytes;
    }
}

static inline void tml_gather_ref(const tml_gather_params *p, const void *input, const int32_t *positions,
                                  void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const size_t inner = (size_t)p->inner_bytes;
    int32_t b, o, c;
    for (b = 0; b < p->batch; b++) {
        const int32_t *pos = positions + (size_t)b * (size_t)p->positions;
        for (o = 0; o < p->outer; o++) {
            const uint8_t *slab = in + ((size_t)b * (size_t)p->outer + (size_t)o) * (size_t)p->axis_size * inner;
            for (c = 0; c < p->positions; c++) {
                const int32_t k = pos[c];
                if (k >= 0 && k < p->axis_size) {
                    memcpy(out, slab + (size_t)k * inner, inner);
                } else {
                    memset(out, 0, inner);
                }
                out += inner;
            }
        }
    }
}

#endif /* TINYML_REF_MOVEMENT_H */

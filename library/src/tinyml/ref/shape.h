/*
 * Reference kernels of the shape operators (copy, CONCATENATION, STRIDED_SLICE, PAD): portable C.
 * Included by ops/shape.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_SHAPE_H
#define TINYML_REF_SHAPE_H

/** Copy nbytes (RESHAPE of a constant tensor). */
static inline void tml_copy(const void *input, void *output, uint32_t nbytes)
{
    if (input != output) {
        memmove(output, input, nbytes);
    }
}

static inline void tml_concat_ref(const tml_concat_params *p, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output + p->out_offset_bytes;
    int32_t o;
    for (o = 0; o < p->outer; o++) {
        memcpy(out, in, (size_t)p->in_row_bytes);
        in += p->in_row_bytes;
        out += p->out_row_bytes;
    }
}

static inline void tml_strided_slice_ref(const tml_strided_slice_params *p, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const int32_t eb = p->elem_bytes;
    const int32_t *n = p->count;
    const int32_t *s = p->step;
    int32_t i0, i1, i2, i3, i4;
    int32_t o0, o1, o2, o3, o4;
    for (i0 = 0, o0 = p->start; i0 < n[0]; i0++, o0 += s[0]) {
        for (i1 = 0, o1 = o0; i1 < n[1]; i1++, o1 += s[1]) {
            for (i2 = 0, o2 = o1; i2 < n[2]; i2++, o2 += s[2]) {
                for (i3 = 0, o3 = o2; i3 < n[3]; i3++, o3 += s[3]) {
                    if (s[4] == 1) {
                        memcpy(out, in + (size_t)o3 * (size_t)eb, (size_t)n[4] * (size_t)eb);
                        out += n[4] * eb;
                        continue;
                    }
                    for (i4 = 0, o4 = o3; i4 < n[4]; i4++, o4 += s[4]) {
                        memcpy(out, in + (size_t)o4 * (size_t)eb, (size_t)eb);
                        out += eb;
                    }
                }
            }
        }
    }
}

static inline void tml_pad_fill_(uint8_t *output, int32_t count, int32_t elem_bytes, uint32_t bits)
{
    const uint16_t b16 = (uint16_t)bits;
    int32_t i;
    if (elem_bytes == 1) {
        memset(output, (int)(bits & 0xFFu), (size_t)count);
    } else if (elem_bytes == 2) {
        for (i = 0; i < count; i++) {
            memcpy(output + (size_t)i * 2u, &b16, 2);
        }
    } else {
        for (i = 0; i < count; i++) {
            memcpy(output + (size_t)i * 4u, &bits, 4);
        }
    }
}

static inline void tml_pad_ref(const tml_pad_params *p, const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const int32_t *id = p->in_dims, *od = p->out_dims, *b = p->before;
    const int32_t eb = p->elem_bytes;
    const size_t row = (size_t)id[4] * (size_t)eb;
    int32_t i0, i1, i2, i3;
    tml_pad_fill_(out, od[0] * od[1] * od[2] * od[3] * od[4], eb, p->pad_bits);
    for (i0 = 0; i0 < id[0]; i0++) {
        for (i1 = 0; i1 < id[1]; i1++) {
            for (i2 = 0; i2 < id[2]; i2++) {
                for (i3 = 0; i3 < id[3]; i3++) {
                    int32_t o = i0 + b[0];
                    o = o * od[1] + i1 + b[1];
                    o = o * od[2] + i2 + b[2];
                    o = o * od[3] + i3 + b[3];
                    o = o * od[4] + b[4];
                    memcpy(out + (size_t)o * (size_t)eb, in, row);
                    in += row;
                }
            }
        }
    }
}

#endif /* TINYML_REF_SHAPE_H */

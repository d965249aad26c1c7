/*
 * Shape operators: CONCATENATION, STRIDED_SLICE, PAD / PADV2, and a plain copy.
 *
 * These kernels only move elements, so they take any dtype: elements are copied as
 * elem_bytes-sized units (1, 2, 4 or 8 bytes). Like TFLite Micro, CONCATENATION copies
 * int8 values unchanged even when an input's scale or zero point differs from the output's.
 * RESHAPE and SQUEEZE have no kernel: their output shares the input's bytes
 * (tml_copy is used only when the input is a constant).
 *
 * Shapes are row-major ([N, H, W, C] for images). Every per-dimension array below has
 * TML_SHAPE_DIMS entries: shapes of lower rank are extended with leading 1s at
 * generation time.
 */
#ifndef TINYML_OPS_SHAPE_H
#define TINYML_OPS_SHAPE_H

#include "../tml_common.h"

#define TML_SHAPE_DIMS 5

/** CONCATENATION, one call per input: output[o][offset .. offset + in_row) = input[o][..]. */
typedef struct {
    int32_t outer;            /* product of the dimensions before the axis */
    int32_t in_row_bytes;     /* this input's bytes per outer index (axis and inner dims) */
    int32_t out_row_bytes;    /* the output's bytes per outer index */
    int32_t out_offset_bytes; /* where this input starts inside an output row */
} tml_concat_params;

/** STRIDED_SLICE, resolved at generation time into a start and (count, step) per dimension. */
typedef struct {
    int32_t elem_bytes;
    int32_t start;            /* element offset of the first element read */
    const int32_t *count;     /* [TML_SHAPE_DIMS] elements taken along each dimension */
    const int32_t *step;      /* [TML_SHAPE_DIMS] element offset between two of them (may be < 0) */
} tml_strided_slice_params;

/** PAD / PADV2: output = input surrounded by pad_value. */
typedef struct {
    int32_t elem_bytes;
    uint32_t pad_bits;        /* the pad element's bit pattern (int8 zero point, float bits, ...) */
    const int32_t *in_dims;   /* [TML_SHAPE_DIMS] */
    const int32_t *out_dims;  /* [TML_SHAPE_DIMS] */
    const int32_t *before;    /* [TML_SHAPE_DIMS] padding before each dimension */
} tml_pad_params;

#include "../ref/shape.h" /* the kernels: portable C, the only path */

/* Dispatch: the reference path until an architecture provides its own. */
static inline void tml_concat(const tml_concat_params *p, const void *input, void *output)
{
    tml_concat_ref(p, input, output);
}

static inline void tml_strided_slice(const tml_strided_slice_params *p, const void *input, void *output)
{
    tml_strided_slice_ref(p, input, output);
}

static inline void tml_pad(const tml_pad_params *p, const void *input, void *output)
{
    tml_pad_ref(p, input, output);
}

#endif /* TINYML_OPS_SHAPE_H */

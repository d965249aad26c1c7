/*
 * Movement operators: TRANSPOSE, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, EXPAND_DIMS, SHAPE,
 * BROADCAST_TO, GATHER.
 *
 * They only move elements, never change them (int8 values are copied unchanged whatever the
 * scales, as in TFLite Micro), so the kernels take elements as elem_bytes-sized units
 * (1, 2, 4 or 8 bytes). All indexing (negative axes, permutations, broadcast shapes, slice
 * windows) is resolved at generation time; what is left is one of three copies:
 *   tml_transpose  a strided gather: TRANSPOSE and BROADCAST_TO (stride 0 = broadcast);
 *   tml_split      a block copy out of every outer row: SPLIT, SPLIT_V, UNPACK (one call per output);
 *   tml_gather     GATHER, whose positions are read at run time.
 * PACK uses tml_concat and SLICE tml_strided_slice (ops/shape.h). EXPAND_DIMS has no kernel (its
 * output shares the input's bytes, like RESHAPE); SHAPE's output is a constant array.
 *
 * Shapes are row-major ([N, H, W, C] for images).
 */
#ifndef TINYML_OPS_MOVEMENT_H
#define TINYML_OPS_MOVEMENT_H

#include "../tml_common.h"
#include "shape.h" /* tml_copy, tml_concat, tml_strided_slice */

#define TML_MOVE_DIMS 5

/** TRANSPOSE / BROADCAST_TO: output[i0..i4] = input[sum(i_k * strides[k])], output in row-major order.
 *  The generator drops size-1 dimensions and merges dimensions that stay contiguous, so the innermost
 *  dimension is as long as possible; unused leading dimensions are 1. */
typedef struct {
    int32_t elem_bytes;
    const int32_t *dims;     /* [TML_MOVE_DIMS] output dimensions */
    const int32_t *strides;  /* [TML_MOVE_DIMS] input element stride along each output dimension (0: broadcast) */
} tml_transpose_params;

/** SPLIT / SPLIT_V / UNPACK, one call per output:
 *  output[o][0 .. out_row_bytes) = input[o][in_offset_bytes .. in_offset_bytes + out_row_bytes). */
typedef struct {
    int32_t outer;            /* product of the dimensions before the axis */
    int32_t in_row_bytes;     /* the input's bytes per outer index (axis and inner dims) */
    int32_t out_row_bytes;    /* this output's bytes per outer index */
    int32_t in_offset_bytes;  /* where this output starts inside an input row */
} tml_split_params;

/** GATHER: for each batch b, outer index o and position c,
 *  output[b][o][c][..] = input[b][o][positions[b][c]][..] (inner_bytes each).
 *  A position outside [0, axis_size) gives inner_bytes zero bytes (TFLite Micro's invoke fails
 *  instead); the table is never read outside its bounds. */
typedef struct {
    int32_t batch;            /* product of the first batch_dims dimensions */
    int32_t outer;            /* product of the dimensions between batch_dims and the axis */
    int32_t positions;        /* positions per batch */
    int32_t axis_size;        /* the input's dimension along the axis */
    int32_t inner_bytes;      /* bytes of one gathered slice (dimensions after the axis) */
} tml_gather_params;

#include "../ref/movement.h" /* the kernels: portable C, the only path */

/* Dispatch: the reference path until an architecture provides its own. */
static inline void tml_transpose(const tml_transpose_params *p, const void *input, void *output)
{
    tml_transpose_ref(p, input, output);
}

static inline void tml_split(const tml_split_params *p, const void *input, void *output)
{
    tml_split_ref(p, input, output);
}

static inline void tml_gather(const tml_gather_params *p, const void *input, const int32_t *positions,
                              void *output)
{
    tml_gather_ref(p, input, positions, output);
}

#endif /* TINYML_OPS_MOVEMENT_H */

/*
 * Running a window operator (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D) on a band of
 * its output rows. The generator uses it to compute a pool together with the convolution that feeds
 * it, a few rows at a time, so that the convolution's whole output is never stored.
 */
#ifndef TINYML_OPS_ROWS_H
#define TINYML_OPS_ROWS_H

#include "../tml_common.h"

/** Restrict a window operator's params to output rows [y0, y1): afterwards the kernel writes row y0
 *  as its first row and reads its input from the returned row on (pass input + that many rows).
 *  Each output value is computed exactly as in the whole call. */
static inline int32_t tml_rows(int32_t *input_height, int32_t *output_height, int32_t *pad_height,
                               int32_t stride_height, int32_t y0, int32_t y1)
{
    const int32_t top = y0 * stride_height - *pad_height;
    *output_height = y1 - y0;
    if (top > 0) {
        *input_height -= top;
        *pad_height = 0;
        return top;
    }
    *pad_height = -top;
    return 0;
}

/** tml_rows on a params struct of any window operator (they share these field names). */
#define TML_ROWS(p, y0, y1) \
    tml_rows(&(p).input_height, &(p).output_height, &(p).pad_height, (p).stride_height, (y0), (y1))

#endif /* TINYML_OPS_ROWS_H */

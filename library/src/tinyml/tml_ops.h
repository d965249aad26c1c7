/* Every operator family of the kernel library. */
#ifndef TINYML_TML_OPS_H
#define TINYML_TML_OPS_H

#include "ops/fully_connected.h"
#include "ops/conv.h"
#include "ops/pool.h"
#include "ops/activations.h"
#include "ops/elementwise.h"
#include "ops/binary.h"
#include "ops/quantize.h"
#include "ops/shape.h"
#include "ops/reduce.h"
#include "ops/resize.h"
#include "ops/lstm.h"
#include "ops/svdf.h"
#include "ops/unary.h"
#include "ops/cast.h"
#include "ops/signal_stream.h"
#include "ops/detection.h"
#include "ops/movement.h"
#include "ops/signal.h"
#include "ops/pointwise.h"
#include "ops/transpose_conv.h"
#include "ops/batch_matmul.h"

#endif /* TINYML_TML_OPS_H */

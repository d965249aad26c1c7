"""Test models for BATCH_MATMUL (tf.linalg.matmul with batch dimensions): equal and broadcast batch
dimensions, ranks 3 to 5, transposed operands, a constant rhs; float32, int8 and int16x8. Forms
TensorFlow rewrites into other operators are built directly in tests/test_ops_batch_matmul.py.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8

# name -> (lhs shape, rhs shape or None with a constant rhs of const_shape, transpose_a, transpose_b, const_shape)
CASES = {
    "b2_3x4x5": ((2, 3, 4), (2, 4, 5), False, False, None),
    "bcast_lhs": ((1, 3, 6), (4, 6, 2), False, False, None),
    "bcast_rank4": ((2, 1, 3, 8), (3, 8, 4), False, False, None),
    "adj_y": ((2, 5, 7), (2, 3, 7), False, True, None),
    "adj_x": ((3, 6, 4), (3, 6, 5), True, False, None),
    "rank5": ((2, 1, 2, 3, 4), (1, 3, 1, 4, 2), False, False, None),
    "const_rhs": ((2, 4, 8), None, False, False, (2, 8, 6)),
    "const_rhs_bcast": ((3, 2, 5, 12), None, False, False, (3, 1, 12, 8)),
    "attention": ((2, 6, 16), (2, 6, 16), False, True, None),
}


def _fn(shape_a, shape_b, ta, tb, const, seed):
    tfm = tf()
    rng = np.random.default_rng(seed)
    if const is not None:
        w = tfm.constant(rng.uniform(-1, 1, const).astype(np.float32))

        @tfm.function
        def f(a):
            return tfm.linalg.matmul(a, w, transpose_a=ta, transpose_b=tb)
        return f, [tfm.TensorSpec(shape_a, tfm.float32)], [shape_a]

    @tfm.function
    def g(a, b):
        return tfm.linalg.matmul(a, b, transpose_a=ta, transpose_b=tb)
    return g, [tfm.TensorSpec(shape_a, tfm.float32), tfm.TensorSpec(shape_b, tfm.float32)], [shape_a, shape_b]


def models() -> dict:
    out = {}
    for i, (case, (sa, sb, ta, tb, const)) in enumerate(sorted(CASES.items())):
        fn, specs, reps = _fn(sa, sb, ta, tb, const, 400 + i)
        name = f"batch_matmul_{case}"
        out[f"{name}_f32"] = to_float(fn, specs)
        out[f"{name}_int8"] = to_int8(fn, reps, specs, seed=i)
        out[f"{name}_int16x8"] = to_int8(fn, reps, specs, seed=i, int16x8=True)
    return out

"""FULLY_CONNECTED test models (Keras Dense), int8 and float32, in the shapes the optimized kernels
tell apart: depth 1; depths that are multiples of 4 with row counts in groups of four and with one
to three rows left over; depths that are neither (the general path); several batches; a clamp
narrower than int8 (RELU6); a wide layer; per-tensor and per-channel weights."""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _model(input_shape, layers, seed):
    tfm = tf()
    tfm.keras.utils.set_random_seed(seed)
    x = inp = tfm.keras.Input(shape=input_shape, batch_size=1)
    for units, act in layers:
        x = tfm.keras.layers.Dense(units, activation=act,
                                   bias_initializer=tfm.keras.initializers.RandomUniform(-0.5, 0.5))(x)
    return tfm.keras.Model(inp, x)


CASES = {
    # name: (input shape without the batch, [(units, activation)])
    "dense_d1_r7": ((1,), [(7, "relu"), (6, None)]),       # depth 1, 7 rows; then depth 7
    "dense_d12_r9": ((12,), [(9, "relu"), (4, None)]),     # 2 groups + 1 row; then depth 9
    "dense_d16_r16_r1": ((16,), [(16, "relu"), (1, None)]),
    "dense_d8_r3": ((8,), [(3, None)]),                    # rows only left over
    "dense_batch3": ((3, 20), [(10, "relu"), (5, None)]),  # three rows of input
    "dense_relu6": ((24,), [(12, "relu6")]),
    "dense_wide": ((96,), [(40, "relu"), (10, None)]),
}


def models() -> dict:
    out = {}
    for i, (name, (shape, layers)) in enumerate(CASES.items()):
        m = _model(shape, layers, 300 + i)
        out[f"{name}_f32"] = to_float(m)
        # per-tensor weights (the shared models' kind) and, for some, per-channel (what TensorFlow makes now)
        out[f"{name}_int8"] = to_int8(m, [(1,) + shape], seed=i, per_channel=False)
        if name in ("dense_d12_r9", "dense_wide", "dense_batch3"):
            out[f"{name}_int8pc"] = to_int8(m, [(1,) + shape], seed=i)
    return out

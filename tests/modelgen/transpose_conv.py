"""Test models for TRANSPOSE_CONV (Keras Conv2DTranspose): strides 1, 2, 3 and unequal, SAME/VALID,
non-square kernels, odd channel counts, no bias, fused RELU/RELU6, output padding, batch 2; float32, int8
(per-channel and per-tensor weights) and int16x8. Forms TensorFlow does not write (an int16 bias,
RELU_N1_TO_1) are built directly in tests/test_ops_transpose_conv.py.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _model(input_shape, batch, **kw):
    tfm = tf()
    inp = tfm.keras.Input(shape=input_shape, batch_size=batch)
    return tfm.keras.Model(inp, tfm.keras.layers.Conv2DTranspose(**kw)(inp))


def _seed_weights(model, seed):
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        ws = layer.get_weights()
        if ws:
            layer.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in ws])
    return model


# name -> (input shape without batch, batch, Conv2DTranspose arguments)
CASES = {
    "s2_same_3x3": ((4, 5, 6), 1, dict(filters=5, kernel_size=3, strides=2, padding="same")),
    "s2_valid_3x3_relu": ((4, 4, 3), 1, dict(filters=4, kernel_size=3, strides=2, padding="valid",
                                             activation="relu")),
    "s1_same_4x4": ((5, 5, 4), 1, dict(filters=3, kernel_size=4, strides=1, padding="same")),
    "s1_valid_2x3_relu6": ((4, 6, 5), 1, dict(filters=7, kernel_size=(2, 3), strides=1, padding="valid",
                                              activation="relu6")),
    "s21_same_3x2_nobias": ((3, 5, 8), 1, dict(filters=8, kernel_size=(3, 2), strides=(2, 1), padding="same",
                                               use_bias=False)),
    "s3_valid_2x2": ((3, 3, 4), 1, dict(filters=6, kernel_size=2, strides=3, padding="valid")),
    "s2_same_5x5_outpad": ((3, 4, 2), 1, dict(filters=4, kernel_size=5, strides=2, padding="same",
                                              output_padding=1)),
    "s2_same_batch2": ((3, 3, 16), 2, dict(filters=16, kernel_size=3, strides=2, padding="same",
                                           activation="relu")),
    "s4_same_4x4_deep": ((2, 2, 32), 1, dict(filters=12, kernel_size=4, strides=4, padding="same")),
}
_PER_TENSOR = {"s2_same_3x3", "s1_valid_2x3_relu6"}


def models() -> dict:
    out = {}
    for i, (case, (shape, batch, kw)) in enumerate(sorted(CASES.items())):
        model = _seed_weights(_model(shape, batch, **kw), 300 + i)
        full = (batch,) + tuple(shape)
        name = f"transpose_conv_{case}"
        out[f"{name}_f32"] = to_float(model)
        out[f"{name}_int8"] = to_int8(model, [full], seed=i)
        out[f"{name}_int16x8"] = to_int8(model, [full], seed=i, int16x8=True)
        if case in _PER_TENSOR:
            out[f"{name}_int8pt"] = to_int8(model, [full], seed=i, per_channel=False)
    return out

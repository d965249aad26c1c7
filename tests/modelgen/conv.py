"""Test models for CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D and MAX_POOL_2D.

Tiny shapes, covering strides 1/2, dilation 2, SAME/VALID, odd channel counts, non-square
kernels, depth_multiplier 2, grouped convolution, fused RELU/RELU6/RELU_N1_TO_1, per-channel
and per-tensor int8 weights, float32, and batch 2.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _keras(input_shape, layers, batch=1, post=None):
    """A Keras functional model: input -> layers -> optional post function."""
    tfm = tf()
    x = inp = tfm.keras.Input(shape=input_shape, batch_size=batch)
    for layer in layers:
        x = layer(x)
    if post is not None:
        x = post(x)
    return tfm.keras.Model(inp, x)


def _seed_weights(model, seed):
    """Deterministic weights with non-trivial biases (Keras initializes biases to zero)."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        ws = layer.get_weights()
        if ws:
            layer.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in ws])
    return model


def _cases():
    tfm = tf()
    L = tfm.keras.layers
    relu_n1_to_1 = lambda x: tfm.keras.ops.minimum(tfm.keras.ops.maximum(x, -1.0), 1.0)  # noqa: E731
    # name -> (input shape without batch, layer factory, post function, batch)
    return {
        # CONV_2D
        "conv_s1_same_relu": ((7, 9, 3), lambda: [L.Conv2D(5, 3, padding="same", activation="relu")], None, 1),
        "conv_s2_valid_relu6_3x2": ((9, 8, 5), lambda: [L.Conv2D(4, (3, 2), strides=2, padding="valid",
                                                                 activation="relu6")], None, 1),
        "conv_s2_same_nonsq_stride": ((8, 7, 4), lambda: [L.Conv2D(3, (2, 3), strides=(2, 1), padding="same")],
                                      None, 1),
        "conv_dil2_same": ((9, 9, 3), lambda: [L.Conv2D(6, 3, dilation_rate=2, padding="same")], None, 1),
        "conv_dil2_valid_2x3": ((8, 9, 2), lambda: [L.Conv2D(3, (2, 3), dilation_rate=(2, 1), padding="valid",
                                                             activation="relu")], None, 1),
        "conv_1x1": ((5, 5, 7), lambda: [L.Conv2D(9, 1, activation="relu6")], None, 1),
        "conv_nobias_n1to1": ((6, 6, 3), lambda: [L.Conv2D(4, 3, padding="same", use_bias=False)],
                              relu_n1_to_1, 1),
        "conv_grouped": ((6, 6, 4), lambda: [L.Conv2D(6, 3, padding="same", groups=2)], None, 1),
        # DEPTHWISE_CONV_2D
        "dw_s1_same_relu": ((7, 8, 3), lambda: [L.DepthwiseConv2D(3, padding="same", activation="relu")],
                            None, 1),
        "dw_m2_s2_valid_relu6_3x2": ((9, 8, 5), lambda: [L.DepthwiseConv2D((3, 2), strides=2, padding="valid",
                                                                           depth_multiplier=2,
                                                                           activation="relu6")], None, 1),
        "dw_s2_same": ((8, 9, 4), lambda: [L.DepthwiseConv2D(3, strides=2, padding="same")], None, 1),
        "dw_dil2_m2": ((9, 9, 3), lambda: [L.DepthwiseConv2D(3, dilation_rate=2, padding="same",
                                                             depth_multiplier=2)], None, 1),
        "dw_n1to1": ((6, 5, 3), lambda: [L.DepthwiseConv2D((2, 3), padding="same")], relu_n1_to_1, 1),
        # pools
        "avgpool_3x3_s2_same": ((7, 7, 3), lambda: [L.AveragePooling2D(3, strides=2, padding="same")], None, 1),
        "avgpool_2x3_valid": ((6, 8, 5), lambda: [L.AveragePooling2D((2, 3), strides=(2, 1), padding="valid")],
                              None, 1),
        "avgpool_relu": ((6, 6, 3), lambda: [L.AveragePooling2D(2, padding="same"), L.ReLU()], None, 1),
        "maxpool_3x2_s2_same": ((7, 6, 3), lambda: [L.MaxPooling2D((3, 2), strides=2, padding="same")], None, 1),
        "maxpool_2x2_valid": ((6, 7, 5), lambda: [L.MaxPooling2D(2, padding="valid")], None, 1),
        "maxpool_relu6": ((6, 6, 3), lambda: [L.MaxPooling2D(2, strides=1, padding="same"), L.ReLU(6.0)],
                          None, 1),
        # a small network: conv -> depthwise -> conv -> pools, batch 2 in float
        "net_batch2": ((8, 8, 3), lambda: [L.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
                                           L.DepthwiseConv2D(3, padding="same", activation="relu6"),
                                           L.MaxPooling2D(2), L.Conv2D(5, 1), L.AveragePooling2D(2)], None, 2),
    }


def _fused_cases():
    """Window operator -> pool chains, which the generator runs band by band (batch 1, the pool's
    windows do not overlap): padded and strided producers, SAME pools, skipped last rows."""
    L = tf().keras.layers
    return {
        "fused_conv_maxpool": ((9, 7, 3), lambda: [L.Conv2D(4, 3, padding="same", activation="relu"),
                                                   L.MaxPooling2D(2)], None, 1),
        "fused_dw_avgpool_same": ((10, 8, 3), lambda: [L.DepthwiseConv2D(3, padding="valid", depth_multiplier=2),
                                                       L.AveragePooling2D(3, strides=3, padding="same")], None, 1),
        "fused_conv_s2_maxpool_same": ((13, 11, 2), lambda: [L.Conv2D(5, (3, 2), strides=2, padding="same"),
                                                             L.MaxPooling2D(3, strides=3, padding="same")], None, 1),
        "fused_pointwise_maxpool_3x1": ((8, 5, 6), lambda: [L.Conv2D(8, 1, activation="relu6"),
                                                            L.MaxPooling2D((3, 1), strides=(3, 2))], None, 1),
        "fused_avgpool_maxpool": ((12, 6, 4), lambda: [L.AveragePooling2D(2, strides=1, padding="same"),
                                                       L.MaxPooling2D(2)], None, 1),
    }


# which variants to convert for each case
_FLOAT_ONLY = {"net_batch2"}
_PER_TENSOR = {"conv_s1_same_relu", "dw_m2_s2_valid_relu6_3x2"}
_INT8_ONLY = {"conv_grouped"}  # TFLM's float grouped conv exists too, but keep the set small


def models() -> dict:
    out = {}
    for i, (case, (shape, layers, post, batch)) in enumerate(sorted(_cases().items())):
        name = case if case.startswith("conv_") else f"conv_{case}"
        model = _seed_weights(_keras(shape, layers(), batch, post), 100 + i)
        full = (batch,) + tuple(shape)
        if case not in _INT8_ONLY:
            out[f"{name}_f32"] = to_float(model)
        if case not in _FLOAT_ONLY:
            out[f"{name}_int8"] = to_int8(model, [full], seed=i)
        if case in _PER_TENSOR:
            out[f"{name}_int8pt"] = to_int8(model, [full], seed=i, per_channel=False)
    for i, (case, (shape, layers, post, batch)) in enumerate(sorted(_fused_cases().items())):
        model = _seed_weights(_keras(shape, layers(), batch, post), 200 + i)
        full = (batch,) + tuple(shape)
        out[f"conv_{case}_f32"] = to_float(model)
        out[f"conv_{case}_int8"] = to_int8(model, [full], seed=200 + i)
    return out

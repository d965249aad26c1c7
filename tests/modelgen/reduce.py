"""Test models for SUM, REDUCE_MAX, ARG_MAX and ARG_MIN (MEAN's are in the shape family).

TensorFlow models: float32, int8 and int16 (16x8, SUM only: TFLM's REDUCE_MAX and ARG_MAX have no int16),
one axis, several axes, negative axes, all axes, keep_dims true and false, 2-D to 5-D inputs.
Flatbuffer-built models: SUM and REDUCE_MAX over repeated axes, SUM with equal,
larger and smaller output scales, extreme zero points.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _fn(body, shape):
    tfm = tf()
    return tfm.function(body), [tfm.TensorSpec(shape, tfm.float32)]


def _tf_cases():
    tfm = tf()
    am = lambda ax: (lambda x: tfm.math.argmax(x, axis=ax, output_type=tfm.int32))  # noqa: E731
    an = lambda ax: (lambda x: tfm.math.argmin(x, axis=ax, output_type=tfm.int32))  # noqa: E731
    all3 = ("float", "int8", "int16")
    # name -> (body, input shape, kinds)
    return {
        "sum_hw_keep": (lambda x: tfm.reduce_sum(x, axis=[1, 2], keepdims=True), (1, 4, 5, 3), all3),
        "sum_last": (lambda x: tfm.reduce_sum(x, axis=-1), (3, 7), all3),
        "sum_02_keep": (lambda x: tfm.reduce_sum(x, axis=[0, 2], keepdims=True), (3, 4, 5), all3),
        "sum_3axes": (lambda x: tfm.reduce_sum(x, axis=[0, 2, -1]), (2, 3, 4, 5), all3),
        "sum_all": (lambda x: tfm.reduce_sum(x), (4, 6), ("float", "int8")),
        "sum_5d": (lambda x: tfm.reduce_sum(x, axis=[1, 3]), (2, 3, 2, 4, 3), ("float", "int8")),
        "max_hw_keep": (lambda x: tfm.reduce_max(x, axis=[1, 2], keepdims=True), (1, 4, 5, 3), ("float", "int8")),
        "max_last": (lambda x: tfm.reduce_max(x, axis=-1), (3, 7), ("float", "int8")),
        "max_0_2": (lambda x: tfm.reduce_max(x, axis=[0, -1], keepdims=True), (3, 4, 5), ("float", "int8")),
        "max_all": (lambda x: tfm.reduce_max(x, axis=[0, 1, 2, 3]), (2, 3, 4, 5), ("float", "int8")),
        "argmax_1": (am(1), (2, 5, 3), ("float", "int8")),
        "argmax_last": (am(-1), (4, 7), ("float", "int8")),
        "argmax_0": (am(0), (6,), ("float", "int8")),
        "argmax_4d_c": (am(3), (1, 3, 4, 10), ("float", "int8")),
        "argmin_1": (an(1), (2, 5, 3), ("float", "int8")),
        "argmin_last": (an(-1), (4, 7), ("float", "int8")),
        "argmin_4d_h": (an(-3), (2, 6, 2, 3), ("float", "int8")),
    }


def _reduce_model(op: str, dtype: str, shape, axes, out_shape, keep: bool, q_in=None, q_out=None) -> bytes:
    from tflite_build import build
    q_in = {} if dtype == "float32" else dict(zip(("scale", "zp"), q_in))
    q_out = {} if dtype == "float32" else dict(zip(("scale", "zp"), q_out))
    return build(tensors=[dict(shape=list(shape), dtype=dtype, **q_in),
                          dict(shape=[len(axes)], dtype="int32", data=np.array(axes, np.int32)),
                          dict(shape=list(out_shape), dtype=dtype, **q_out)],
                 ops=[dict(op=op, inputs=[0, 1], outputs=[2], options_type="ReducerOptions",
                           options=dict(keep_dims=keep))],
                 inputs=[0], outputs=[2])


def _schema_cases() -> dict:
    return {
        "reduce_raw_sum_s8_dup": _reduce_model("SUM", "int8", (2, 3, 4), [1, -2, 2], (2,), False, (0.1, 3), (1.3, 0)),
        "reduce_raw_sum_s8_same": _reduce_model("SUM", "int8", (4, 5), [0], (1, 5), True, (0.1, -128), (0.1, -128)),
        "reduce_raw_sum_s8_up": _reduce_model("SUM", "int8", (4, 5), [1], (4,), False, (0.5, 127), (0.01, 100)),
        "reduce_raw_sum_s16": _reduce_model("SUM", "int16", (3, 4, 5), [-1, 0], (4,), False, (0.001, 0),
                                            (0.0137, 0)),
        "reduce_raw_sum_s16_zp": _reduce_model("SUM", "int16", (6, 5), [0], (5,), False, (0.002, 1000),
                                               (0.004, -7)),
                                                  (0.1, 3)),
        "reduce_raw_max_f32_dup": _reduce_model("REDUCE_MAX", "float32", (3, 4, 2), [2, -1, 0], (1, 4, 1), True),
    }


def models() -> dict:
    out = {}
    for name, (body, shape, kinds) in _tf_cases().items():
        fn, specs = _fn(body, shape)
        for k, kind in enumerate(kinds):
            seed = 5 * k + len(name)
            if kind == "float":
                out[f"reduce_{name}_f32"] = to_float(fn, specs)
            elif kind == "int8":
                out[f"reduce_{name}_int8"] = to_int8(fn, [shape], specs, seed=seed)
            else:
                out[f"reduce_{name}_int16"] = to_int8(fn, [shape], specs, int16x8=True, seed=seed)
    out.update(_schema_cases())
    return out

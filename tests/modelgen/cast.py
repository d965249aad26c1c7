"""Test models for CAST.

Flatbuffer-built models: every pair of int8, int16, int32, uint32 and float32 (a type to itself and
int32 <-> uint32 are views), every type to bool and back (bool cannot be a model input or output),
constant inputs (a bool one, and a copied view), the CAST chains of TFLM's audio front end
(uint32 -> int32 -> slice -> concatenation -> uint32; int16 -> int32 -> MUL/ADD -> int8;
int16 -> float32 -> MUL). TensorFlow models: tf.cast between float32, int32, int8 and int16.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float

SHORT = {"int8": "s8", "int16": "s16", "int32": "s32", "uint32": "u32", "float32": "f32", "bool": "bool"}
NUMERIC = ("int8", "int16", "int32", "uint32", "float32")


def cast_model(src: str, dst: str, shape=(3, 20), dst_shape=None) -> bytes:
    from tflite_build import build
    return build(tensors=[dict(shape=list(shape), dtype=src), dict(shape=list(dst_shape or shape), dtype=dst)],
                 ops=[dict(op="CAST", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])


def cast_chain(types, shape=(4, 9)) -> bytes:
    """CAST types[0] -> types[1] -> ... -> types[-1]."""
    from tflite_build import build
    tensors = [dict(shape=list(shape), dtype=t) for t in types]
    ops = [dict(op="CAST", inputs=[k], outputs=[k + 1]) for k in range(len(types) - 1)]
    return build(tensors=tensors, ops=ops, inputs=[0], outputs=[len(types) - 1])


def _const_models() -> dict:
    from tflite_build import build
    flags = np.array([0, 1, 1, 0, 1, 0, 0, 1], np.bool_)
    const_bool = build(
        tensors=[dict(shape=[8], dtype="bool", data=flags), dict(shape=[8], dtype="float32"),
                 dict(shape=[8], dtype="float32"), dict(shape=[8], dtype="float32")],
        ops=[dict(op="CAST", inputs=[0], outputs=[1]), dict(op="ADD", inputs=[2, 1], outputs=[3],
                                                             options_type="AddOptions", options={})],
        inputs=[2], outputs=[3])
    words = np.array([0, 1, -1, 2**31 - 1, -2**31, 12345, -7, 65536], np.int32)
    const_view = build(
        tensors=[dict(shape=[8], dtype="int32", data=words), dict(shape=[8], dtype="uint32"),
                 dict(shape=[8], dtype="int32"), dict(shape=[8], dtype="int32"), dict(shape=[8], dtype="int32")],
        ops=[dict(op="CAST", inputs=[0], outputs=[1]), dict(op="CAST", inputs=[1], outputs=[2]),
             dict(op="ADD", inputs=[3, 2], outputs=[4], options_type="AddOptions", options={})],
        inputs=[3], outputs=[4])
    return {"cast_const_bool": const_bool, "cast_const_view": const_view}


def _audio_models() -> dict:
    """The CASTs of audio_preprocessor_int8/float.tflite with their neighbours (the Signal operators
    replaced by model inputs and outputs)."""
    from tflite_build import build
    i32 = lambda v: np.array(v, np.int32)  # noqa: E731
    spectrum = build(
        tensors=[dict(shape=[257], dtype="uint32"), dict(shape=[257], dtype="int32"),
                 dict(shape=[1], dtype="int32", data=i32([5])), dict(shape=[1], dtype="int32", data=i32([241])),
                 dict(shape=[1], dtype="int32", data=i32([1])), dict(shape=[236], dtype="int32"),
                 dict(shape=[5], dtype="int32", data=np.zeros(5, np.int32)),
                 dict(shape=[16], dtype="int32", data=np.zeros(16, np.int32)),
                 dict(shape=[257], dtype="int32"), dict(shape=[257], dtype="uint32")],
        ops=[dict(op="CAST", inputs=[0], outputs=[1]),
             dict(op="STRIDED_SLICE", inputs=[1, 2, 3, 4], outputs=[5], options_type="StridedSliceOptions",
                  options={}),
             dict(op="CONCATENATION", inputs=[6, 5, 7], outputs=[8], options_type="ConcatenationOptions",
                  options=dict(axis=0)),
             dict(op="CAST", inputs=[8], outputs=[9])],
        inputs=[0], outputs=[9])
    features = build(
        tensors=[dict(shape=[40], dtype="int16"), dict(shape=[40], dtype="int32"),
                 dict(shape=[], dtype="int32", data=i32(3)), dict(shape=[40], dtype="int32"),
                 dict(shape=[], dtype="int32", data=i32(-1000)), dict(shape=[40], dtype="int32"),
                 dict(shape=[40], dtype="int8")],
        ops=[dict(op="CAST", inputs=[0], outputs=[1]),
             dict(op="MUL", inputs=[1, 2], outputs=[3], options_type="MulOptions", options={}),
             dict(op="ADD", inputs=[3, 4], outputs=[5], options_type="AddOptions", options={}),
             dict(op="CAST", inputs=[5], outputs=[6])],
        inputs=[0], outputs=[6])
    features_f = build(
        tensors=[dict(shape=[40], dtype="int16"), dict(shape=[40], dtype="float32"),
                 dict(shape=[], dtype="float32", data=np.array(0.0390625, np.float32)),
                 dict(shape=[40], dtype="float32")],
        ops=[dict(op="CAST", inputs=[0], outputs=[1]),
             dict(op="MUL", inputs=[1, 2], outputs=[3], options_type="MulOptions", options={})],
        inputs=[0], outputs=[3])
    return {"cast_audio_spectrum": spectrum, "cast_audio_features_int8": features,
            "cast_audio_features_float": features_f}


def _tf_models() -> dict:
    tfm = tf()
    cases = {
        "cast_tf_f32_s32": (lambda x: tfm.cast(x * 300.0, tfm.int32), tfm.float32),
        "cast_tf_s32_f32": (lambda x: tfm.cast(x, tfm.float32) * 0.5, tfm.int32),
        "cast_tf_s8_s16": (lambda x: tfm.cast(x, tfm.int16), tfm.int8),
        "cast_tf_s16_f32": (lambda x: tfm.cast(x, tfm.float32), tfm.int16),
    }
    out = {}
    for name, (body, dtype) in cases.items():
        fn = tfm.function(body)
        out[name] = to_float(fn, [tfm.TensorSpec((2, 15), dtype)])
    return out


def models() -> dict:
    m = {}
    for a in NUMERIC:
        for b in NUMERIC:
            m[f"cast_{SHORT[a]}_{SHORT[b]}"] = cast_model(a, b)
        m[f"cast_{SHORT[a]}_bool_s32"] = cast_chain([a, "bool", "int32"])
        m[f"cast_s16_bool_{SHORT[a]}"] = cast_chain(["int16", "bool", a])
    m["cast_f32_bool_bool_f32"] = cast_chain(["float32", "bool", "bool", "float32"])
    m["cast_s32_f32_reshaped"] = cast_model("int32", "float32", (2, 3, 4), (24,))
    m.update(_const_models())
    m.update(_audio_models())
    m.update(_tf_models())
    return m

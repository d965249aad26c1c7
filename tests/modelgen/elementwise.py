"""Test models for ADD, MUL, QUANTIZE and DEQUANTIZE.

TensorFlow models: int8, int16 (16x8) and float32; same shapes, broadcasting ([1,4,4,3] + [3],
[1,4,1,3] * [1,1,5,3], 5-D, scalar constants), a constant operand, fused RELU/RELU6/RELU_N1_TO_1,
float I/O (QUANTIZE float -> int8/int16 at the input, DEQUANTIZE at the output).
Flatbuffer-built models: every integer requantization TFLM supports, several scales and
zero points, and int32 ADD/MUL.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _fn(body, shapes):
    """A tf.function of len(shapes) float inputs, with its input specs."""
    tfm = tf()
    specs = [tfm.TensorSpec(s, tfm.float32) for s in shapes]
    return tfm.function(body), specs


def _tf_cases():
    tfm = tf()
    rng = np.random.default_rng(7)
    c3 = tfm.constant(rng.uniform(-1, 1, (3,)).astype(np.float32))
    c_row = tfm.constant(rng.uniform(0.2, 2, (1, 1, 5, 3)).astype(np.float32))
    n1to1 = lambda x: tfm.minimum(tfm.maximum(x, -1.0), 1.0)  # noqa: E731
    # name -> (body, input shapes, kinds); kinds: int8, int16, float, int8_fio, int16_fio
    return {
        "add_same": (lambda a, b: a + b, [(1, 4, 4, 3), (1, 4, 4, 3)], ("int8", "int16", "float")),
        "add_relu": (lambda a, b: tfm.nn.relu(a + b), [(2, 5), (2, 5)], ("int8", "int16", "float")),
        "add_bcast_c": (lambda a, b: a + b, [(1, 4, 4, 3), (3,)], ("int8", "int16", "float")),
        "add_bcast_2way": (lambda a, b: tfm.nn.relu6(3.0 * a + b), [(1, 4, 1, 3), (1, 1, 5, 3)],
                           ("int8", "float")),
        "add_bcast_5d": (lambda a, b: a + b, [(2, 1, 3, 1, 2), (1, 2, 1, 4, 2)], ("int8", "float")),
        "add_const": (lambda a: n1to1(a + c3), [(1, 3, 3)], ("int8", "int16", "float")),
        "add_scalar": (lambda a: a + 0.75, [(1, 2, 6)], ("int8", "float")),
        "mul_same": (lambda a, b: a * b, [(1, 4, 4, 3), (1, 4, 4, 3)], ("int8", "int16", "float")),
        "mul_bcast_2way": (lambda a, b: a * b, [(1, 4, 1, 3), (1, 1, 5, 3)], ("int8", "int16", "float")),
        "mul_bcast_5d_relu": (lambda a, b: tfm.nn.relu(a * b), [(2, 1, 3, 1, 2), (1, 2, 1, 4, 2)],
                              ("int8", "float")),
        "mul_const": (lambda a: a * c_row, [(1, 2, 5, 3)], ("int8", "int16", "float")),
        "mul_scalar_relu6": (lambda a: tfm.nn.relu6(a * 4.0), [(3, 7)], ("int8", "float")),
        "mul_square": (lambda a: a * a, [(4, 6)], ("int8", "int16")),
        "add_const_first": (lambda a: tfm.add(c_row, a), [(2, 1, 5, 1)], ("int8", "float")),
        "fio_add_mul": (lambda a, b: (a + b) * b, [(1, 6, 4), (1, 6, 4)], ("int8_fio", "int16_fio")),
    }


def _requant_model(src: str, dst: str, s_in: float, zp_in: int, s_out: float, zp_out: int,
                   shape=(2, 9)) -> bytes:
    from tflite_build import build
    return build(tensors=[dict(shape=list(shape), dtype=src, scale=s_in, zp=zp_in),
                          dict(shape=list(shape), dtype=dst, scale=s_out, zp=zp_out)],
                 ops=[dict(op="QUANTIZE", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])


def _dequant_model(src: str, scale: float, zp: int) -> bytes:
    from tflite_build import build
    return build(tensors=[dict(shape=[3, 5], dtype=src, scale=scale, zp=zp), dict(shape=[3, 5], dtype="float32")],
                 ops=[dict(op="DEQUANTIZE", inputs=[0], outputs=[1])], inputs=[0], outputs=[1])


def _int32_model(op: str, shape1, shape2, out_shape) -> bytes:
    from tflite_build import build
    return build(tensors=[dict(shape=list(shape1), dtype="int32"), dict(shape=list(shape2), dtype="int32"),
                          dict(shape=list(out_shape), dtype="int32")],
                 ops=[dict(op=op, inputs=[0, 1], outputs=[2])], inputs=[0, 1], outputs=[2])


def _schema_cases() -> dict:
    return {
        # QUANTIZE: integer requantization
        "elementwise_requant_s8_s8": _requant_model("int8", "int8", 0.05, 3, 0.02, -7),
        "elementwise_requant_s8_s8_up": _requant_model("int8", "int8", 0.01, -128, 0.3, 20),
        "elementwise_requant_s8_s16": _requant_model("int8", "int16", 0.05, -3, 0.0003, 0),
        "elementwise_requant_s8_s32": _requant_model("int8", "int32", 0.05, 10, 0.0001, 0),
        "elementwise_requant_s8_u8": _requant_model("int8", "uint8", 0.05, 0, 0.05, 128),
        "elementwise_requant_u8_s8": _requant_model("uint8", "int8", 0.04, 128, 0.03, 5),
        "elementwise_requant_s16_s8": _requant_model("int16", "int8", 0.000625, 0, 0.05920833, -128),
        "elementwise_requant_s16_s16": _requant_model("int16", "int16", 0.0001, 0, 0.00007, 0),
        "elementwise_requant_s16_s32": _requant_model("int16", "int32", 1.5259022e-05, -32768, 3.051851e-05, 0),
        "elementwise_requant_s32_s8": _requant_model("int32", "int8", 0.002, 0, 0.3, 4),
        "elementwise_requant_s32_s16": _requant_model("int32", "int16", 0.002, 0, 0.01, 0),
        # DEQUANTIZE
        "elementwise_dequant_s8": _dequant_model("int8", 0.0371, -5),
        "elementwise_dequant_u8": _dequant_model("uint8", 0.0123, 131),
        "elementwise_dequant_s16": _dequant_model("int16", 0.00031, 0),
        # int32 ADD/MUL (no quantization)
        "elementwise_add_i32_bcast": _int32_model("ADD", (2, 1, 4), (3, 1), (2, 3, 4)),
        "elementwise_mul_i32": _int32_model("MUL", (2, 7), (2, 7), (2, 7)),
    }


def models() -> dict:
    out = {}
    for name, (body, shapes, kinds) in _tf_cases().items():
        fn, specs = _fn(body, shapes)
        for k, kind in enumerate(kinds):
            seed = 11 * k + len(name)
            if kind == "float":
                out[f"elementwise_{name}_float"] = to_float(fn, specs)
            elif kind == "int8":
                out[f"elementwise_{name}_int8"] = to_int8(fn, shapes, specs, seed=seed)
            elif kind == "int16":
                out[f"elementwise_{name}_int16"] = to_int8(fn, shapes, specs, int16x8=True, seed=seed)
            elif kind == "int8_fio":
                out[f"elementwise_{name}_int8"] = to_int8(fn, shapes, specs, seed=seed, io_int=False)
            elif kind == "int16_fio":
                out[f"elementwise_{name}_int16"] = to_int8(fn, shapes, specs, int16x8=True, seed=seed,
                                                           io_int=False)
    out.update(_schema_cases())
    return out

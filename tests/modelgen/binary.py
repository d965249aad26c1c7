"""Test models for SUB, DIV, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE.

TensorFlow models: float32, int8 and int16 (16x8) where TensorFlow's converter quantizes the operator;
same shapes, broadcasts (channel, two-way, 5-D, scalar constants), constant operands on either side,
fused activations. Flatbuffer-built models: every dtype TFLM's kernels take that the converter does
not produce (int8 DIV, int32, int64, scales chosen to test the requantizations), 6-D broadcasts, and
the audio front end's int32 chain with scalar constants (MUL, ADD, DIV, ADD, MINIMUM, MAXIMUM).
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _fn(body, shapes):
    tfm = tf()
    return tfm.function(body), [tfm.TensorSpec(s, tfm.float32) for s in shapes]


def _tf_cases():
    tfm = tf()
    rng = np.random.default_rng(5)
    c3 = tfm.constant(rng.uniform(-1, 1, (3,)).astype(np.float32))
    c_row = tfm.constant(rng.uniform(0.5, 2, (1, 1, 5, 3)).astype(np.float32))
    sqd = tfm.math.squared_difference
    # name -> (body, input shapes, kinds)
    return {
        "sub_same": (lambda a, b: a - b, [(1, 4, 4, 3), (1, 4, 4, 3)], ("int8", "int16", "float")),
        "sub_relu": (lambda a, b: tfm.nn.relu(a - b), [(2, 5), (2, 5)], ("int8", "int16", "float")),
        "sub_bcast_c": (lambda a, b: a - b, [(1, 4, 4, 3), (3,)], ("int8", "int16", "float")),
        "sub_bcast_2way_relu6": (lambda a, b: tfm.nn.relu6(3.0 * a - b), [(1, 4, 1, 3), (1, 1, 5, 3)],
                                 ("int8", "float")),
        "sub_bcast_5d": (lambda a, b: a - b, [(2, 1, 3, 1, 2), (1, 2, 1, 4, 2)], ("int8", "float")),
        "sub_const_first": (lambda a: c_row - a, [(2, 1, 5, 1)], ("int8", "int16", "float")),
        "sub_scalar": (lambda a: a - 0.25, [(1, 2, 6)], ("int8", "float")),
        "div_same": (lambda a, b: a / b, [(2, 3, 4), (2, 3, 4)], ("float",)),
        "div_bcast_const": (lambda a: a / c_row, [(1, 2, 5, 3)], ("float",)),
        "max_same": (lambda a, b: tfm.maximum(a, b), [(1, 4, 4, 3), (1, 4, 4, 3)], ("int8", "int16", "float")),
        "max_bcast_2way": (lambda a, b: tfm.maximum(a, b), [(1, 4, 1, 3), (1, 1, 5, 3)],
                           ("int8", "int16", "float")),
        "max_scalar": (lambda a: tfm.maximum(a, 0.1), [(3, 7)], ("int8", "float")),
        "min_same": (lambda a, b: tfm.minimum(a, b), [(2, 9), (2, 9)], ("int8", "int16", "float")),
        "min_bcast_c": (lambda a: tfm.minimum(a, c3), [(1, 4, 4, 3)], ("int8", "int16", "float")),
        "min_bcast_5d": (lambda a, b: tfm.minimum(a, b), [(2, 1, 3, 1, 2), (1, 2, 1, 4, 2)], ("int8", "float")),
        "sqdiff_same": (lambda a, b: sqd(a, b), [(1, 4, 4, 3), (1, 4, 4, 3)], ("int8", "int16", "float")),
        "sqdiff_bcast_2way": (lambda a, b: sqd(a, b), [(1, 4, 1, 3), (1, 1, 5, 3)], ("int8", "float")),
        "sqdiff_const": (lambda a: sqd(a, c3), [(2, 2, 3)], ("int8", "int16", "float")),
    }


def _model(op, t1, t2, out, opts=None, options_type=None) -> bytes:
    from tflite_build import build
    o = dict(op=op, inputs=[0, 1], outputs=[2])
    if options_type:
        o.update(options_type=options_type, options=opts or {})
    ins = [i for i, t in enumerate((t1, t2)) if t.get("data") is None]
    return build(tensors=[dict(t1), dict(t2), dict(out)], ops=[o], inputs=ins, outputs=[2])


def _q(shape, dtype, scale, zp, data=None):
    return dict(shape=list(shape), dtype=dtype, scale=scale, zp=zp, data=data)


def _p(shape, dtype, data=None):
    return dict(shape=list(shape), dtype=dtype, data=data)


_OPTS = {"SUB": "SubOptions", "DIV": "DivOptions", "SQUARED_DIFFERENCE": "SquaredDifferenceOptions",
         "MAXIMUM": "MaximumMinimumOptions", "MINIMUM": "MaximumMinimumOptions"}


def _schema_cases() -> dict:
    out = {}
    act = lambda a: dict(fused_activation_function=a)  # noqa: E731
    # int8 DIV: scales, zero points, broadcasts, activations
    out["binary_div_s8"] = _model("DIV", _q((2, 9), "int8", 0.05, 3), _q((2, 9), "int8", 0.04, -5),
                                  _q((2, 9), "int8", 0.02, -7), act(0), "DivOptions")
    out["binary_div_s8_bcast_relu"] = _model("DIV", _q((2, 3, 4), "int8", 0.1, -20), _q((3, 1), "int8", 0.02, 0),
                                             _q((2, 3, 4), "int8", 0.3, -128), act(1), "DivOptions")
    out["binary_div_s8_small_out"] = _model("DIV", _q((4, 8), "int8", 0.05, 0), _q((8,), "int8", 0.05, 100),
                                            _q((4, 8), "int8", 0.003, 10), act(0), "DivOptions")
    # int32 SUB / DIV / SQUARED_DIFFERENCE / MAXIMUM / MINIMUM, int64 MAXIMUM / MINIMUM
    for op in ("SUB", "DIV", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM"):
        name = {"SQUARED_DIFFERENCE": "sqdiff", "MAXIMUM": "max", "MINIMUM": "min"}.get(op, op.lower())
        o = _OPTS[op]
        out[f"binary_{name}_i32"] = _model(op, _p((3, 7), "int32"), _p((3, 7), "int32"), _p((3, 7), "int32"),
                                           None, o)
        out[f"binary_{name}_i32_bcast"] = _model(op, _p((2, 1, 4), "int32"), _p((3, 1), "int32"),
                                                 _p((2, 3, 4), "int32"), None, o)
    out["binary_sub_i32_relu6"] = _model("SUB", _p((4, 5), "int32"), _p((5,), "int32"), _p((4, 5), "int32"),
                                         act(3), "SubOptions")
    out["binary_div_i32_relu"] = _model("DIV", _p((4, 5), "int32"), _p((4, 1), "int32", np.array(
        [[3], [-7], [1], [-1]], np.int32)), _p((4, 5), "int32"), act(1), "DivOptions")
    out["binary_div_i32_n1to1"] = _model("DIV", _p((2, 5), "int32", np.array(
        [[5, -5, 100, -100, 0], [7, 1, -1, 3, 2]], np.int32)), _p((2, 5), "int32"), _p((2, 5), "int32"),
        act(2), "DivOptions")
    for op, name in (("MAXIMUM", "max"), ("MINIMUM", "min")):
        out[f"binary_{name}_i64"] = _model(op, _p((2, 3, 4), "int64"), _p((4,), "int64"), _p((2, 3, 4), "int64"),
                                           None, "MaximumMinimumOptions")
    # quantized SUB with very different scales (TFLM's float32 ratios), int16 SUB with zero points
    out["binary_sub_s8_scales"] = _model("SUB", _q((2, 3, 4), "int8", 0.5, -128), _q((3, 1), "int8", 0.001, 127),
                                         _q((2, 3, 4), "int8", 0.0031, 0), act(0), "SubOptions")
    out["binary_sub_s8_odd_scales"] = _model("SUB", _q((5, 7), "int8", 0.0123457, 11),
                                             _q((5, 7), "int8", 0.0371, -3), _q((5, 7), "int8", 0.0291, 4),
                                             act(0), "SubOptions")
    out["binary_sub_s16_zp"] = _model("SUB", _q((4, 6), "int16", 0.0007, 12), _q((4, 6), "int16", 0.00031, -9),
                                      _q((4, 6), "int16", 0.0011, 5), act(0), "SubOptions")
    # quantized SQUARED_DIFFERENCE: several scales and zero points
    out["binary_sqdiff_s8_scales"] = _model("SQUARED_DIFFERENCE", _q((3, 8), "int8", 0.02, -10),
                                            _q((8,), "int8", 0.07, 40), _q((3, 8), "int8", 0.09, -128))
    out["binary_sqdiff_s8_big_out"] = _model("SQUARED_DIFFERENCE", _q((3, 8), "int8", 0.5, 0),
                                             _q((3, 8), "int8", 0.5, 0), _q((3, 8), "int8", 0.001, -128))
    out["binary_sqdiff_s16_scales"] = _model("SQUARED_DIFFERENCE", _q((3, 8), "int16", 0.0003, 0),
                                             _q((3, 8), "int16", 0.0002, 0), _q((3, 8), "int16", 0.0004, 0))
    # int8 MAXIMUM/MINIMUM with a constant operand, 6-D broadcasts
    cst = np.array([-128, -1, 0, 1, 127, 5], np.int8).reshape(1, 6)
    out["binary_max_s8_const"] = _model("MAXIMUM", _q((3, 6), "int8", 0.1, 0), _q((1, 6), "int8", 0.1, 0, cst),
                                        _q((3, 6), "int8", 0.1, 0))
    out["binary_min_s8_const_first"] = _model("MINIMUM", _q((1, 6), "int8", 0.1, 0, cst),
                                              _q((3, 6), "int8", 0.1, 0), _q((3, 6), "int8", 0.1, 0))
    s6a, s6b, s6o = (2, 1, 3, 1, 2, 3), (1, 2, 1, 2, 1, 3), (2, 2, 3, 2, 2, 3)
    out["binary_sub_s8_6d"] = _model("SUB", _q(s6a, "int8", 0.02, 1), _q(s6b, "int8", 0.03, -2),
                                     _q(s6o, "int8", 0.04, 3), act(0), "SubOptions")
    out["binary_div_f32_6d"] = _model("DIV", _p(s6a, "float32"), _p(s6b, "float32"), _p(s6o, "float32"),
                                      act(0), "DivOptions")
    out["binary_max_s8_6d"] = _model("MAXIMUM", _q(s6a, "int8", 0.1, 0), _q(s6b, "int8", 0.1, 0),
                                     _q(s6o, "int8", 0.1, 0))
    out["binary_sqdiff_f32_6d"] = _model("SQUARED_DIFFERENCE", _p(s6a, "float32"), _p(s6b, "float32"),
                                         _p(s6o, "float32"))
    out["binary_min_i32_6d"] = _model("MINIMUM", _p(s6a, "int32"), _p(s6b, "int32"), _p(s6o, "int32"))
    out["binary_audio_int32_chain"] = _audio_chain()
    return out


def _audio_chain() -> bytes:
    """The audio preprocessor's int32 tail (operators 15 to 20 of the shared audio_preprocessor_int8.tflite,
    its constants): (x * 256 + 333) / 666 - 128, clamped to [-128, 127] by MINIMUM/MAXIMUM, every constant
    a scalar of shape ()."""
    from tflite_build import build
    sc = lambda v: dict(shape=[], dtype="int32", data=np.array(v, np.int32))  # noqa: E731
    act = dict(fused_activation_function=0)
    t = [_p((40,), "int32"), sc(256), _p((40,), "int32"), sc(333), _p((40,), "int32"), sc(666),
         _p((40,), "int32"), sc(-128), _p((40,), "int32"), sc(127), _p((40,), "int32"), sc(-128), _p((40,), "int32")]
    ops = [dict(op="MUL", inputs=[0, 1], outputs=[2], options_type="MulOptions", options=act),
           dict(op="ADD", inputs=[2, 3], outputs=[4], options_type="AddOptions", options=act),
           dict(op="DIV", inputs=[4, 5], outputs=[6], options_type="DivOptions", options=act),
           dict(op="ADD", inputs=[6, 7], outputs=[8], options_type="AddOptions", options=act),
           dict(op="MINIMUM", inputs=[8, 9], outputs=[10]),
           dict(op="MAXIMUM", inputs=[10, 11], outputs=[12])]
    return build(tensors=t, ops=ops, inputs=[0], outputs=[12])


def models() -> dict:
    out = {}
    for name, (body, shapes, kinds) in _tf_cases().items():
        fn, specs = _fn(body, shapes)
        for k, kind in enumerate(kinds):
            seed = 13 * k + len(name)
            if kind == "float":
                out[f"binary_{name}_float"] = to_float(fn, specs)
            elif kind == "int8":
                out[f"binary_{name}_int8"] = to_int8(fn, shapes, specs, seed=seed)
            elif kind == "int16":
                out[f"binary_{name}_int16"] = to_int8(fn, shapes, specs, int16x8=True, seed=seed)
    out.update(_schema_cases())
    return out

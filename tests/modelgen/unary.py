"""Test models for EXP, LOG, SQRT, RSQRT, ABS, NEG and L2_NORMALIZATION.

TensorFlow models: every operator in float32 (several shapes, a chain of them), ABS / RSQRT /
L2_NORMALIZATION in int8 and ABS / RSQRT in int16 (16x8), NEG of an int8 model (TensorFlow keeps it
float between DEQUANTIZE and QUANTIZE).
Flatbuffer-built models: quantized ABS with and without rescaling, plain int16 ABS, RSQRT over a sweep
of scales and zero points, int8 L2_NORMALIZATION of every rank and several zero points (and one not
quantized). TensorFlow's int8 EXP / LOG / SQRT models (which TFLite Micro does not run) are
``unary_refuse_*``: the tests check that they are refused.
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _fn(body, shape):
    tfm = tf()
    return tfm.function(body), [tfm.TensorSpec(shape, tfm.float32)]


def _tf_cases() -> dict:
    tfm = tf()

    def l2(x):
        return tfm.math.l2_normalize(x, axis=-1)

    def chain(x):
        return tfm.math.log(tfm.abs(x) + 0.5) * tfm.negative(tfm.sqrt(tfm.abs(x))) + tfm.exp(x) * tfm.math.rsqrt(x * x + 1.0)

    # name -> (body, input shape, kinds)
    return {
        "exp": (tfm.exp, (2, 3, 7), ("float",)),
        "log": (tfm.math.log, (4, 9), ("float",)),
        "sqrt": (tfm.sqrt, (1, 5, 5, 2), ("float",)),
        "rsqrt": (tfm.math.rsqrt, (3, 11), ("float",)),
        "abs": (tfm.abs, (1, 4, 4, 3), ("float", "int8", "int16")),
        "neg": (tfm.negative, (2, 13), ("float", "int8")),
        "l2norm": (l2, (2, 3, 16), ("float", "int8")),
        "l2norm_1d": (l2, (40,), ("float", "int8")),
        "chain": (chain, (3, 10), ("float",)),
    }


def _tf_models() -> dict:
    out = {}
    for name, (body, shape, kinds) in _tf_cases().items():
        fn, spec = _fn(body, shape)
        for kind in kinds:
            if kind == "float":
                out[f"unary_{name}_float"] = to_float(fn, spec)
            else:
                out[f"unary_{name}_{kind}"] = to_int8(fn, [shape], spec, int16x8=kind == "int16")
    # RSQRT of positive values only: representative data in (0, 4]
    fn, spec = _fn(tf().math.rsqrt, (4, 10))
    for kind in ("int8", "int16"):
        out[f"unary_rsqrt_{kind}"] = _positive_rep(fn, spec, (4, 10), kind == "int16")
    return out


def _positive_rep(fn, spec, shape, int16x8: bool) -> bytes:
    tfm = tf()
    conv = tfm.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function(*spec)], fn)
    rng = np.random.default_rng(3)

    def rep():
        for _ in range(64):
            yield [rng.uniform(0.01, 4.0, shape).astype(np.float32)]

    conv.optimizations = [tfm.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    if int16x8:
        conv.target_spec.supported_ops = [tfm.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = conv.inference_output_type = tfm.int16
    else:
        conv.target_spec.supported_ops = [tfm.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = conv.inference_output_type = tfm.int8
    return conv.convert()


def unary_model(op: str, dtype: str, q_in=None, q_out=None, shape=(3, 17), options: bool = False) -> bytes:
    """One operator, input -> output, both ``dtype`` with optional (scale, zero point)."""
    from tflite_build import build
    t_in, t_out = dict(shape=list(shape), dtype=dtype), dict(shape=list(shape), dtype=dtype)
    if q_in is not None:
        t_in.update(scale=q_in[0], zp=q_in[1])
    if q_out is not None:
        t_out.update(scale=q_out[0], zp=q_out[1])
    o = dict(op=op, inputs=[0], outputs=[1])
    if options:
        o.update(options_type="L2NormOptions", options=dict(fused_activation_function=0))
    return build(tensors=[t_in, t_out], ops=[o], inputs=[0], outputs=[1])


def _schema_models() -> dict:
    m = {
        # ABS: rescaled, not rescaled (equal scales), extreme zero points, int16, plain int16
        "unary_abs_s8_rescale": unary_model("ABS", "int8", (0.05, 3), (0.03, -120)),
        "unary_abs_s8_same_scale": unary_model("ABS", "int8", (0.02, -128), (0.02, -128)),
        "unary_abs_s8_zp127": unary_model("ABS", "int8", (0.1, 127), (0.4, -128)),
        "unary_abs_s8_saturate": unary_model("ABS", "int8", (0.5, 0), (0.01, 0)),
        "unary_abs_s16_rescale": unary_model("ABS", "int16", (0.001, 0), (0.0007, 0)),
        "unary_abs_s16_same_scale": unary_model("ABS", "int16", (0.001, 0), (0.001, 0)),
        "unary_abs_i16_plain": unary_model("ABS", "int16"),
        # L2_NORMALIZATION int8, ranks 1 to 4, zero points
        "unary_l2norm_s8_r1": unary_model("L2_NORMALIZATION", "int8", (0.05, 0), (1 / 128, 0), (33,), True),
        "unary_l2norm_s8_r2_zp": unary_model("L2_NORMALIZATION", "int8", (0.02, -128), (1 / 128, 0), (5, 8), True),
        "unary_l2norm_s8_r3_zp": unary_model("L2_NORMALIZATION", "int8", (0.1, 77), (1 / 128, 0), (2, 3, 6), True),
        "unary_l2norm_s8_r4": unary_model("L2_NORMALIZATION", "int8", (0.1, -3), (1 / 128, 0), (1, 2, 3, 4), True),
        "unary_l2norm_s8_wide": unary_model("L2_NORMALIZATION", "int8", (0.1, 5), (1 / 128, 0), (2, 700), True),
        "unary_l2norm_s8_plain": unary_model("L2_NORMALIZATION", "int8", shape=(3, 10), options=True),
        "unary_l2norm_f32_r4": unary_model("L2_NORMALIZATION", "float32", shape=(2, 2, 3, 5), options=True),
    }
    # RSQRT: a sweep of scales and zero points
    for k, (qi, qo) in enumerate([((0.05, -128), (0.02, -100)), ((0.01, 0), (0.1, -128)),
                                  ((1.0, -50), (0.005, 10)), ((0.003, 20), (0.3, 0)),
                                  ((0.2, -128), (0.002, -128))]):
        m[f"unary_rsqrt_s8_q{k}"] = unary_model("RSQRT", "int8", qi, qo)
    for k, (qi, qo) in enumerate([((0.001, 0), (0.01, 0)), ((1e-5, 0), (0.01, 0)), ((0.5, 0), (1e-4, 0))]):
        m[f"unary_rsqrt_s16_q{k}"] = unary_model("RSQRT", "int16", qi, qo)
    return m


def models() -> dict:
    return {**_tf_models(), **_schema_models(), **_refusals()}


def _refusals() -> dict:
    """TensorFlow's int8 models of operators TFLite Micro runs in float32 only (unary_refuse_*: the
    tests check that they are refused, not run)."""
    out = {}
    tfm = tf()
    for name, body in (("exp", tfm.exp), ("log", tfm.math.log), ("sqrt", tfm.sqrt)):
        fn, spec = _fn(body, (2, 8))
        out[f"unary_refuse_{name}_int8"] = to_int8(fn, [(2, 8)], spec)
    return out

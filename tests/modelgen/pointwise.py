"""Test models for LEAKY_RELU, PRELU, HARD_SWISH, ELU, LOG_SOFTMAX (float32, int8, int16 where TFLM has it).

TensorFlow's converter makes the float models and the int8/int16x8 ones it can quantize; the forms it
does not produce (int8 ELU, int16 PRELU, exact scales and zero points, negative or large alphas,
PRELU broadcasts in both directions, a non-constant alpha) are built with tests/tflite_build.py.
"""
from __future__ import annotations

import numpy as np

from modelgen.common import tf, to_float, to_int8


def _fn(body, shape):
    tfm = tf()
    spec = tfm.TensorSpec(shape, tfm.float32)
    return tfm.function(body, input_signature=[spec]), [spec]


def _quant(fn, specs, shape, lo, hi, int16=False, seed=0) -> bytes:
    """to_int8 calibrated on uniform(lo, hi) instead of (-1, 1)."""
    tfm = tf()
    conv = tfm.lite.TFLiteConverter.from_concrete_functions([fn.get_concrete_function(*specs)], fn)
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(64):
            yield [rng.uniform(lo, hi, shape).astype(np.float32)]

    conv.optimizations = [tfm.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    if int16:
        conv.target_spec.supported_ops = [tfm.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = conv.inference_output_type = tfm.int16
    else:
        conv.target_spec.supported_ops = [tfm.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = conv.inference_output_type = tfm.int8
    return conv.convert()


def _tf_models() -> dict:
    tfm = tf()
    nn = tfm.nn
    out = {}
    s4 = (1, 5, 4, 3)
    for tag, alpha in (("", 0.2), ("_neg", -0.3), ("_big", 1.7)):
        fn, specs = _fn(lambda x, a=alpha: nn.leaky_relu(x, alpha=a), s4)
        out[f"pointwise_leaky_relu{tag}_f32"] = to_float(fn, specs)
        out[f"pointwise_leaky_relu{tag}_int8"] = _quant(fn, specs, s4, -4, 3, seed=len(tag))
        out[f"pointwise_leaky_relu{tag}_int16"] = _quant(fn, specs, s4, -3, 4, int16=True, seed=len(tag))
    fn, specs = _fn(lambda x: x * nn.relu6(x + 3.0) / 6.0, (2, 6, 6, 4))
    out["pointwise_hard_swish_f32"] = to_float(fn, specs)
    out["pointwise_hard_swish_int8"] = _quant(fn, specs, (2, 6, 6, 4), -6, 6)
    out["pointwise_hard_swish_int8_narrow"] = _quant(fn, specs, (2, 6, 6, 4), -1, 1)
    fn, specs = _fn(lambda x: x * nn.relu6(x + 3.0) * (1.0 / 6.0), (7, 9))
    out["pointwise_hard_swish_int8_wide"] = _quant(fn, specs, (7, 9), -40, 30)
    fn, specs = _fn(lambda x: nn.elu(x), s4)
    out["pointwise_elu_f32"] = to_float(fn, specs)
    for name, shape in (("2d", (3, 10)), ("4d", (1, 2, 3, 8))):
        fn, specs = _fn(lambda x: nn.log_softmax(x), shape)
        out[f"pointwise_log_softmax_{name}_f32"] = to_float(fn, specs)
        out[f"pointwise_log_softmax_{name}_int8"] = _quant(fn, specs, shape, -5, 5)
    fn, specs = _fn(lambda x: nn.log_softmax(x), (2, 40))
    out["pointwise_log_softmax_wide_int8"] = _quant(fn, specs, (2, 40), -30, 30)
    init = tfm.keras.initializers.RandomUniform(-0.6, 0.8, seed=3)
    for tag, shared in (("chan", [1, 2]), ("full", None)):
        m = tfm.keras.Sequential([tfm.keras.Input((4, 5, 3)),
                                  tfm.keras.layers.PReLU(alpha_initializer=init, shared_axes=shared)])
        out[f"pointwise_prelu_{tag}_f32"] = to_float(m)
        out[f"pointwise_prelu_{tag}_int8"] = to_int8(m, [(1, 4, 5, 3)])
    return out


def _t(shape, dtype, scale=None, zp=0, data=None) -> dict:
    d = dict(shape=list(shape), dtype=dtype, data=data)
    if scale is not None:
        d.update(scale=scale, zp=zp)
    return d


def leaky_model(dtype, alpha, s_in, zp_in, s_out, zp_out, shape=(3, 11)) -> bytes:
    from tflite_build import build
    return build(tensors=[_t(shape, dtype, s_in, zp_in), _t(shape, dtype, s_out, zp_out)],
                 ops=[dict(op="LEAKY_RELU", inputs=[0], outputs=[1], options_type="LeakyReluOptions",
                           options=dict(alpha=float(alpha)))], inputs=[0], outputs=[1])


def unary_model(op, dtype, s_in, zp_in, s_out, zp_out, shape=(2, 3, 17), options_type=None) -> bytes:
    from tflite_build import build
    o = dict(op=op, inputs=[0], outputs=[1])
    if options_type:
        o.update(options_type=options_type, options={})
    return build(tensors=[_t(shape, dtype, s_in, zp_in), _t(shape, dtype, s_out, zp_out)],
                 ops=[o], inputs=[0], outputs=[1])


def prelu_model(dtype, in_shape, a_shape, out_shape, q=None, alpha_input=False, seed=0) -> bytes:
    """q = (s_in, zp_in, s_alpha, zp_alpha, s_out, zp_out) for the quantized dtypes."""
    from tflite_build import build
    rng = np.random.default_rng(seed)
    a_dtype = "float32" if dtype == "float32" else "int8"
    if dtype == "float32":
        data = None if alpha_input else rng.uniform(-0.9, 1.2, a_shape).astype(np.float32)
        ts = [_t(in_shape, dtype), _t(a_shape, a_dtype, data=data), _t(out_shape, dtype)]
    else:
        s_in, zp_in, s_a, zp_a, s_out, zp_out = q
        data = None if alpha_input else rng.integers(-128, 128, a_shape).astype(np.int8)
        ts = [_t(in_shape, dtype, s_in, zp_in), _t(a_shape, a_dtype, s_a, zp_a, data),
              _t(out_shape, dtype, s_out, zp_out)]
    inputs = [0, 1] if alpha_input else [0]
    return build(tensors=ts, ops=[dict(op="PRELU", inputs=[0, 1], outputs=[2])], inputs=inputs, outputs=[2])


def _built_models() -> dict:
    out = {}
    # LEAKY_RELU: exact scales, zero points, alphas (0, negative, > 1, tiny), int8 and int16
    out["pointwise_leaky_relu_s8_req"] = leaky_model("int8", 0.1, 0.05, -3, 0.03, 7)
    out["pointwise_leaky_relu_s8_alpha0"] = leaky_model("int8", 0.0, 0.02, 10, 0.02, -128)
    out["pointwise_leaky_relu_s8_alpha_neg"] = leaky_model("int8", -1.3, 0.04, 0, 0.07, 0)
    out["pointwise_leaky_relu_s8_up"] = leaky_model("int8", 2.5, 0.2, -128, 0.01, 5)
    out["pointwise_leaky_relu_s16"] = leaky_model("int16", 0.3, 0.0005, 0, 0.0004, 0)
    out["pointwise_leaky_relu_s16_zp"] = leaky_model("int16", -0.7, 0.001, 120, 0.002, -300)
    out["pointwise_leaky_relu_s8_big"] = leaky_model("int8", 0.01, 0.03, 4, 0.03, 4, shape=(1, 40, 33))
    # HARD_SWISH int8: reluish exponent from -7 to +4, output exponent 0 and below
    for i, (s_in, zp_in, s_out, zp_out) in enumerate([(0.05, 3, 0.04, -20), (0.3, -128, 0.15, -100),
                                                      (0.001, 0, 0.0009, -60), (1.5, 10, 0.0118, 0),
                                                      (0.02, 127, 0.5, -128)]):
        out[f"pointwise_hard_swish_s8_q{i}"] = unary_model("HARD_SWISH", "int8", s_in, zp_in, s_out, zp_out,
                                                           options_type="HardSwishOptions")
    out["pointwise_hard_swish_s8_big"] = unary_model("HARD_SWISH", "int8", 0.06, -5, 0.05, -40, shape=(1, 24, 24, 3),
                                                     options_type="HardSwishOptions")
    # ELU int8 (TensorFlow keeps ELU in float)
    for i, (s_in, zp_in, s_out, zp_out) in enumerate([(0.05, 0, 0.04, -100), (0.1, -128, 0.05, 30),
                                                      (0.02, 90, 0.3, 0), (0.4, 7, 0.002, 127)]):
        out[f"pointwise_elu_s8_q{i}"] = unary_model("ELU", "int8", s_in, zp_in, s_out, zp_out)
    # LOG_SOFTMAX int8: input scales across the kernel's range, depth 1
    for i, (s_in, zp_in, shape) in enumerate([(0.1, 0, (4, 9)), (0.02, -30, (2, 3, 16)), (0.6, 100, (5, 6)),
                                              (0.003, 5, (3, 1)), (2.0, -128, (2, 33))]):
        out[f"pointwise_log_softmax_s8_q{i}"] = unary_model("LOG_SOFTMAX", "int8", s_in, zp_in, 16.0 / 256, 127,
                                                            shape=shape, options_type="LogSoftmaxOptions")
    # PRELU: broadcasts, int16 with int8 alpha, a non-constant alpha
    q8 = (0.05, -4, 0.01, 3, 0.04, 9)
    q16 = (0.0007, 0, 0.008, -2, 0.0005, 0)
    for dtype, q in (("float32", None), ("int8", q8), ("int16", q16)):
        sfx = {"float32": "f32", "int8": "s8", "int16": "s16"}[dtype]
        out[f"pointwise_prelu_{sfx}_chan"] = prelu_model(dtype, (1, 3, 4, 5), (5,), (1, 3, 4, 5), q, seed=1)
        out[f"pointwise_prelu_{sfx}_same"] = prelu_model(dtype, (2, 7), (2, 7), (2, 7), q, seed=2)
        out[f"pointwise_prelu_{sfx}_2way"] = prelu_model(dtype, (1, 1, 4, 3), (2, 3, 1, 3), (2, 3, 4, 3), q, seed=3)
        out[f"pointwise_prelu_{sfx}_input"] = prelu_model(dtype, (2, 3, 4), (3, 1), (2, 3, 4), q, alpha_input=True)
    out["pointwise_prelu_s8_scalar"] = prelu_model("int8", (4, 6), (1,), (4, 6), (0.1, 0, 0.004, -128, 0.2, -3), seed=4)
    out["pointwise_prelu_s8_rank1"] = prelu_model("int8", (9,), (9,), (9,), (0.03, 127, 0.02, 0, 0.01, -128), seed=5)
    return out


def models() -> dict:
    out = _tf_models()
    out.update(_built_models())
    return out

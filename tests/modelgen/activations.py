"""Test models for SOFTMAX, LOGISTIC, TANH, RELU, RELU6 (float32, int8, int16x8).

Variants TensorFlow's converter does not produce (softmax beta != 1, int8 -> int16 softmax,
power-of-two int16 input scales, RELU with different input/output scales) are made by
editing the converted model with TensorFlow's flatbuffer object API.
"""
from __future__ import annotations

import numpy as np

from modelgen.common import tf


def _convert(fn, shape, lo=-1.0, hi=1.0, mode="float", seed=0) -> bytes:
    """Convert ``fn`` on one input of ``shape``; int modes calibrate on uniform(lo, hi)."""
    tfm = tf()
    spec = tfm.TensorSpec(shape, tfm.float32)
    conc = tfm.function(fn).get_concrete_function(spec)
    conv = tfm.lite.TFLiteConverter.from_concrete_functions([conc])
    if mode != "float":
        rng = np.random.default_rng(seed)

        def rep():
            for _ in range(64):
                yield [rng.uniform(lo, hi, shape).astype(np.float32)]

        conv.optimizations = [tfm.lite.Optimize.DEFAULT]
        conv.representative_dataset = rep
        if mode == "int16":
            conv.target_spec.supported_ops = [
                tfm.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            conv.inference_input_type = tfm.int16
            conv.inference_output_type = tfm.int16
        else:
            conv.target_spec.supported_ops = [tfm.lite.OpsSet.TFLITE_BUILTINS_INT8]
            conv.inference_input_type = tfm.int8
            conv.inference_output_type = tfm.int8
    return conv.convert()


def _edit(data: bytes, fn) -> bytes:
    """Apply ``fn(model_object, subgraph, op)`` to the first operator and re-serialize."""
    from tensorflow.lite.tools import flatbuffer_utils as fu
    m = fu.convert_bytearray_to_object(bytearray(data))
    sg = m.subgraphs[0]
    fn(m, sg, sg.operators[0])
    return bytes(fu.convert_object_to_bytearray(m))


def _set_beta(data: bytes, beta: float) -> bytes:
    def f(m, sg, op):
        op.builtinOptions.beta = float(beta)
    return _edit(data, f)


def _set_quant(data: bytes, which: str, scale: float, zero_point: int, dtype: int | None = None) -> bytes:
    def f(m, sg, op):
        t = sg.tensors[(op.inputs if which == "input" else op.outputs)[0]]
        t.quantization.scale = [float(scale)]
        t.quantization.zeroPoint = [int(zero_point)]
        if dtype is not None:
            t.type = dtype
    return _edit(data, f)


def models() -> dict:
    tfm = tf()
    nn = tfm.nn
    softmax = lambda x: nn.softmax(x)  # noqa: E731
    sigmoid = lambda x: tfm.math.sigmoid(x)  # noqa: E731
    tanh = lambda x: tfm.math.tanh(x)  # noqa: E731
    relu = lambda x: nn.relu(x)  # noqa: E731
    relu6 = lambda x: nn.relu6(x)  # noqa: E731
    int16 = 7  # TensorType.INT16
    out = {}

    # SOFTMAX
    out["activations_softmax_f32_2d"] = _convert(softmax, (1, 10))
    out["activations_softmax_f32_4d_beta"] = _set_beta(_convert(softmax, (1, 2, 3, 6)), 0.5)
    out["activations_softmax_s8_2d"] = _convert(softmax, (1, 10), mode="int8")
    out["activations_softmax_s8_4d"] = _convert(softmax, (1, 2, 2, 8), -6.0, 10.0, mode="int8")
    out["activations_softmax_s8_beta"] = _set_beta(_convert(softmax, (2, 12), -3.0, 2.0, mode="int8"), 2.5)
    out["activations_softmax_s8_small_scale"] = _convert(softmax, (1, 16), -0.05, 0.08, mode="int8")
    out["activations_softmax_s8_s16"] = _set_quant(_convert(softmax, (1, 12), -4.0, 4.0, mode="int8"),
                                                   "output", 1.0 / 65536, -32768, int16)
    out["activations_softmax_s8_s16_beta"] = _set_beta(
        _set_quant(_convert(softmax, (2, 2, 5), -1.0, 3.0, mode="int8"), "output", 1.0 / 65536, -32768, int16),
        0.3)
    out["activations_softmax_s16_2d"] = _convert(softmax, (1, 10), -4.0, 4.0, mode="int16")
    out["activations_softmax_s16_4d_beta"] = _set_beta(
        _convert(softmax, (1, 2, 3, 7), -1.0, 1.0, mode="int16"), 0.7)

    # LOGISTIC, TANH
    for name, fn in (("logistic", sigmoid), ("tanh", tanh)):
        out[f"activations_{name}_f32"] = _convert(fn, (2, 3, 4, 2), -10.0, 10.0)
        out[f"activations_{name}_s8_2d"] = _convert(fn, (1, 32), -8.0, 8.0, mode="int8")
        out[f"activations_{name}_s8_4d"] = _convert(fn, (1, 2, 4, 8), -1.0, 3.0, mode="int8")
        out[f"activations_{name}_s8_wide"] = _convert(fn, (1, 40), -30.0, 20.0, mode="int8")
        out[f"activations_{name}_s16"] = _convert(fn, (1, 2, 24), -6.0, 6.0, mode="int16")
        out[f"activations_{name}_s16_small"] = _convert(fn, (1, 20), -0.5, 0.5, mode="int16")
    # power-of-two int16 input scales (TFLM's table-only path): 2^-12 (both), 2^-11 (tanh)
    out["activations_logistic_s16_pot"] = _set_quant(
        _convert(sigmoid, (1, 24), -6.0, 6.0, mode="int16"), "input", 2.0 ** -12, 0)
    out["activations_tanh_s16_pot"] = _set_quant(
        _convert(tanh, (1, 24), -6.0, 6.0, mode="int16"), "input", 2.0 ** -12, 0)
    out["activations_tanh_s16_pot2"] = _set_quant(
        _convert(tanh, (1, 24), -6.0, 6.0, mode="int16"), "input", 2.0 ** -11, 0)

    # RELU, RELU6
    out["activations_relu_f32"] = _convert(relu, (1, 3, 3, 4))
    out["activations_relu6_f32"] = _convert(relu6, (2, 20), -8.0, 8.0)
    out["activations_relu_s8"] = _convert(relu, (1, 3, 3, 4), -2.0, 5.0, mode="int8")
    out["activations_relu_s8_requant"] = _set_quant(
        _convert(relu, (1, 30), -3.0, 3.0, mode="int8"), "output", 0.0123, -100)
    out["activations_relu6_s8"] = _convert(relu6, (2, 20), -8.0, 8.0, mode="int8")
    out["activations_relu6_s8_4d"] = _convert(relu6, (1, 2, 2, 6), -1.0, 4.0, mode="int8")
    out["activations_relu_s16"] = _convert(relu, (1, 3, 10), -2.0, 5.0, mode="int16")
    out["activations_relu6_s16"] = _convert(relu6, (2, 16), -8.0, 8.0, mode="int16")
    return out

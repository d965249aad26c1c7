"""Helpers for building the small per-operator test models with TensorFlow.

Only `tests/make_models.py` imports this (TensorFlow is needed to regenerate the
committed .tflite files, never to run the tests).
"""
from __future__ import annotations

import numpy as np


def tf():
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow
    return tensorflow


def to_float(model_or_fn, input_specs=None) -> bytes:
    """Float32 .tflite from a Keras model or a tf.function with signatures."""
    tfm = tf()
    if input_specs is not None:
        conv = tfm.lite.TFLiteConverter.from_concrete_functions(
            [model_or_fn.get_concrete_function(*input_specs)], model_or_fn)
    else:
        conv = tfm.lite.TFLiteConverter.from_keras_model(model_or_fn)
    return conv.convert()


def to_int8(model_or_fn, rep_shapes, input_specs=None, int16x8: bool = False, seed: int = 0,
            io_int: bool = True, per_channel: bool = True) -> bytes:
    """Full-integer .tflite (int8 activations, or int16 activations with int8 weights)."""
    tfm = tf()
    if input_specs is not None:
        conv = tfm.lite.TFLiteConverter.from_concrete_functions(
            [model_or_fn.get_concrete_function(*input_specs)], model_or_fn)
    else:
        conv = tfm.lite.TFLiteConverter.from_keras_model(model_or_fn)
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(64):
            yield [rng.uniform(-1, 1, s).astype(np.float32) for s in rep_shapes]

    conv.optimizations = [tfm.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    if int16x8:
        conv.target_spec.supported_ops = [
            tfm.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        if io_int:
            conv.inference_input_type = tfm.int16
            conv.inference_output_type = tfm.int16
    else:
        conv.target_spec.supported_ops = [tfm.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if io_int:
            conv.inference_input_type = tfm.int8
            conv.inference_output_type = tfm.int8
    if not per_channel:
        conv._experimental_disable_per_channel = True
    return conv.convert()

"""UNIDIRECTIONAL_SEQUENCE_LSTM test models.

Keras 3 (tf.keras in TF 2.16+) lowers an LSTM layer to a WHILE loop; the fused
UNIDIRECTIONAL_SEQUENCE_LSTM only comes from the legacy Keras 2 layer, so this module
needs the `tf-keras` package (pip install tf-keras==<tensorflow version>).

TensorFlow never exports time-major LSTMs or other cell clips, so some variants are the
converted batch-major model with the op's options rewritten (the data layout of a
single-batch model is the same either way; for batch > 1 the input/output shapes are
transposed too, which only reinterprets random test data).
"""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _keras():
    tf()  # sets the TF log level before the import
    import tf_keras
    return tf_keras


def _model(batch, time, features, units_list, seed, weight_gain=1.0):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    inp = keras.Input(shape=(time, features), batch_size=batch)
    x = inp
    for units in units_list:
        x = keras.layers.LSTM(units, return_sequences=True, unroll=False)(x)
    m = keras.Model(inp, x)
    if weight_gain != 1.0:
        m.set_weights([w * weight_gain for w in m.get_weights()])
    return m


def _rewrite(data: bytes, time_major=None, cell_clip=None, activation=None) -> bytes:
    """Change the options of every LSTM op (and transpose I/O shapes for time_major)."""
    from ai_edge_litert.tools import flatbuffer_utils as fu  # works without TensorFlow too
    m = fu.read_model_from_bytearray(bytearray(data))
    sg = m.subgraphs[0]
    for op in sg.operators:
        o = op.builtinOptions
        if not hasattr(o, "timeMajor"):
            continue
        if cell_clip is not None:
            o.cellClip = float(cell_clip)
        if activation is not None:
            o.fusedActivationFunction = int(activation)
        if time_major is not None and time_major != o.timeMajor:
            o.timeMajor = bool(time_major)
            for tid in (op.inputs[0], op.outputs[0]):
                t = sg.tensors[tid]
                t.shape = np.array([t.shape[1], t.shape[0], t.shape[2]], np.int32)
                if t.shapeSignature is not None:
                    t.shapeSignature = np.array(t.shape)
    return bytes(fu.convert_object_to_bytearray(m))


def models() -> dict:
    out = {}
    # (name, batch, time, features, units per layer, weight gain)
    configs = [
        ("small", 1, 5, 3, [4], 1.0),
        ("batch2", 2, 4, 3, [5], 1.0),
        ("stacked", 1, 6, 8, [12, 7], 1.0),
        ("strong", 1, 7, 4, [6], 4.0),   # saturating gates, large cell values
    ]
    for name, batch, time, feat, units, gain in configs:
        m = _model(batch, time, feat, units, seed=len(name), weight_gain=gain)
        out[f"lstm_float_{name}"] = to_float(m)
        out[f"lstm_int8_{name}"] = to_int8(m, [(batch, time, feat)], seed=1)
    # variants TensorFlow does not export: time-major layouts, other cell clips
    out["lstm_float_timemajor"] = _rewrite(out["lstm_float_small"], time_major=True)
    out["lstm_int8_timemajor"] = _rewrite(out["lstm_int8_small"], time_major=True)
    out["lstm_float_timemajor_batch2"] = _rewrite(out["lstm_float_batch2"], time_major=True)
    out["lstm_int8_timemajor_batch2"] = _rewrite(out["lstm_int8_batch2"], time_major=True)
    out["lstm_float_clip"] = _rewrite(out["lstm_float_strong"], cell_clip=0.75)
    out["lstm_int8_clip"] = _rewrite(out["lstm_int8_strong"], cell_clip=0.75)
    out["lstm_float_noclip"] = _rewrite(out["lstm_float_strong"], cell_clip=0.0)
    out["lstm_int8_noclip"] = _rewrite(out["lstm_int8_strong"], cell_clip=0.0)
    return out

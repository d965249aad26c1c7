"""Test models for RESHAPE, SQUEEZE, CONCATENATION, STRIDED_SLICE, PAD, PADV2 and MEAN."""
from __future__ import annotations

import numpy as np

from .common import tf, to_float, to_int8


def _fn(body, *shapes, dtype=None):
    t = tf()
    dtype = dtype or t.float32
    specs = [t.TensorSpec(s, dtype) for s in shapes]

    @t.function(input_signature=specs)
    def f(*xs):
        return body(*xs)
    return f, specs


def _pair(name, body, *shapes, int16=False, int8=True):
    """{name_f32: float model, name_int8: int8 model} (and name_int16 when asked)."""
    f, specs = _fn(body, *shapes)
    out = {f"{name}_f32": to_float(f, specs)}
    if int8:
        out[f"{name}_int8"] = to_int8(f, list(shapes), specs)
    if int16:
        out[f"{name}_int16"] = to_int8(f, list(shapes), specs, int16x8=True)
    return out


def _patch(model: bytes, edit) -> bytes:
    """Edit a model through the flatbuffer object API (for variants TF does not produce)."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as s
    m = s.ModelT.InitFromPackedBuf(bytearray(model), 0)
    edit(m)
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _op_index(m, name):
    from tensorflow.lite.python import schema_py_generated as s
    names = {v: k for k, v in vars(s.BuiltinOperator).items() if not k.startswith("_")}
    sg = m.subgraphs[0]
    for op in sg.operators:
        oc = m.operatorCodes[op.opcodeIndex]
        code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
        if names.get(code) == name:
            return op
    raise KeyError(name)


def models() -> dict:
    t = tf()
    out = {}

    # ---- RESHAPE / SQUEEZE (views), alone and between two computing ops
    out.update(_pair("shape_reshape", lambda x: t.reshape(x * 2.0, [2, 12]) + 1.0, [1, 4, 6]))
    out.update(_pair("shape_squeeze", lambda x: t.squeeze(x, axis=[0, 2]) * 3.0, [1, 5, 1, 3]))

    def to_squeeze(m):  # the converter writes SQUEEZE as RESHAPE: put a real SQUEEZE back
        from tensorflow.lite.python import schema_py_generated as sc
        op = _op_index(m, "RESHAPE")
        code = sc.OperatorCodeT()
        code.builtinCode = code.deprecatedBuiltinCode = sc.BuiltinOperator.SQUEEZE
        code.version = 1
        m.operatorCodes.append(code)
        op.opcodeIndex = len(m.operatorCodes) - 1
        op.inputs = op.inputs[:1]
        op.builtinOptionsType = sc.BuiltinOptions.SqueezeOptions
        op.builtinOptions = sc.SqueezeOptionsT()
        op.builtinOptions.squeezeDims = [0, 2]
    f, specs = _fn(lambda x: t.squeeze(x, axis=[0, 2]), [1, 5, 1, 3])
    out["shape_squeeze_op_f32"] = _patch(to_float(f, specs), to_squeeze)
    out["shape_squeeze_op_int8"] = _patch(to_int8(f, [[1, 5, 1, 3]], specs), to_squeeze)

    # ---- CONCATENATION: axis -1, axis 1, 3 inputs, different producers (different scales)
    out.update(_pair("shape_concat_last", lambda a, b, c: t.concat([a, b, c], axis=-1),
                     [1, 3, 2], [1, 3, 4], [1, 3, 1]))
    out.update(_pair("shape_concat_axis1", lambda a, b: t.concat([a * 4.0, b * 0.25], axis=1),
                     [2, 2, 3], [2, 3, 3]))
    out.update(_pair("shape_concat_axis0", lambda a, b: t.concat([a, b], axis=0) + 0.5, [2, 4], [1, 4]))
    out.update(_pair("shape_concat_5d", lambda a, b: t.concat([a, b * 2.0], axis=2), [1, 2, 3, 2, 2],
                     [1, 2, 1, 2, 2], int16=True))
    f, specs = _fn(lambda a, b: t.concat([a, b], axis=1), [2, 3], [2, 2], dtype=t.int32)
    out["shape_concat_int32"] = to_float(f, specs)
    f, specs = _fn(lambda a, b: t.concat([a, b], axis=-1), [1, 2, 3], [1, 2, 2])
    q = to_int8(f, [[1, 2, 3], [1, 2, 2]], specs)

    def rescale(m):  # inputs with their own scale / zero point: TFLM copies the bytes anyway
        sg = m.subgraphs[0]
        op = _op_index(m, "CONCATENATION")
        sg.tensors[op.inputs[0]].quantization.scale = [0.05]
        sg.tensors[op.inputs[0]].quantization.zeroPoint = [7]
        sg.tensors[op.inputs[1]].quantization.scale = [0.003]
        sg.tensors[op.inputs[1]].quantization.zeroPoint = [-20]
    out["shape_concat_mixed_scales_int8"] = _patch(q, rescale)

    # ---- STRIDED_SLICE
    out.update(_pair("shape_slice_basic", lambda x: x[:, 1:3, ::2] * 1.0, [2, 4, 6]))
    out.update(_pair("shape_slice_negstride", lambda x: x[:, ::-1, 4:0:-2], [2, 3, 6]))
    out.update(_pair("shape_slice_shrink", lambda x: x[:, 2, 1:], [3, 4, 5]))
    out.update(_pair("shape_slice_neg_index", lambda x: x[-1, -3:-1, :], [2, 5, 3]))
    out.update(_pair("shape_slice_4d", lambda x: x[:, 1:, :2, ::3], [1, 3, 4, 7], int16=True))
    f, specs = _fn(lambda x: t.strided_slice(x, [0, 1], [0, 0], [1, 2], begin_mask=1, end_mask=3), [3, 6],
                   dtype=t.int32)
    out["shape_slice_masks_int32"] = to_float(f, specs)

    # ---- PAD / PADV2
    out.update(_pair("shape_pad_image", lambda x: t.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]]), [1, 3, 4, 2]))
    out.update(_pair("shape_pad_3d", lambda x: t.pad(x * 2.0, [[1, 0], [0, 2], [3, 1]]), [2, 3, 2], int16=True))
    out.update(_pair("shape_pad_5d", lambda x: t.pad(x, [[0, 1], [1, 0], [0, 0], [2, 1], [1, 1]]),
                     [1, 2, 2, 3, 2]))
    out.update(_pair("shape_padv2", lambda x: t.pad(x, [[0, 1], [2, 0]], constant_values=0.5), [3, 4]))

    # ---- MEAN
    out.update(_pair("shape_mean_hw_keep", lambda x: t.reduce_mean(x, axis=[1, 2], keepdims=True),
                     [1, 3, 4, 5], int16=True))
    out.update(_pair("shape_mean_hw", lambda x: t.reduce_mean(x, axis=[1, 2]), [2, 3, 3, 4]))
    out.update(_pair("shape_mean_last", lambda x: t.reduce_mean(x, axis=-1), [3, 7]))
    out.update(_pair("shape_mean_02_keep", lambda x: t.reduce_mean(x, axis=[0, 2], keepdims=True), [3, 4, 5]))
    out.update(_pair("shape_mean_3axes", lambda x: t.reduce_mean(x, axis=[0, 2, -1], keepdims=True),
                     [2, 3, 4, 2]))
    out.update(_pair("shape_mean_axis1", lambda x: t.reduce_mean(x * 3.0, axis=1), [2, 5, 3], int16=True))
    f, specs = _fn(lambda x: t.reduce_mean(x, axis=[1, 2]), [1, 4, 4, 3])
    q = to_int8(f, [[1, 4, 4, 3]], specs)

    def same_quant(m):  # output quantized like the input: TFLM's integer-division path
        sg = m.subgraphs[0]
        op = _op_index(m, "MEAN")
        src = sg.tensors[op.inputs[0]].quantization
        dst = sg.tensors[op.outputs[0]].quantization
        dst.scale, dst.zeroPoint = list(src.scale), list(src.zeroPoint)
    out["shape_mean_same_quant_int8"] = _patch(q, same_quant)
    return out

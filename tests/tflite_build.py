"""Build small .tflite flatbuffers directly (for shapes TensorFlow will not export, e.g. broken models).

    build(tensors=[dict(shape=[1, 4], dtype="int8", scale=0.1, zp=0, data=None), ...],
          ops=[dict(op="ADD", inputs=[0, 1], outputs=[2])],
          inputs=[0, 1], outputs=[2], subgraphs=1)

Tensors may also have ``quant_dim`` (per-channel scales and zero points along that axis) and
``variable=True``. Operators may have builtin options, ``options_type="SubOptions",
options=dict(fused_activation_function=1)`` (the reader's snake_case names), or be custom operators:
``dict(op="CUSTOM", custom="SignalWindow", custom_options=dict(shift=12), ...)`` (options written
as a FlexBuffer map, as TFLite's converter writes them).
"""
from __future__ import annotations

import flatbuffers
import numpy as np
import tflite
from tflite.BuiltinOperator import BuiltinOperator

TYPES = {"float32": 0, "float16": 1, "int32": 2, "uint8": 3, "int64": 4, "bool": 6, "int16": 7, "int8": 9,
         "float64": 10, "uint64": 12, "uint32": 15, "uint16": 16}


def _vec_i32(b, start_fn, values):
    start_fn(b, len(values))
    for v in reversed(values):
        b.PrependInt32(int(v))
    return b.EndVector()


def _vec_f32(b, values):
    b.StartVector(4, len(values), 4)
    for v in reversed(values):
        b.PrependFloat32(float(v))
    return b.EndVector()


def _vec_i64(b, values):
    b.StartVector(8, len(values), 8)
    for v in reversed(values):
        b.PrependInt64(int(v))
    return b.EndVector()


def _vec_u8(b, data: bytes):
    b.StartVector(1, len(data), 16)
    for v in reversed(data):
        b.PrependUint8(v)
    return b.EndVector()


def _subgraph(b, tensors, ops, inputs, outputs, opcode_index):
    tens = []
    for i, t in enumerate(tensors):
        name = b.CreateString(t.get("name", f"t{i}"))
        shape = _vec_i32(b, tflite.TensorStartShapeVector, t["shape"])
        q = None
        if t.get("scale") is not None:
            sc = _vec_f32(b, np.atleast_1d(t["scale"]))
            zp = _vec_i64(b, np.atleast_1d(t.get("zp", 0)))
            tflite.QuantizationParametersStart(b)
            tflite.QuantizationParametersAddScale(b, sc)
            tflite.QuantizationParametersAddZeroPoint(b, zp)
            if t.get("quant_dim"):
                tflite.QuantizationParametersAddQuantizedDimension(b, int(t["quant_dim"]))
            q = tflite.QuantizationParametersEnd(b)
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        tflite.TensorAddType(b, TYPES[t["dtype"]])
        tflite.TensorAddBuffer(b, t["_buffer"])
        tflite.TensorAddName(b, name)
        if q is not None:
            tflite.TensorAddQuantization(b, q)
        if t.get("variable"):
            tflite.TensorAddIsVariable(b, True)
        tens.append(tflite.TensorEnd(b))
    oplist = []
    for o in ops:
        ins = _vec_i32(b, tflite.OperatorStartInputsVector, o["inputs"])
        outs = _vec_i32(b, tflite.OperatorStartOutputsVector, o["outputs"])
        opts = _options(b, o["options_type"], o.get("options", {})) if o.get("options_type") else None
        copts = None
        if o.get("custom_options") is not None:
            from flatbuffers import flexbuffers
            copts = b.CreateByteVector(bytes(flexbuffers.Dumps(o["custom_options"])))
        tflite.OperatorStart(b)
        tflite.OperatorAddOpcodeIndex(b, opcode_index[_code_key(o)])
        tflite.OperatorAddInputs(b, ins)
        tflite.OperatorAddOutputs(b, outs)
        if opts is not None:
            from tflite.BuiltinOptions import BuiltinOptions
            tflite.OperatorAddBuiltinOptionsType(b, getattr(BuiltinOptions, o["options_type"]))
            tflite.OperatorAddBuiltinOptions(b, opts)
        if copts is not None:
            tflite.OperatorAddCustomOptions(b, copts)
        oplist.append(tflite.OperatorEnd(b))
    tflite.SubGraphStartTensorsVector(b, len(tens))
    for t in reversed(tens):
        b.PrependUOffsetTRelative(t)
    tv = b.EndVector()
    tflite.SubGraphStartOperatorsVector(b, len(oplist))
    for o in reversed(oplist):
        b.PrependUOffsetTRelative(o)
    ov = b.EndVector()
    iv = _vec_i32(b, tflite.SubGraphStartInputsVector, inputs)
    outv = _vec_i32(b, tflite.SubGraphStartOutputsVector, outputs)
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tv)
    tflite.SubGraphAddOperators(b, ov)
    tflite.SubGraphAddInputs(b, iv)
    tflite.SubGraphAddOutputs(b, outv)
    return tflite.SubGraphEnd(b)


def _code_key(o) -> tuple:
    return (o["op"], o.get("custom", ""), int(o.get("version", 1)))


def _options(b, name: str, values: dict):
    from platformio_tinyml.read.writer import _options as write_options
    return write_options(b, name, values)


def build(tensors, ops, inputs, outputs, subgraphs: int = 1) -> bytes:
    b = flatbuffers.Builder(1024)
    names = sorted({_code_key(o) for o in ops})
    opcode_index = {n: i for i, n in enumerate(names)}
    # buffer 0 is the empty sentinel; constant tensors get their own buffer
    buffers = [None]
    for t in tensors:
        if t.get("data") is not None:
            buffers.append(np.ascontiguousarray(t["data"]).tobytes())
            t["_buffer"] = len(buffers) - 1
        else:
            t["_buffer"] = 0
    bufs = []
    for data in buffers:
        d = _vec_u8(b, data) if data else None
        tflite.BufferStart(b)
        if d is not None:
            tflite.BufferAddData(b, d)
        bufs.append(tflite.BufferEnd(b))
    codes = []
    for n, custom, version in names:
        code = getattr(BuiltinOperator, n)
        cc = b.CreateString(custom) if custom else None
        tflite.OperatorCodeStart(b)
        tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, 127))
        tflite.OperatorCodeAddBuiltinCode(b, code)
        tflite.OperatorCodeAddVersion(b, version)
        if cc is not None:
            tflite.OperatorCodeAddCustomCode(b, cc)
        codes.append(tflite.OperatorCodeEnd(b))
    sgs = [_subgraph(b, tensors, ops, inputs, outputs, opcode_index) for _ in range(subgraphs)]
    tflite.ModelStartBuffersVector(b, len(bufs))
    for x in reversed(bufs):
        b.PrependUOffsetTRelative(x)
    bv = b.EndVector()
    tflite.ModelStartOperatorCodesVector(b, len(codes))
    for x in reversed(codes):
        b.PrependUOffsetTRelative(x)
    cv = b.EndVector()
    tflite.ModelStartSubgraphsVector(b, len(sgs))
    for x in reversed(sgs):
        b.PrependUOffsetTRelative(x)
    sv = b.EndVector()
    desc = b.CreateString("platformio-tinyml test model")
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, cv)
    tflite.ModelAddSubgraphs(b, sv)
    tflite.ModelAddDescription(b, desc)
    tflite.ModelAddBuffers(b, bv)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())

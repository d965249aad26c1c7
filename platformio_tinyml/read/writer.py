"""Write a graph (:mod:`platformio_tinyml.ir`) back as a standard ``.tflite`` flatbuffer.

The quantizer's output goes through here, so that TFLite Micro, LiteRT and Netron can
open it. One subgraph, schema version 3; every constant gets its own 16-byte aligned
buffer. Builtin options are written back field by field from the dict the reader
decoded (the two are inverses). Signature definitions and metadata are not carried over.
"""
from __future__ import annotations

import flatbuffers
import numpy as np

from ..errors import TinymlError

from ..ir import DTYPES
from .reader import _TYPE_NAMES

TYPE_CODES = {name: code for code, name in _TYPE_NAMES.items()}


def _builtin_codes() -> dict:
    from tflite.BuiltinOperator import BuiltinOperator
    return {k: v for k, v in vars(BuiltinOperator).items() if not k.startswith("_")}


def _options_enum() -> dict:
    from tflite.BuiltinOptions import BuiltinOptions
    return {k: v for k, v in vars(BuiltinOptions).items() if not k.startswith("_")}


def _vector(b, values, kind: str):
    size = {"i32": 4, "i64": 8, "f32": 4}[kind]
    b.StartVector(size, len(values), size)
    for v in reversed(list(values)):
        {"i32": b.PrependInt32, "i64": b.PrependInt64, "f32": b.PrependFloat32}[kind](
            float(v) if kind == "f32" else int(v))
    return b.EndVector()


def _bytes(b, data: bytes):
    n = len(data)
    b.StartVector(1, n, 16)
    b.head = b.head - n
    b.Bytes[b.head:b.head + n] = data
    b.vectorNumElems = n
    return b.EndVector()


def _options(b, name: str, values: dict):
    """Build a builtin options table from the reader's snake_case dict."""
    import tflite
    from .reader import _snake

    cls = getattr(tflite, name)
    fields = {_snake(n): n for n in dir(cls) if not n.startswith("_")}
    vectors = {}
    for key, v in values.items():
        if isinstance(v, (list, tuple)):
            vectors[key] = _vector(b, v, "i32")
    getattr(tflite, f"{name}Start")(b)
    for key, v in values.items():
        field = fields.get(key)
        add = getattr(tflite, f"{name}Add{field}", None) if field else None
        if add is None:
            raise TinymlError(f"cannot write option '{key}' of {name}")
        add(b, vectors[key] if key in vectors else v)
    return getattr(tflite, f"{name}End")(b)


def write_model(g) -> bytes:
    """Serialize ``g`` into the bytes of a .tflite file."""
    import tflite

    b = flatbuffers.Builder(1024 + sum(t.nbytes for t in g.tensors if t.data is not None))
    codes = _builtin_codes()
    opt_enum = _options_enum()

    # buffers: 0 is the empty sentinel; one per constant (or initialised variable) tensor
    buffer_of, blobs = {}, [b""]
    for t in g.tensors:
        arr = t.data if t.data is not None else (t.variable_init if t.is_variable else None)
        if arr is not None:
            if t.dtype not in TYPE_CODES:
                raise TinymlError(f"{g.name}: cannot write tensor {t.index} '{t.name}' of type {t.dtype}")
            buffer_of[t.index] = len(blobs)
            # the reader keeps types it has no numpy type for (string, int4…) as raw bytes
            npt = DTYPES[t.dtype][0] if t.dtype in DTYPES else arr.dtype
            blobs.append(np.ascontiguousarray(arr, dtype=npt).tobytes())
    buf_offsets = []
    for blob in blobs:
        data = _bytes(b, blob) if blob else None
        tflite.BufferStart(b)
        if data is not None:
            tflite.BufferAddData(b, data)
        buf_offsets.append(tflite.BufferEnd(b))

    tensor_offsets = []
    for t in g.tensors:
        name = b.CreateString(t.name)
        shape = _vector(b, t.shape, "i32")
        q = None
        if t.quantized:
            sc = _vector(b, np.asarray(t.scale, np.float32), "f32")
            zp = _vector(b, np.asarray(t.zero_point if t.zero_point is not None else np.zeros(len(t.scale)),
                                       np.int64), "i64")
            tflite.QuantizationParametersStart(b)
            tflite.QuantizationParametersAddScale(b, sc)
            tflite.QuantizationParametersAddZeroPoint(b, zp)
            tflite.QuantizationParametersAddQuantizedDimension(b, int(t.quant_dim))
            q = tflite.QuantizationParametersEnd(b)
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        tflite.TensorAddType(b, TYPE_CODES[t.dtype])
        tflite.TensorAddBuffer(b, buffer_of.get(t.index, 0))
        tflite.TensorAddName(b, name)
        if q is not None:
            tflite.TensorAddQuantization(b, q)
        if t.is_variable:
            tflite.TensorAddIsVariable(b, True)
        tensor_offsets.append(tflite.TensorEnd(b))

    opcode_keys, opcode_index = [], {}
    for op in g.ops:
        key = (op.type, op.custom_code or "", op.version)
        if key not in opcode_index:
            opcode_index[key] = len(opcode_keys)
            opcode_keys.append(key)
    code_offsets = []
    for typ, custom, version in opcode_keys:
        if typ not in codes:
            raise TinymlError(f"{g.name}: unknown operator {typ}")
        cc = b.CreateString(custom) if custom else None
        tflite.OperatorCodeStart(b)
        tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(codes[typ], 127))
        tflite.OperatorCodeAddBuiltinCode(b, codes[typ])
        tflite.OperatorCodeAddVersion(b, version)
        if cc is not None:
            tflite.OperatorCodeAddCustomCode(b, cc)
        code_offsets.append(tflite.OperatorCodeEnd(b))

    op_offsets = []
    for op in g.ops:
        ins = _vector(b, op.inputs, "i32")
        outs = _vector(b, op.outputs, "i32")
        inter = _vector(b, op.intermediates, "i32") if op.intermediates else None
        opts = _options(b, op.options_type, op.options) if op.options_type else None
        copts = b.CreateByteVector(bytes(op.custom_options)) if op.custom_options else None
        tflite.OperatorStart(b)
        tflite.OperatorAddOpcodeIndex(b, opcode_index[(op.type, op.custom_code or "", op.version)])
        tflite.OperatorAddInputs(b, ins)
        tflite.OperatorAddOutputs(b, outs)
        if inter is not None:
            tflite.OperatorAddIntermediates(b, inter)
        if copts is not None:
            tflite.OperatorAddCustomOptions(b, copts)
        if opts is not None:
            tflite.OperatorAddBuiltinOptionsType(b, opt_enum[op.options_type])
            tflite.OperatorAddBuiltinOptions(b, opts)
        op_offsets.append(tflite.OperatorEnd(b))

    def table_vector(start_fn, offsets):
        start_fn(b, len(offsets))
        for o in reversed(offsets):
            b.PrependUOffsetTRelative(o)
        return b.EndVector()

    tvec = table_vector(tflite.SubGraphStartTensorsVector, tensor_offsets)
    ovec = table_vector(tflite.SubGraphStartOperatorsVector, op_offsets)
    ivec, outvec = _vector(b, g.inputs, "i32"), _vector(b, g.outputs, "i32")
    sg_name = b.CreateString("main")
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tvec)
    tflite.SubGraphAddInputs(b, ivec)
    tflite.SubGraphAddOutputs(b, outvec)
    tflite.SubGraphAddOperators(b, ovec)
    tflite.SubGraphAddName(b, sg_name)
    sg = tflite.SubGraphEnd(b)

    subgraphs = table_vector(tflite.ModelStartSubgraphsVector, [sg])
    opcodes = table_vector(tflite.ModelStartOperatorCodesVector, code_offsets)
    buffers = table_vector(tflite.ModelStartBuffersVector, buf_offsets)
    desc = b.CreateString(g.description or "platformio-tinyml")
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, opcodes)
    tflite.ModelAddSubgraphs(b, subgraphs)
    tflite.ModelAddDescription(b, desc)
    tflite.ModelAddBuffers(b, buffers)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())

"""Read a ``.tflite`` flatbuffer into the graph IR (:mod:`platformio_tinyml.ir`).

Every problem with the file itself becomes a :class:`TinymlError` naming the model.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import re

import numpy as np

from .. import requirements
from ..errors import TinymlError, UnsupportedError
from ..ir import Graph, Op, Tensor

_TYPE_NAMES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string",
               6: "bool", 7: "int16", 8: "complex64", 9: "int8", 10: "float64", 11: "complex128",
               12: "uint64", 13: "resource", 14: "variant", 15: "uint32", 16: "uint16", 17: "int4"}


_NP_EXTRA = {"float16": np.float16, "float64": np.float64, "uint16": np.uint16, "uint32": np.uint32,
             "uint64": np.uint64}


def _builtin_names() -> dict:
    from tflite.BuiltinOperator import BuiltinOperator
    return {v: k for k, v in vars(BuiltinOperator).items() if not k.startswith("_")}


def _options_classes() -> dict:
    import tflite
    from tflite.BuiltinOptions import BuiltinOptions
    out = {}
    for name, value in vars(BuiltinOptions).items():
        if name.startswith("_") or name == "NONE":
            continue
        cls = getattr(tflite, name, None)
        if cls is not None:
            out[value] = cls
    return out


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def decode_options(table, cls) -> dict:
    """Every scalar and vector field of a builtin-options table as a snake_case dict."""
    obj = cls()
    obj.Init(table.Bytes, table.Pos)
    out = {}
    names = {n for n in dir(cls) if not n.startswith("_")}
    for n in sorted(names):
        if n in ("Init", "GetRootAs") or n.startswith("GetRootAs") or n.endswith("BufferHasIdentifier"):
            continue
        if n.endswith(("AsNumpy", "IsNone", "Length")):
            continue
        fn = getattr(obj, n)
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            continue
        if len(params) == 0:
            out[_snake(n)] = fn()
        elif n + "AsNumpy" in names:
            arr = getattr(obj, n + "AsNumpy")()
            out[_snake(n)] = [] if isinstance(arr, int) else [int(x) for x in arr]
    return out


def read_model(path: str, data: bytes | None = None) -> Graph:
    """Parse the model at ``path`` (or the given bytes) into a :class:`Graph`."""
    name = os.path.basename(path)
    if data is None:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise TinymlError(f"{name}: cannot read the model: {e.strerror}") from None
    if len(data) < 8:
        raise TinymlError(f"{name}: not a TensorFlow Lite model (only {len(data)} bytes)")
    if data[4:8] != b"TFL3":
        raise TinymlError(
            f"{name}: not a TensorFlow Lite model (file identifier {data[4:8]!r}, expected b'TFL3'); "
            "export it with tf.lite.TFLiteConverter")
    try:
        return _read(name, data)
    except TinymlError:
        raise
    except ImportError as e:  # tflite or flatbuffers is not installed: the model is not at fault
        msg = requirements.import_error_message(e)
        if msg is None:
            raise
        raise TinymlError(f"{name}: {msg}") from None
    except Exception as e:  # flatbuffers raises struct.error / IndexError / TypeError when truncated
        raise TinymlError(
            f"{name}: the model file is corrupt or truncated ({type(e).__name__}: {e}); "
            "re-export or re-download it") from None


def _read(name: str, data: bytes) -> Graph:
    import tflite

    buf = bytearray(data)
    model = tflite.Model.GetRootAsModel(buf, 0)
    n_sub = model.SubgraphsLength()
    if n_sub == 0:
        raise TinymlError(f"{name}: the model has no subgraph")
    if n_sub > 1:
        raise UnsupportedError(
            f"{name}: the model has {n_sub} subgraphs; only single-subgraph models are supported "
            "(control flow such as WHILE/IF or CALL_ONCE is not)")
    sg = model.Subgraphs(0)
    builtin = _builtin_names()
    opt_classes = _options_classes()

    tensors = []
    for ti in range(sg.TensorsLength()):
        t = sg.Tensors(ti)
        tname = (t.Name() or b"").decode("utf-8", "replace")
        tcode = t.Type()
        dtype = _TYPE_NAMES.get(tcode, f"type{tcode}")
        shape = tuple(int(x) for x in t.ShapeAsNumpy()) if t.ShapeLength() else ()
        q = t.Quantization()
        scale = zp = None
        qdim = 0
        if q is not None and q.ScaleLength() > 0:
            scale = q.ScaleAsNumpy().astype(np.float32)
            zp = (q.ZeroPointAsNumpy().astype(np.int64) if q.ZeroPointLength()
                  else np.zeros(len(scale), np.int64))
            qdim = q.QuantizedDimension()
        b = model.Buffers(t.Buffer())
        raw = None
        if b is not None and b.DataLength() > 0:
            raw = b.DataAsNumpy().tobytes()
        elif b is not None and b.Offset() > 1:
            raw = bytes(data[b.Offset():b.Offset() + b.Size()])
        arr = None
        if raw is not None:
            from ..ir import DTYPES
            npt = DTYPES[dtype][0] if dtype in DTYPES else _NP_EXTRA.get(dtype)
            if npt is None:  # string, int4, resource...: kept as bytes; the operator using it will refuse it
                arr = np.frombuffer(raw, dtype=np.uint8).copy()
            else:
                arr = np.frombuffer(raw, dtype=npt).copy()
            expect = int(np.prod(shape)) if shape else 1
            if npt is not None and arr.size != expect:
                raise TinymlError(f"{name}: tensor {ti} '{tname}' has {arr.size} values for shape {list(shape)}")
            arr = arr.reshape(shape) if npt is not None else arr
        tensor = Tensor(index=ti, name=tname, dtype=dtype, shape=shape, data=arr, scale=scale,
                        zero_point=zp, quant_dim=qdim, is_variable=bool(t.IsVariable()))
        if tensor.is_variable:
            tensor.variable_init, tensor.data = arr, None
        tensors.append(tensor)

    ops = []
    for oi in range(sg.OperatorsLength()):
        o = sg.Operators(oi)
        code = model.OperatorCodes(o.OpcodeIndex())
        bc = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        typ = builtin.get(bc, f"BUILTIN_{bc}")
        custom = None
        if typ == "CUSTOM":
            custom = (code.CustomCode() or b"").decode("utf-8", "replace")
        options = {}
        options_type = ""
        cls = opt_classes.get(o.BuiltinOptionsType())
        if cls is not None and o.BuiltinOptions() is not None:
            options = decode_options(o.BuiltinOptions(), cls)
            options_type = cls.__name__
        ins = [int(x) for x in o.InputsAsNumpy()] if o.InputsLength() else []
        outs = [int(x) for x in o.OutputsAsNumpy()] if o.OutputsLength() else []
        inter = [int(x) for x in o.IntermediatesAsNumpy()] if o.IntermediatesLength() else []
        ops.append(Op(index=oi, type=typ, inputs=ins, outputs=outs, options=options,
                      intermediates=inter, custom_code=custom, version=code.Version(),
                      options_type=options_type))

    inputs = [int(x) for x in sg.InputsAsNumpy()] if sg.InputsLength() else []
    outputs = [int(x) for x in sg.OutputsAsNumpy()] if sg.OutputsLength() else []
    desc = (model.Description() or b"").decode("utf-8", "replace")
    g = Graph(name=name, sha256=hashlib.sha256(data).hexdigest(), tensors=tensors, ops=ops,
              inputs=inputs, outputs=outputs, description=desc)
    _check_shapes(g)
    return g


def _check_shapes(g: Graph) -> None:
    if not g.inputs or not g.outputs:
        raise TinymlError(f"{g.name}: the model declares no inputs or no outputs")
    used = set(g.inputs) | set(g.outputs)
    for op in g.ops:
        used.update(i for i in op.inputs + op.outputs if i >= 0)
    for ti in sorted(used):
        t = g.tensors[ti]
        if t.data is not None:
            continue
        if any(d < 0 for d in t.shape):
            raise UnsupportedError(
                f"{g.name}: tensor {ti} '{t.name}' has a dynamic shape {list(t.shape)}; "
                "export the model with fixed input shapes (batch size 1)")
        if any(d == 0 for d in t.shape):
            raise UnsupportedError(
                f"{g.name}: tensor {ti} '{t.name}' has a zero-sized shape {list(t.shape)}; "
                "every tensor must hold at least one element")

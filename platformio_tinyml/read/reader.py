"""Read a ``.tflite`` flatbuffer into the graph IR (:mod:`platformio_tinyml.ir`).

Every problem with the file itself becomes a :class:`TinymlError` naming the model.
"""
from __future__ import annotations

import hashlib
import inspect
import math
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

#: The most bytes (and values) one tensor may have: the kernels index tensors and count their values
#: with int32_t, and a flatbuffer cannot hold more than 2 GiB anyway. Checked before any lowering
#: (:func:`_check_sizes`), so no stage ever sizes an allocation or a loop by a larger tensor.
MAX_TENSOR_BYTES = 2**31 - 1


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


def _custom_options(name: str, index: int, code: str, raw: bytes) -> dict:
    """A custom operator's options: TFLite stores them as a FlexBuffer map (TFLM's Signal operators and
    the detection post-processing do). Anything else is kept as the raw bytes under ``""``, for the
    lowering to refuse."""
    from flatbuffers import flexbuffers
    try:
        value = flexbuffers.Loads(raw)
    except Exception:  # noqa: BLE001 - any malformed buffer: the lowering decides
        return {"": raw}
    if not isinstance(value, dict):
        return {"": raw}
    return {str(k): v for k, v in value.items()}


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
            expect = math.prod(shape)  # Python integers: a product of huge dimensions does not wrap
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
        custom_options = b""
        if typ == "CUSTOM" and o.CustomOptionsLength():
            custom_options = o.CustomOptionsAsNumpy().tobytes()
            options = _custom_options(name, oi, custom, custom_options)
        ins = [int(x) for x in o.InputsAsNumpy()] if o.InputsLength() else []
        outs = [int(x) for x in o.OutputsAsNumpy()] if o.OutputsLength() else []
        inter = [int(x) for x in o.IntermediatesAsNumpy()] if o.IntermediatesLength() else []
        ops.append(Op(index=oi, type=typ, inputs=ins, outputs=outs, options=options,
                      intermediates=inter, custom_code=custom, version=code.Version(),
                      options_type=options_type, custom_options=custom_options))

    inputs = [int(x) for x in sg.InputsAsNumpy()] if sg.InputsLength() else []
    outputs = [int(x) for x in sg.OutputsAsNumpy()] if sg.OutputsLength() else []
    desc = (model.Description() or b"").decode("utf-8", "replace")
    g = Graph(name=name, sha256=hashlib.sha256(data).hexdigest(), tensors=tensors, ops=ops,
              inputs=inputs, outputs=outputs, description=desc)
    _check_shapes(g)
    return g


def _itemsize(dtype: str) -> int:
    from ..ir import DTYPES
    if dtype in DTYPES:
        return DTYPES[dtype][2]
    return np.dtype(_NP_EXTRA[dtype]).itemsize if dtype in _NP_EXTRA else 1


def _check_graph(g: Graph) -> None:
    """The operators must form a graph TFLite can run in the order stored: every tensor index within the
    model; no operator writing a model input, a constant, or a tensor another operator writes; and no
    cycle (an operator whose output comes back to its own input, directly or through others; the
    alias resolution of RESHAPE/SQUEEZE would follow it forever). An operator reading a tensor that
    only a later operator writes (no cycle, just out of order) is refused too."""
    n = len(g.tensors)

    def bad_index(ti: int, optional: bool) -> bool:
        return not (-1 if optional else 0) <= ti < n

    for kind, ids in (("input", g.inputs), ("output", g.outputs)):
        for k, ti in enumerate(ids):
            if bad_index(ti, False):
                raise TinymlError(f"{g.name}: model {kind} {k} is tensor {ti}, but the model has {n} tensors")
    for op in g.ops:
        for kind, ids in (("input", op.inputs), ("output", op.outputs), ("intermediate", op.intermediates)):
            for k, ti in enumerate(ids):
                if bad_index(ti, True):
                    raise TinymlError(f"{g.name}: operator {op.index} ({op.display}): {kind} {k} is tensor {ti}, "
                                      f"but the model has {n} tensors")

    producer: dict = {}
    model_inputs = set(g.inputs)
    for op in g.ops:
        where = f"{g.name}: operator {op.index} ({op.display})"
        for ti in op.outputs:
            if ti < 0:
                continue
            t = g.tensors[ti]
            what = f"writes tensor {ti} '{t.name}'"
            if ti in op.inputs:
                raise TinymlError(f"{where}: {what}, which is also its own input: the graph has a cycle")
            if ti in model_inputs:
                raise TinymlError(f"{where}: {what}, which is a model input: only the caller writes those")
            if t.is_const:
                raise TinymlError(f"{where}: {what}, which is a constant: constants are never written")
            if ti in producer:
                j = producer[ti]
                raise TinymlError(f"{where}: {what}, which operator {j} ({g.ops[j].display}) writes too")
            producer[ti] = op.index

    # Kahn's algorithm on operator -> consumer edges; what it cannot order lies on or after a cycle
    preds = [sorted({producer[ti] for ti in op.inputs if ti in producer}) for op in g.ops]
    succs: list = [[] for _ in g.ops]
    for i, ps in enumerate(preds):
        for j in ps:
            succs[j].append(i)
    indegree = [len(ps) for ps in preds]
    ready = [i for i, d in enumerate(indegree) if d == 0]
    done = 0
    while ready:
        j = ready.pop()
        done += 1
        for i in succs[j]:
            indegree[i] -= 1
            if indegree[i] == 0:
                ready.append(i)
    if done < len(g.ops):
        # every operator left has a predecessor left: walk back until one repeats
        left = {i for i, d in enumerate(indegree) if d > 0}
        path, seen, i = [], {}, min(left)
        while i not in seen:
            seen[i] = len(path)
            path.append(i)
            i = next(j for j in preds[i] if j in left)
        cycle = path[seen[i]:][::-1]  # in data-flow order
        k = cycle.index(min(cycle))
        cycle = cycle[k:] + cycle[:k]
        op = g.ops[cycle[0]]
        steps = " -> ".join(f"{i} ({g.ops[i].display})" for i in cycle + cycle[:1])
        raise TinymlError(f"{g.name}: operator {op.index} ({op.display}): its output comes back to its own input "
                          f"through operators {steps}: the graph has a cycle")

    for op in g.ops:
        for ti in op.inputs:
            j = producer.get(ti)
            if j is not None and j > op.index:
                raise TinymlError(
                    f"{g.name}: operator {op.index} ({op.display}): reads tensor {ti} '{g.tensors[ti].name}' "
                    f"before operator {j} ({g.ops[j].display}) writes it; the operators must be stored in "
                    "execution order")


def _check_sizes(g: Graph, first_use: dict) -> None:
    """No tensor larger than :data:`MAX_TENSOR_BYTES` (values or bytes): the sizes later stages allocate
    or loop by derive from these shapes (or from the file's own bytes)."""
    for ti in sorted(first_use):
        t = g.tensors[ti]
        if any(d < 0 for d in t.shape):
            continue  # refused below as a dynamic shape (a constant: its values did not match it)
        count = math.prod(t.shape)  # Python integers: never wraps
        nbytes = count * _itemsize(t.dtype)
        if count > MAX_TENSOR_BYTES or nbytes > MAX_TENSOR_BYTES:
            raise TinymlError(
                f"{g.name}: {first_use[ti]}: tensor {ti} '{t.name}' has shape {list(t.shape)}, {count} {t.dtype} "
                f"values in {nbytes} bytes; a tensor may have at most {MAX_TENSOR_BYTES} (2^31 - 1) values and bytes")


def _check_shapes(g: Graph) -> None:
    if not g.inputs or not g.outputs:
        raise TinymlError(f"{g.name}: the model declares no inputs or no outputs")
    _check_graph(g)
    first_use: dict = {}  # tensor id -> where it is first used, for messages
    for kind, ids in (("model input", g.inputs), ("model output", g.outputs)):
        for k, ti in enumerate(ids):
            first_use.setdefault(ti, f"{kind} {k}")
    for op in g.ops:
        for ti in op.inputs + op.outputs:
            if ti >= 0:
                first_use.setdefault(ti, f"operator {op.index} ({op.display})")
    _check_sizes(g, first_use)
    for ti in sorted(first_use):
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

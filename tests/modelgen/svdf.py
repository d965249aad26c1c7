"""SVDF test models, written directly as tflite flatbuffers (TensorFlow has no SVDF layer).

Some models chain several SVDF operators that share ONE state tensor, each with its own
input: within a single invoke of a fresh interpreter the later operators then see the
columns written by the earlier ones moved along the memory, which exercises the state
shift and the time weights of older columns (a fresh interpreter always starts from the
reset state, so a single-operator model only ever sees its newest column).
"""
from __future__ import annotations

import flatbuffers
import numpy as np
import tflite
from tflite.ActivationFunctionType import ActivationFunctionType
from tflite.BuiltinOperator import BuiltinOperator
from tflite.BuiltinOptions import BuiltinOptions

TYPES = {"float32": 0, "int32": 2, "int16": 7, "int8": 9}


def _vec(b, start, values, prepend):
    start(b, len(values))
    for v in reversed(list(values)):
        prepend(v)
    return b.EndVector()


def build_model(tensors: list, ops: list, inputs: list, outputs: list) -> bytes:
    """tensors: dicts(shape, dtype, [scale, zp], [data], [variable]); ops: dicts(inputs, outputs, rank, act)."""
    b = flatbuffers.Builder(4096)
    buffers = [b""]
    for t in tensors:
        t["_buf"] = 0
        if t.get("data") is not None:
            buffers.append(np.ascontiguousarray(t["data"]).tobytes())
            t["_buf"] = len(buffers) - 1
    buf_offs = []
    for data in buffers:
        d = None
        if data:
            b.StartVector(1, len(data), 16)
            for v in reversed(data):
                b.PrependUint8(v)
            d = b.EndVector()
        tflite.BufferStart(b)
        if d is not None:
            tflite.BufferAddData(b, d)
        buf_offs.append(tflite.BufferEnd(b))
    toffs = []
    for i, t in enumerate(tensors):
        name = b.CreateString(t.get("name", f"t{i}"))
        shape = _vec(b, tflite.TensorStartShapeVector, t["shape"], b.PrependInt32)
        q = None
        if t.get("scale") is not None:
            sc = _vec(b, lambda bb, n: bb.StartVector(4, n, 4), [float(t["scale"])], b.PrependFloat32)
            zp = _vec(b, lambda bb, n: bb.StartVector(8, n, 8), [int(t.get("zp", 0))], b.PrependInt64)
            tflite.QuantizationParametersStart(b)
            tflite.QuantizationParametersAddScale(b, sc)
            tflite.QuantizationParametersAddZeroPoint(b, zp)
            q = tflite.QuantizationParametersEnd(b)
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        tflite.TensorAddType(b, TYPES[t["dtype"]])
        tflite.TensorAddBuffer(b, t["_buf"])
        tflite.TensorAddName(b, name)
        if q is not None:
            tflite.TensorAddQuantization(b, q)
        if t.get("variable"):
            tflite.TensorAddIsVariable(b, True)
        toffs.append(tflite.TensorEnd(b))
    ooffs = []
    for o in ops:
        ins = _vec(b, tflite.OperatorStartInputsVector, o["inputs"], b.PrependInt32)
        outs = _vec(b, tflite.OperatorStartOutputsVector, o["outputs"], b.PrependInt32)
        tflite.SVDFOptionsStart(b)
        tflite.SVDFOptionsAddRank(b, o["rank"])
        tflite.SVDFOptionsAddFusedActivationFunction(b, o["act"])
        opts = tflite.SVDFOptionsEnd(b)
        tflite.OperatorStart(b)
        tflite.OperatorAddOpcodeIndex(b, 0)
        tflite.OperatorAddInputs(b, ins)
        tflite.OperatorAddOutputs(b, outs)
        tflite.OperatorAddBuiltinOptionsType(b, BuiltinOptions.SVDFOptions)
        tflite.OperatorAddBuiltinOptions(b, opts)
        ooffs.append(tflite.OperatorEnd(b))
    tv = _vec(b, tflite.SubGraphStartTensorsVector, toffs, b.PrependUOffsetTRelative)
    ov = _vec(b, tflite.SubGraphStartOperatorsVector, ooffs, b.PrependUOffsetTRelative)
    iv = _vec(b, tflite.SubGraphStartInputsVector, inputs, b.PrependInt32)
    outv = _vec(b, tflite.SubGraphStartOutputsVector, outputs, b.PrependInt32)
    sgname = b.CreateString("main")
    tflite.SubGraphStart(b)
    tflite.SubGraphAddTensors(b, tv)
    tflite.SubGraphAddOperators(b, ov)
    tflite.SubGraphAddInputs(b, iv)
    tflite.SubGraphAddOutputs(b, outv)
    tflite.SubGraphAddName(b, sgname)
    sg = tflite.SubGraphEnd(b)
    tflite.OperatorCodeStart(b)
    tflite.OperatorCodeAddDeprecatedBuiltinCode(b, BuiltinOperator.SVDF)
    tflite.OperatorCodeAddBuiltinCode(b, BuiltinOperator.SVDF)
    tflite.OperatorCodeAddVersion(b, 1)
    code = tflite.OperatorCodeEnd(b)
    bv = _vec(b, tflite.ModelStartBuffersVector, buf_offs, b.PrependUOffsetTRelative)
    cv = _vec(b, tflite.ModelStartOperatorCodesVector, [code], b.PrependUOffsetTRelative)
    sv = _vec(b, tflite.ModelStartSubgraphsVector, [sg], b.PrependUOffsetTRelative)
    desc = b.CreateString("platformio-tinyml SVDF test model")
    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, 3)
    tflite.ModelAddOperatorCodes(b, cv)
    tflite.ModelAddSubgraphs(b, sv)
    tflite.ModelAddDescription(b, desc)
    tflite.ModelAddBuffers(b, bv)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _f32(x) -> float:
    return float(np.float32(x))


def svdf_model(dtype: str, batches: int, input_size: int, units: int, rank: int, memory: int, steps: int = 1,
               bias=True, act: int = ActivationFunctionType.NONE, state_dtype: str = "int16",
               state_scale: float = 1e-3, state_zp: int = 0, out_scale: float = 0.05, out_zp: int = 0,
               file_state: bool = False, seed: int = 0) -> bytes:
    """`steps` SVDF operators sharing one state tensor, each with its own input and output.

    bias: True (random), False (omitted, input 3 is -1) or "zero" (an all-zero bias tensor: the
    twin that TFLM runs for an omitted bias, since its SVDF does not handle a missing bias yet).
    file_state: store non-zero data for the state in the file (TFLM ignores it and starts from
    the zero point / zero; so must we).
    """
    rng = np.random.default_rng(seed)
    filters = units * rank
    tensors, ops, inputs, outputs = [], [], [], []

    def add(**t) -> int:
        tensors.append(t)
        return len(tensors) - 1

    if dtype == "float32":
        state = add(name="state", shape=[batches, filters * memory], dtype="float32", variable=True)
    else:
        state = add(name="state", shape=[batches, filters * memory], dtype=state_dtype, scale=state_scale,
                    zp=state_zp, variable=True)
    if file_state:
        np_t = {"float32": np.float32, "int16": np.int16, "int8": np.int8}[tensors[state]["dtype"]]
        tensors[state]["data"] = np.full(tensors[state]["shape"], 7, np_t)
    for s in range(steps):
        if dtype == "float32":
            x = add(name=f"input{s}", shape=[batches, input_size], dtype="float32")
            wf = add(name=f"weights_feature{s}", shape=[filters, input_size], dtype="float32",
                     data=rng.uniform(-1, 1, (filters, input_size)).astype(np.float32))
            wt = add(name=f"weights_time{s}", shape=[filters, memory], dtype="float32",
                     data=rng.uniform(-1, 1, (filters, memory)).astype(np.float32))
            bi = add(name=f"bias{s}", shape=[units], dtype="float32",
                     data=rng.uniform(-1, 1, units).astype(np.float32)) if bias is True else -1
            y = add(name=f"output{s}", shape=[batches, units], dtype="float32")
        else:
            in_scale, in_zp = 1.0 / 64, -3
            wf_scale = 0.01
            if state_dtype == "int16":
                wt_scale, wt_q = 1e-4, rng.integers(-32767, 32768, (filters, memory)).astype(np.int16)
            else:
                wt_scale, wt_q = 0.02, rng.integers(-127, 128, (filters, memory)).astype(np.int8)
            bias_scale = _f32(np.float32(state_scale) * np.float32(wt_scale))
            x = add(name=f"input{s}", shape=[batches, input_size], dtype="int8", scale=in_scale, zp=in_zp)
            wf = add(name=f"weights_feature{s}", shape=[filters, input_size], dtype="int8", scale=wf_scale, zp=0,
                     data=rng.integers(-127, 128, (filters, input_size)).astype(np.int8))
            wt = add(name=f"weights_time{s}", shape=[filters, memory], dtype=state_dtype, scale=wt_scale, zp=0,
                     data=wt_q)
            bias_q = np.round(rng.uniform(-40, 40, units) * out_scale / bias_scale).astype(np.int32) \
                if bias is True else None
            bi = add(name=f"bias{s}", shape=[units], dtype="int32", scale=bias_scale, zp=0,
                     data=bias_q) if bias is True else -1
            y = add(name=f"output{s}", shape=[batches, units], dtype="int8", scale=out_scale, zp=out_zp)
        if bias == "zero":
            bt = tensors[y]
            bi = add(name=f"bias{s}", shape=[units], dtype="int32" if dtype == "int8" else "float32",
                     scale=_f32(np.float32(state_scale) * np.float32(wt_scale)) if dtype == "int8" else None,
                     zp=0, data=np.zeros(units, np.int32 if dtype == "int8" else np.float32))
            del bt
        ops.append(dict(inputs=[x, wf, wt, bi, state], outputs=[y], rank=rank, act=act))
        inputs.append(x)
        outputs.append(y)
    return build_model(tensors, ops, inputs, outputs)


def models() -> dict:
    A = ActivationFunctionType
    specs = {
        # float32
        "svdf_float_rank1_relu": dict(dtype="float32", batches=2, input_size=5, units=3, rank=1, memory=4,
                                      act=A.RELU, seed=1),
        "svdf_float_rank2_steps3": dict(dtype="float32", batches=1, input_size=4, units=3, rank=2, memory=4,
                                        steps=3, seed=2),
        "svdf_float_rank1_nobias_tanh_steps2": dict(dtype="float32", batches=2, input_size=3, units=2, rank=1,
                                                    memory=3, steps=2, bias=False, act=A.TANH, seed=3),
        # int8 input, int16 weights_time/state (the standard int8 SVDF)
        "svdf_int8_s16_rank1_relu": dict(dtype="int8", batches=2, input_size=6, units=4, rank=1, memory=5,
                                         act=A.RELU, state_scale=2e-3, out_scale=0.03, out_zp=-128, seed=4),
        "svdf_int8_s16_rank2_steps3": dict(dtype="int8", batches=1, input_size=6, units=3, rank=2, memory=4,
                                           steps=3, state_scale=2e-3, out_scale=0.1, out_zp=5, seed=5),
        "svdf_int8_s16_rank1_nobias_steps2": dict(dtype="int8", batches=2, input_size=5, units=3, rank=1,
                                                  memory=3, steps=2, bias=False, state_scale=5e-4,
                                                  out_scale=0.06, out_zp=-2, seed=6),
        # int8 weights_time/state with a state zero point (TFLM's 8-bit variant); the first one
        # saturates some state values, which checks that the zero point is added before the clamp
        "svdf_int8_s8_rank1_steps3": dict(dtype="int8", batches=1, input_size=8, units=4, rank=1, memory=4,
                                          steps=3, state_dtype="int8", state_scale=0.03, state_zp=40,
                                          out_scale=0.4, out_zp=3, act=A.RELU, seed=7),
        "svdf_int8_s8_rank2_steps2": dict(dtype="int8", batches=2, input_size=6, units=3, rank=2, memory=5,
                                          steps=2, state_dtype="int8", state_scale=0.1, state_zp=-20,
                                          out_scale=0.3, out_zp=-5, seed=8),
        # the file stores data for the variable state: ignored at reset, like TFLM
        "svdf_int8_s8_rank1_filestate": dict(dtype="int8", batches=1, input_size=3, units=2, rank=1, memory=3,
                                             state_dtype="int8", state_scale=0.1, state_zp=-20, out_scale=0.3,
                                             file_state=True, seed=9),
        "svdf_float_rank1_filestate": dict(dtype="float32", batches=1, input_size=3, units=2, rank=1, memory=3,
                                           file_state=True, seed=10),
    }
    out = {name: svdf_model(**kw) for name, kw in specs.items()}
    # TFLM crashes on an omitted SVDF bias: the tests compare those with an all-zero-bias twin
    for name, kw in specs.items():
        if kw.get("bias") is False:
            out[name.replace("nobias", "zerobias")] = svdf_model(**dict(kw, bias="zero"))
    return out

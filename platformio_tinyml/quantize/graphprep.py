"""The float graph before quantization: checks, clean-ups and calibration (every tensor's range).

The graph is cleaned first: standalone RELU/RELU6 are fused into the operator before them, and a
per-channel MUL/ADD by a constant right after a convolution (an unfolded batch normalisation) is
folded into its weights and bias. Calibration then runs the float graph (floatref) on every sample
and records each tensor's min/max.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from ..errors import TinymlError, UnsupportedError
from ..ir import Graph, Tensor
from .calibdata import _F32_MAX
from .floatref import FloatInterpreter
from .rules import FOLDABLE, QUANTIZABLE, WEIGHTED, refusal_16


#: dtypes a float model's activations may have besides float32: integer results that are never
#: quantized (ARG_MAX's indices, SHAPE, a CAST to an integer)
INTEGER_ACTIVATIONS = ("int32", "int64", "bool")


def _check_float_model(g: Graph, scheme: str = "int8") -> None:
    for t in g.tensors:
        if t.is_const and t.dtype == "float32":
            bad = ~np.isfinite(t.data)
            if bad.any():
                raise TinymlError(f"{g.name}: constant tensor {t.index} '{t.name}' holds NaN or infinity "
                                  f"({int(bad.sum())} values); the model cannot be quantized (nor run) as it is")
    unsupported = sorted({op.display for op in g.ops if op.type not in QUANTIZABLE})
    if unsupported:
        raise UnsupportedError(
            f"{g.name}: cannot quantize operator(s) {', '.join(unsupported)} to {scheme} (the quantizer handles "
            f"{', '.join(sorted(set(QUANTIZABLE)))}); keep the model float (custom_tinyml_quantize = none) "
            "or replace those layers")
    if scheme == "int16x8":
        for op in g.ops:
            why = refusal_16(op.type)
            if why is not None:
                raise UnsupportedError(f"{g.name}: operator {op.index} ({op.display}) cannot be quantized to "
                                       f"int16x8 ({why}); use int8")
    for op in g.ops:
        for i in op.inputs:
            t = g.t(i)
            if t is not None and not t.is_const and (t.dtype not in ("float32",) + INTEGER_ACTIVATIONS
                                                     or t.quantized):
                raise UnsupportedError(
                    f"{g.name}: operator {op.index} {op.display} reads {t.dtype} tensor {t.index} '{t.name}'; only "
                    "models with float32 activations can be quantized")


def is_float_model(g: Graph) -> bool:
    """True when the model computes in float32: its inputs are float32, and every tensor its ops produce
    is float32 or an unquantized integer (indices, shapes)."""
    acts = [g.tensors[o] for op in g.ops for o in op.outputs]
    return (bool(g.ops) and all(g.tensors[i].dtype == "float32" for i in g.inputs)
            and all(t.dtype == "float32" or (t.dtype in INTEGER_ACTIVATIONS and not t.quantized) for t in acts))


def _consumers(g: Graph) -> dict:
    out: dict = {}
    for op in g.ops:
        for i in op.inputs:
            if i >= 0:
                out.setdefault(i, []).append(op)
    return out


def _per_channel_const(g: Graph, tid: int, channels: int) -> Optional[np.ndarray]:
    t = g.t(tid)
    if t is None or not t.is_const or t.dtype != "float32":
        return None
    if t.size == 1:
        return np.full(channels, float(t.data.reshape(-1)[0]), np.float64)
    if t.size == channels and (len(t.shape) == 1 or all(d == 1 for d in t.shape[:-1])):
        return t.data.reshape(-1).astype(np.float64)
    return None


def simplify_float_graph(g: Graph) -> tuple:
    """Fold per-channel MUL/ADD into the convolution before them; fuse standalone RELU/RELU6.

    Returns (new graph, list of what was done). Only exact rewrites are made: the producer's
    output must feed nothing else and have no fused activation yet."""
    g = copy.deepcopy(g)
    done = []
    act_code = {"RELU": 1, "RELU6": 3}
    changed = True
    while changed:
        changed = False
        cons = _consumers(g)
        producer = {o: op for op in g.ops for o in op.outputs}
        for op in list(g.ops):
            if op.type not in ("MUL", "ADD", "RELU", "RELU6"):
                continue
            x = op.inputs[0]
            prev = producer.get(x)
            other = op.inputs[1] if len(op.inputs) > 1 else -1
            if prev is None and op.type in ("MUL", "ADD"):      # the constant may come first
                x, other = other, x
                prev = producer.get(x)
            if prev is None or len(cons.get(x, [])) != 1 or x in g.outputs:
                continue
            if prev.options.get("fused_activation_function", 0) != 0:
                continue
            if op.type in act_code:
                if prev.type not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL"):
                    continue
                prev.options["fused_activation_function"] = act_code[op.type]
                done.append(f"fused {op.type} (op {op.index}) into {prev.type} (op {prev.index})")
            else:
                if prev.type not in FOLDABLE or op.options.get("fused_activation_function", 0) not in (0, 1, 3):
                    continue
                wi, bi, axis, _ = WEIGHTED[prev.type]
                w = g.tensors[prev.inputs[wi]]
                channels = w.shape[axis]
                vec = _per_channel_const(g, other, channels)
                if vec is None or g.tensors[x].shape[-1] != channels or not w.is_const:
                    continue
                if len(cons.get(prev.inputs[wi], [])) != 1:
                    continue
                has_bias = len(prev.inputs) > bi and prev.inputs[bi] >= 0
                if has_bias and len(cons.get(prev.inputs[bi], [])) != 1:
                    continue
                bias = g.tensors[prev.inputs[bi]].data.astype(np.float64) if has_bias else np.zeros(channels)
                if op.type == "MUL":
                    shape = [1] * w.data.ndim
                    shape[axis] = -1
                    w.data = (w.data.astype(np.float64) * vec.reshape(shape)).astype(np.float32)
                    bias = bias * vec
                else:
                    bias = bias + vec
                if has_bias:
                    g.tensors[prev.inputs[bi]].data = bias.astype(np.float32)
                else:
                    nt = Tensor(index=len(g.tensors), name=f"{w.name}/folded_bias", dtype="float32",
                                shape=(channels,), data=bias.astype(np.float32))
                    g.tensors.append(nt)
                    ins = list(prev.inputs) + [-1] * (bi + 1 - len(prev.inputs))
                    ins[bi] = nt.index
                    prev.inputs = ins
                prev.options["fused_activation_function"] = op.options.get("fused_activation_function", 0)
                done.append(f"folded {op.type} (op {op.index}) into {prev.type} (op {prev.index})")
            prev.outputs = list(op.outputs)
            g.ops.remove(op)
            changed = True
            break
    for i, op in enumerate(g.ops):
        op.index = i
    return g, done


# ----------------------------------------------------------------------------------------- calibration

@dataclass
class Ranges:
    """Calibrated min/max per tensor (and per LSTM cell state, keys ``("cell", id)``)."""
    lo: dict = field(default_factory=dict)
    hi: dict = field(default_factory=dict)
    samples: int = 0

    def add(self, key, v: np.ndarray) -> None:
        if v.size == 0:
            return
        lo, hi = float(v.min()), float(v.max())
        self.lo[key] = min(self.lo.get(key, lo), lo)
        self.hi[key] = max(self.hi.get(key, hi), hi)

    def get(self, key) -> tuple:
        return self.lo[key], self.hi[key]


def _describe_value(g: Graph, key) -> str:
    if isinstance(key, tuple):       # ("cell", LSTM input index): the cell state
        return f"the cell state of LSTM tensor {key[1]}"
    t = g.tensors[key]
    op = next((o for o in g.ops if key in o.outputs), None)
    made = (f" (output of operator {op.index} {op.display})" if op is not None else
            f" (model input {g.inputs.index(key)})" if key in g.inputs else "")
    return f"tensor {key} '{t.name}'{made}"


def calibrate(g: Graph, samples: list, progress: Optional[Callable] = None) -> Ranges:
    """Run the float graph on every sample (state reset for each) and record every tensor's min/max.

    A sample that makes the float graph overflow (infinity or NaN anywhere) is refused: its
    ranges would make every scale after it useless. numpy's warnings about it are not printed."""
    interp = FloatInterpreter(g)
    r = Ranges()
    for n, sample in enumerate(samples):
        origin = getattr(sample, "origin", f"calibration sample {n}")

        def observe(key, v, origin=origin, sample=sample):
            v = np.asarray(v)
            if v.size == 0:
                return
            if not np.isfinite(v).all():
                peak = max((float(np.abs(x).max()) for x in sample if x.size), default=0.0)
                raise TinymlError(
                    f"{origin} makes the float model overflow: {_describe_value(g, key)} is infinite or NaN "
                    f"(the sample's values reach {peak:.6g}); "
                    "give inputs in the range the model was trained on, or remove that sample")
            r.add(key, v)
            lo, hi = min(r.lo[key], 0.0), max(r.hi[key], 0.0)
            if hi - lo > _F32_MAX:   # its int8 steps times 255 would not be a float32: no usable scale
                raise TinymlError(
                    f"{origin} widens the range of {_describe_value(g, key)} to [{lo:.6g}, {hi:.6g}], wider than "
                    f"float32 can quantize ({_F32_MAX:.7g}); give inputs in the range the model was trained on, "
                    "or remove that sample")
        interp.reset()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            interp.run(sample, observe=observe)
        r.samples += 1
        if progress is not None:
            progress(n + 1, len(samples))
    return r

"""A small numpy interpreter for float32 graphs: what calibration runs.

The quantizer needs every intermediate value of the float model on the calibration
data. Running the float graph here keeps the build free of any runtime other than
numpy. It follows TFLite's reference kernels' definitions (geometry, padding, fused
activations); it computes in float64 and rounds each op's output to float32, so it
agrees with an interpreter to float32 precision, not bit for bit, which is all ranges need.

``observe(tensor_index, value)`` sees each tensor as it is produced (after ``transform``,
which the quantizer uses to simulate int8 rounding); an LSTM also
reports its cell state under the key ``("cell", tensor_index_of_cell_state)``.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from ..errors import UnsupportedError
from ..ir import Graph, Op
from ..lower.ops.conv import compute_padding
from ..lower.ops.shape import strided_slice_plan
from . import floatref_math, floatref_movement  # noqa: F401  (their kernels register themselves)
from .floatops import _KERNELS, _act, _kernel, supported_ops  # noqa: F401


def _pad_geometry(op, ih, iw, fh, fw, sh, sw, dh=1, dw=1):
    pad = {0: "SAME", 1: "VALID"}[op.options.get("padding", 0)]
    ph, _, oh = compute_padding(pad, sh, dh, ih, fh)
    pw, _, ow = compute_padding(pad, sw, dw, iw, fw)
    return ph, pw, oh, ow


def _patches(x, fh, fw, sh, sw, dh, dw, ph, pw, oh, ow, fill=0.0):
    """[N, OH, OW, FH, FW, C] windows of an NHWC input, out-of-range taps set to ``fill``."""
    n, ih, iw, c = x.shape
    need_h = (oh - 1) * sh + (fh - 1) * dh + 1
    need_w = (ow - 1) * sw + (fw - 1) * dw + 1
    padded = np.full((n, max(need_h, ph + ih), max(need_w, pw + iw), c), fill, dtype=x.dtype)
    padded[:, ph:ph + ih, pw:pw + iw, :] = x
    rows = (np.arange(oh) * sh)[:, None] + (np.arange(fh) * dh)[None, :]      # [OH, FH]
    cols = (np.arange(ow) * sw)[:, None] + (np.arange(fw) * dw)[None, :]      # [OW, FW]
    return padded[:, rows[:, None, :, None], cols[None, :, None, :], :]       # [N, OH, OW, FH, FW, C]


def _conv_args(op):
    o = op.options
    return (int(o.get("stride_h", 1)), int(o.get("stride_w", 1)),
            int(o.get("dilation_h_factor", 1)), int(o.get("dilation_w_factor", 1)))


@_kernel("CONV_2D")
def _conv(op, x, w, b=None):
    sh, sw, dh, dw = _conv_args(op)
    oc, fh, fw, ic = w.shape
    ph, pw, oh, ow = _pad_geometry(op, x.shape[1], x.shape[2], fh, fw, sh, sw, dh, dw)
    groups = x.shape[3] // ic
    p = _patches(x, fh, fw, sh, sw, dh, dw, ph, pw, oh, ow)
    if groups == 1:
        y = np.einsum("nhwijc,oijc->nhwo", p, w, optimize=True)
    else:
        per = oc // groups
        y = np.concatenate([np.einsum("nhwijc,oijc->nhwo", p[..., g * ic:(g + 1) * ic], w[g * per:(g + 1) * per],
                                      optimize=True) for g in range(groups)], axis=-1)
    if b is not None:
        y = y + b
    return _act(y, op)


@_kernel("DEPTHWISE_CONV_2D")
def _dwconv(op, x, w, b=None):
    sh, sw, dh, dw = _conv_args(op)
    _, fh, fw, oc = w.shape
    mult = oc // x.shape[3]
    ph, pw, oh, ow = _pad_geometry(op, x.shape[1], x.shape[2], fh, fw, sh, sw, dh, dw)
    p = _patches(x, fh, fw, sh, sw, dh, dw, ph, pw, oh, ow)
    p = np.repeat(p, mult, axis=-1)                       # output channel k reads input channel k // mult
    y = np.einsum("nhwijc,ijc->nhwc", p, w[0], optimize=True)
    if b is not None:
        y = y + b
    return _act(y, op)


@_kernel("FULLY_CONNECTED")
def _fc(op, x, w, b=None):
    units, depth = w.shape
    y = x.reshape(-1, depth) @ w.T
    if b is not None:
        y = y + b
    return _act(y, op)


@_kernel("AVERAGE_POOL_2D", "MAX_POOL_2D")
def _pool(op, x):
    o = op.options
    fh, fw = int(o.get("filter_height", 1)), int(o.get("filter_width", 1))
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    ph, pw, oh, ow = _pad_geometry(op, x.shape[1], x.shape[2], fh, fw, sh, sw)
    if op.type == "MAX_POOL_2D":
        y = _patches(x, fh, fw, sh, sw, 1, 1, ph, pw, oh, ow, fill=-np.inf).max(axis=(3, 4))
    else:
        s = _patches(x, fh, fw, sh, sw, 1, 1, ph, pw, oh, ow).sum(axis=(3, 4))
        ones = np.ones((1,) + x.shape[1:3] + (1,))
        cnt = _patches(ones, fh, fw, sh, sw, 1, 1, ph, pw, oh, ow).sum(axis=(3, 4))
        y = s / cnt                                        # padding taps do not count, as in TFLite
    return _act(y, op)


@_kernel("SOFTMAX")
def _softmax(op, x):
    beta = float(op.options.get("beta", 1.0))
    z = (x - x.max(axis=-1, keepdims=True)) * beta
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@_kernel("LOGISTIC")
def _logistic(op, x):
    return 1.0 / (1.0 + np.exp(-x))


@_kernel("TANH")
def _tanh(op, x):
    return np.tanh(x)


@_kernel("RELU")
def _relu(op, x):
    return np.maximum(x, 0.0)


@_kernel("RELU6")
def _relu6(op, x):
    return np.clip(x, 0.0, 6.0)


@_kernel("ADD")
def _add(op, a, b):
    return _act(a + b, op)


@_kernel("MUL")
def _mul(op, a, b):
    return _act(a * b, op)


@_kernel("RESHAPE", "SQUEEZE")
def _reshape(op, x, *_):
    return x  # the output tensor's declared shape is applied by the caller


@_kernel("CONCATENATION")
def _concat(op, *xs):
    axis = int(op.options.get("axis", 0))
    return _act(np.concatenate(xs, axis=axis), op)


@_kernel("STRIDED_SLICE")
def _strided_slice(op, x, begin, end, strides):
    o = op.options
    first, counts, steps = strided_slice_plan(list(x.shape), [int(v) for v in begin], [int(v) for v in end],
                                              [int(v) for v in strides], int(o.get("begin_mask", 0)),
                                              int(o.get("end_mask", 0)), int(o.get("shrink_axis_mask", 0)))
    flat = x.reshape(-1)
    idx = np.array([first])
    for c, s in zip(counts, steps):
        idx = (idx[:, None] + np.arange(c)[None, :] * s).reshape(-1)
    return flat[idx]


@_kernel("PAD", "PADV2")
def _pad(op, x, pads, *rest):
    value = float(rest[0].reshape(-1)[0]) if rest and rest[0] is not None else 0.0
    return np.pad(x, [(int(a), int(b)) for a, b in np.asarray(pads).reshape(-1, 2)], constant_values=value)


@_kernel("MEAN")
def _mean(op, x, axes):
    ax = tuple(sorted({int(a) % x.ndim for a in np.asarray(axes).reshape(-1)}))
    return x.mean(axis=ax, keepdims=bool(op.options.get("keep_dims", False))) if ax else x


@_kernel("DEQUANTIZE", "QUANTIZE")
def _dequantize(op, x):  # float to float: the simulated-quantization graph keeps them as identities
    return x


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_float(op: Op, x, w, b, h0, c0, observe_cell: Optional[Callable] = None):
    """The standard Keras LSTM cell over a sequence: gates i, f, c, o. Returns (output, h, c)."""
    time_major = bool(op.options.get("time_major", False))
    clip = float(op.options.get("cell_clip", 0.0))
    seq = x if time_major else np.swapaxes(x, 0, 1)             # [T, B, I]
    h, c = h0.reshape(seq.shape[1], -1), c0.reshape(seq.shape[1], -1)
    outs = []
    for xt in seq:
        g = [xt @ w[k].T + h @ w[4 + k].T + b[k] for k in range(4)]
        i, f, o = _sigmoid(g[0]), _sigmoid(g[1]), _sigmoid(g[3])
        c = f * c + i * np.tanh(g[2])
        if clip > 0:
            c = np.clip(c, -clip, clip)
        if observe_cell is not None:
            observe_cell(c)
        h = o * np.tanh(c)
        outs.append(h)
    y = np.stack(outs)
    return (y if time_major else np.swapaxes(y, 0, 1)), h, c


class FloatInterpreter:
    """Runs a float32 graph on numpy arrays; the state of LSTMs persists between calls until reset()."""

    def __init__(self, graph: Graph):
        self.g = graph
        for op in graph.ops:
            if op.type not in _KERNELS and op.type != "UNIDIRECTIONAL_SEQUENCE_LSTM":
                raise UnsupportedError(
                    f"{graph.name}: operator {op.index} {op.display} cannot be calibrated (the float "
                    f"interpreter runs {', '.join(supported_ops() + ['UNIDIRECTIONAL_SEQUENCE_LSTM'])})")
        self.reset()

    def reset(self):
        self.state = {}
        for t in self.g.tensors:
            if t.is_variable:
                init = t.variable_init if t.variable_init is not None else np.zeros(t.shape)
                self.state[t.index] = np.asarray(init, np.float64).reshape(t.shape)

    def run(self, inputs: list, observe: Optional[Callable] = None, transform: Optional[Callable] = None) -> list:
        """Outputs for ``inputs``; ``transform(tensor_index, value)`` may replace each computed value."""
        g = self.g
        vals: dict = {}

        def put(tid, v):
            t = g.tensors[tid]
            if t.dtype == "float32":
                v = np.asarray(v, np.float32).reshape(t.shape)
                if transform is not None:
                    v = np.asarray(transform(tid, v), np.float32)
            else:   # integer results (indices, shapes, casts) keep their dtype
                v = np.asarray(v).astype(t.np_dtype).reshape(t.shape)
            vals[tid] = v
            if observe is not None:
                observe(tid, v)

        for tid, x in zip(g.inputs, inputs):
            put(tid, x)

        def get(tid):
            if tid < 0:
                return None
            if tid in vals:
                v = vals[tid]
                return v.astype(np.float64) if v.dtype == np.float32 else v
            t = g.tensors[tid]
            if t.is_variable:
                return self.state[tid]
            if t.data is not None:
                return t.data.astype(np.float64) if t.dtype.startswith("float") else t.data
            raise UnsupportedError(f"{g.name}: tensor {tid} '{t.name}' is read before it is written")

        for op in g.ops:
            if op.type == "UNIDIRECTIONAL_SEQUENCE_LSTM":
                ins = list(op.inputs) + [-1] * (24 - len(op.inputs))
                w = [get(ins[k]) for k in range(1, 9)]
                b = [get(ins[k]) for k in range(12, 16)]
                cell_id = ins[19]
                cb = (lambda c, cid=cell_id: observe(("cell", cid), c)) if observe is not None else None
                y, h, c = lstm_float(op, get(ins[0]), w, b, get(ins[18]), get(ins[19]), cb)
                self.state[ins[18]] = h.reshape(g.tensors[ins[18]].shape)
                self.state[ins[19]] = c.reshape(g.tensors[ins[19]].shape)
                if observe is not None:
                    observe(ins[18], h)
                put(op.outputs[0], y)
                continue
            args = [get(i) for i in op.inputs]
            y = _KERNELS[op.type](op, *args)
            if len(op.outputs) > 1:          # SPLIT, SPLIT_V, UNPACK: one array per output
                for o, v in zip(op.outputs, y):
                    put(o, v)
            else:
                put(op.outputs[0], y)
        return [vals[t] for t in g.outputs]


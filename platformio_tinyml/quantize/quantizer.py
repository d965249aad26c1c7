"""Post-training quantization of float32 models to int8, in numpy.

    float .tflite + calibration inputs  ->  int8 .tflite that TFLite Micro runs

The conventions are TFLite's full-integer ones, so the result is what TFLM's kernels
accept and what TensorFlow's converter would produce:

* activations: int8, asymmetric, one scale per tensor, from the min/max the float graph
  reaches on the calibration data (the range always contains 0, so 0 is exact);
* weights: int8, symmetric (zero point 0), one scale per output channel for CONV_2D,
  DEPTHWISE_CONV_2D and FULLY_CONNECTED, one per tensor for LSTM gates;
* biases: int32, scale = input scale x weight scale (per channel);
* fixed output scales where TFLite requires them: SOFTMAX and LOGISTIC 1/256 with zero
  point -128, TANH 1/128 with zero point 0;
* operators that move data without arithmetic (pooling, reshapes, slices, padding,
  concatenation) share one scale between their inputs and output;
* LSTM (TFLM's integer LSTM): int8 input, output and hidden state, int16 cell state with
  a power-of-two scale.

The float graph is cleaned first: standalone RELU/RELU6 are fused into the operator before
them, and a per-channel MUL/ADD by a constant right after a convolution (an unfolded
batch normalisation) is folded into its weights and bias.

By default the quantized model keeps the float32 inputs and outputs of the original, with
a QUANTIZE op after each input and a DEQUANTIZE before each output; ``io="int8"`` exposes
the int8 tensors instead.
"""
from __future__ import annotations

import copy
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np

from ..errors import TinymlError, UnsupportedError
from ..ir import Graph, Op, Tensor
from .floatref import FloatInterpreter
from .quant import ACTIVATIONS

SCHEMES = ("none", "int8", "int16x8")
IO_TYPES = ("float", "int8", "int16")   # int8/int16: the quantized model's own tensors, per scheme

#: operators whose output keeps the input's scale and zero point (TFLite requires it)
SAME_SCALE = ("MAX_POOL_2D", "AVERAGE_POOL_2D", "RESHAPE", "SQUEEZE", "STRIDED_SLICE", "PAD", "PADV2")
#: operators with a fixed output quantization: (scale, zero point)
FIXED_OUTPUT = {"SOFTMAX": (1.0 / 256, -128), "LOGISTIC": (1.0 / 256, -128), "TANH": (1.0 / 128, 0)}
#: the same for int16 activations (int16x8)
FIXED_OUTPUT_16 = {"SOFTMAX": (1.0 / 32768, 0), "LOGISTIC": (1.0 / 32768, 0), "TANH": (1.0 / 32768, 0)}
#: the rest, with their own calibrated output range
OWN_RANGE = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "MUL", "MEAN", "RELU", "RELU6",
             "CONCATENATION", "UNIDIRECTIONAL_SEQUENCE_LSTM")
QUANTIZABLE = SAME_SCALE + tuple(FIXED_OUTPUT) + OWN_RANGE
#: versions TensorFlow's converter gives the int8 forms of operators
INT8_VERSIONS = {"CONV_2D": 3, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 4, "ADD": 2, "MUL": 2, "MAX_POOL_2D": 2,
                 "AVERAGE_POOL_2D": 2, "SOFTMAX": 2, "LOGISTIC": 2, "TANH": 2, "CONCATENATION": 2, "PAD": 2,
                 "PADV2": 2, "STRIDED_SLICE": 2, "MEAN": 2, "RELU": 2, "RELU6": 2, "DEQUANTIZE": 2}
#: (weights input, bias input, weight quantization axis or None for per-tensor)
WEIGHTED = {"CONV_2D": (1, 2, 0), "DEPTHWISE_CONV_2D": (1, 2, 3), "FULLY_CONNECTED": (1, 2, 0)}
LSTM_WEIGHTS = range(1, 9)
LSTM_BIASES = range(12, 16)


# ------------------------------------------------------------------------------------------- arithmetic

def round_half_away(x: np.ndarray) -> np.ndarray:
    """std::round on arrays (TFLite's quantizer rounds halves away from zero)."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def asymmetric_params(lo: float, hi: float, qmin: int = -128, qmax: int = 127) -> tuple:
    """(scale, zero point) covering [lo, hi] widened to contain 0, as TFLite nudges them.

    >>> [(round(s, 9), z) for s, z in (asymmetric_params(0.0, 2.55), asymmetric_params(-1.0, 1.0))]
    [(0.01, -128), (0.007843138, -1)]
    >>> asymmetric_params(0.5, 2.0)[1]    # [0, 2]: 0 stays exact
    -128
    """
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    if hi == lo:
        return 1.0, 0
    scale = (hi - lo) / (qmax - qmin)
    zp = int(round_half_away(np.float64(qmin - lo / scale)))
    return float(np.float32(scale)), min(max(zp, qmin), qmax)


def symmetric_scales(w: np.ndarray, axis: Optional[int], qmax: int = 127) -> np.ndarray:
    """One scale per slice along ``axis`` (or one for the tensor): max |w| / 127."""
    a = np.abs(w.astype(np.float64))
    if axis is None:
        m = np.array([a.max() if a.size else 0.0])
    else:
        m = np.moveaxis(a, axis, 0).reshape(w.shape[axis], -1).max(axis=1)
    m = np.where(m > 0, m, 1.0)                       # an all-zero channel: any scale represents it exactly
    return (m / qmax).astype(np.float32)


def quantize_symmetric(w: np.ndarray, scales: np.ndarray, axis: Optional[int], qmax: int = 127) -> np.ndarray:
    s = scales.astype(np.float64)
    if axis is not None:
        shape = [1] * w.ndim
        shape[axis] = -1
        s = s.reshape(shape)
    return np.clip(round_half_away(w.astype(np.float64) / s), -qmax, qmax).astype(np.int8)


def quantize_bias(b: np.ndarray, scales: np.ndarray, dtype: str = "int32") -> np.ndarray:
    q = round_half_away(b.astype(np.float64) / scales.astype(np.float64))
    bits = 32 if dtype == "int32" else 48     # TFLM's 64-bit accumulators assume |acc| < 2^47
    return np.clip(q, -2.0 ** (bits - 1) + 1, 2.0 ** (bits - 1) - 1).astype(dtype)


def symmetric_params(lo: float, hi: float, qmax: int = 32767) -> tuple:
    """(scale, 0) for int16 activations: symmetric, as TFLM's int16 kernels require.

    >>> symmetric_params(-0.5, 2.0)
    (6.103701889514923e-05, 0)
    """
    m = max(abs(float(lo)), abs(float(hi)))
    return (float(np.float32(m / qmax)) if m > 0 else 1.0, 0)


def sqnr_db(ref: np.ndarray, got: np.ndarray) -> float:
    """Signal-to-quantization-noise ratio in dB (inf when equal).

    >>> round(sqnr_db(np.array([1.0, -1.0]), np.array([1.1, -1.0])), 1)
    23.0
    """
    ref, got = np.asarray(ref, np.float64), np.asarray(got, np.float64)
    noise = float(((ref - got) ** 2).sum())
    signal = float((ref ** 2).sum())
    if noise == 0:
        return math.inf
    return 10 * math.log10(signal / noise) if signal > 0 else -math.inf


# ------------------------------------------------------------------------------------ calibration data

def _describe_inputs(g: Graph) -> str:
    return "; ".join(f"input {i} '{g.tensors[t].name}': {g.tensors[t].dtype} {list(g.tensors[t].shape)}"
                     for i, t in enumerate(g.inputs))


#: what to do with calibration data the loader refuses
_SAVE_HINT = ("save the float32 inputs with numpy.save (.npy, one array [N, *input shape]) or numpy.savez "
              "(.npz, arrays input_0, input_1, ...)")
_F32_MAX = float(np.finfo(np.float32).max)


class Sample(list):
    """One calibration sample: one array per model input, and where it came from (for messages)."""
    origin: str = "calibration data"


def _sample_list(per_input: list, where: str) -> list:
    out = []
    for i in range(len(per_input[0])):
        s = Sample(p[i] for p in per_input)
        s.origin = f"{where}: sample {i}"
        out.append(s)
    return out


def _samples_from_array(a: np.ndarray, t: Tensor, where: str, g: Graph) -> np.ndarray:
    """Split an array into samples of the input's shape: [N, *shape], [N, *shape without batch 1] or shape."""
    if not np.issubdtype(a.dtype, np.floating):
        raise TinymlError(
            f"{where}: calibration data is {a.dtype}, but {g.name} takes float32 inputs ({_describe_inputs(g)}); "
            "give the float values you feed the float model (e.g. x.astype('float32') / 255 for 8-bit images)")
    size = t.size
    if a.size % size != 0 or a.size == 0:
        raise TinymlError(
            f"{where}: calibration data of shape {list(a.shape)} does not split into samples of the input's shape "
            f"{list(t.shape)} ({size} values each); expected an array of shape [N, "
            f"{', '.join(str(d) for d in t.shape)}]")
    if a.ndim == len(t.shape) and tuple(a.shape) == tuple(t.shape):
        n = 1
    elif tuple(a.shape[1:]) in (tuple(t.shape), tuple(t.shape[1:])) or a.ndim == 1 and size == 1:
        n = a.shape[0] if a.ndim > 0 else 1
    else:
        raise TinymlError(
            f"{where}: calibration data of shape {list(a.shape)} does not match the input's shape {list(t.shape)}; "
            f"expected an array of shape [N, {', '.join(str(d) for d in t.shape)}]")
    bad = ~np.isfinite(a)
    if bad.any():
        first = np.argwhere(bad)[0]
        raise TinymlError(f"{where}: calibration data holds NaN or infinity (first at index {first.tolist()}); "
                          "remove or fix those samples")
    with np.errstate(over="ignore", invalid="ignore"):   # float64 beyond float32's range: refused below
        f32 = a.astype(np.float32)
    bad = ~np.isfinite(f32)
    if bad.any():
        first = np.argwhere(bad)[0]
        value = float(a[tuple(first)])
        sample = f"sample {first[0]}, " if n > 1 or a.ndim > len(t.shape) else ""
        raise TinymlError(f"{where}: calibration value {value:.6g} ({sample}index {first.tolist()}) is beyond "
                          f"float32's range (+-{_F32_MAX:.7g}), which the model computes in; give the values "
                          "the float model is fed (scaled as in training)")
    return f32.reshape((n,) + tuple(t.shape))


_NPY_MAGIC = b"\x93NUMPY"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _read_npy(f, size: int, path, subject: str = "the file") -> np.ndarray:
    """The array of a .npy stream of ``size`` bytes (``subject`` of file ``path``, for messages); never
    unpickles, never allocates more than the file holds."""
    from numpy.lib import format as npformat
    try:
        version = npformat.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npformat.read_array_header_1_0(f)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = npformat.read_array_header_2_0(f)
        else:
            raise ValueError(f"unknown .npy format version {version}")
    except (ValueError, EOFError, OSError) as e:
        raise TinymlError(f"{path}: the .npy header of {subject} is damaged or truncated ({e}); "
                          f"{_SAVE_HINT}") from None
    if dtype.hasobject:
        raise TinymlError(f"{path}: {subject} holds Python objects (dtype {dtype}), which are never loaded "
                          f"(unpickling can run code); {_SAVE_HINT}")
    count = 1
    for d in shape:
        count *= int(d)
    need, have = count * dtype.itemsize, size - f.tell()
    if have < need:
        raise TinymlError(f"{path}: {subject} is truncated: the header announces {list(shape)} {dtype} "
                          f"({need:,} bytes of data) but only {max(have, 0):,} follow; save the file again")
    try:
        data = f.read(need)
    except (OSError, EOFError, ValueError) as e:
        raise TinymlError(f"{path}: cannot read the data of {subject} ({e}); save the file again") from None
    if len(data) != need:
        raise TinymlError(f"{path}: {subject} is truncated: {len(data):,} of {need:,} bytes of data; "
                          "save the file again")
    arr = np.frombuffer(data, dtype=dtype, count=count) if count else np.zeros(0, dtype)
    return arr.reshape(shape, order="F" if fortran else "C")


def _read_npz(path: Path) -> dict:
    """{name: array} of an .npz (a zip of .npy files), refusing damage and objects with one line each."""
    import zipfile
    import zlib
    arrays = {}
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                with z.open(info) as f:
                    arrays[name] = _read_npy(f, info.file_size, path, f"array '{name}'")
    except TinymlError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise TinymlError(f"{path}: not a readable .npz archive, or a truncated or damaged one ({e}); "
                          f"{_SAVE_HINT}") from None
    return arrays


def _read_array_file(path: Path):
    """An ndarray (.npy) or a dict of them (.npz), told apart by their contents, not their names."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            size = os.fstat(f.fileno()).st_size
            if head.startswith(_NPY_MAGIC):
                f.seek(0)
                return _read_npy(f, size, path)
    except OSError as e:
        raise TinymlError(f"{path}: cannot read calibration data ({e.strerror or e}); check the path and its "
                          "permissions") from None
    if head[:4] in _ZIP_MAGIC:
        return _read_npz(path)
    if not head:
        what = "the file is empty"
    elif head[:1] == b"\x80":
        what = "the file is a Python pickle, which is never loaded (unpickling can run code)"
    elif all(32 <= c < 127 or c in b"\t\r\n" for c in head):
        what = "the file is text, not a NumPy .npy/.npz file"
    else:
        what = "the file is neither a NumPy .npy file nor an .npz archive"
    raise TinymlError(f"{path}: {what}; {_SAVE_HINT}")


def _load_file(path: Path, g: Graph) -> list:
    data = _read_array_file(path)
    ins = [g.tensors[t] for t in g.inputs]
    if isinstance(data, dict):
        files = sorted(data)
        keys = [f"input_{i}" for i in range(len(ins))]
        if len(ins) == 1 and keys[0] not in data and len(files) == 1:
            keys = files
        missing = [k for k in keys if k not in data]
        if missing:
            raise TinymlError(f"{path}: missing array(s) {', '.join(missing)} (found {', '.join(files) or 'none'});"
                              f" {g.name} has {len(ins)} input(s): {_describe_inputs(g)}")
        arrays = [data[k] for k in keys]
    else:
        if len(ins) != 1:
            raise TinymlError(f"{path}: {g.name} has {len(ins)} inputs; give an .npz with arrays "
                              + ", ".join(f"input_{i}" for i in range(len(ins))))
        arrays = [data]
    per_input = [_samples_from_array(a, t, str(path), g) for a, t in zip(arrays, ins)]
    counts = {len(p) for p in per_input}
    if len(counts) != 1:
        raise TinymlError(f"{path}: the inputs have different numbers of samples ({sorted(counts)})")
    return _sample_list(per_input, str(path))


def load_calibration(source, g: Graph, option: str = "--calibration") -> list:
    """Calibration samples (each a list with one array per model input) from a file, a folder or arrays."""
    if source is None or (isinstance(source, str) and not source.strip()):
        raise TinymlError(
            f"{g.name}: int8 quantization needs calibration data: set {option} to a .npy/.npz file (or a folder of "
            f"them) holding representative inputs, an array of shape [N, *input shape] ({_describe_inputs(g)}); "
            "a few hundred samples from the training set are typical")
    if isinstance(source, np.ndarray):
        if len(g.inputs) != 1:
            raise TinymlError(f"{g.name} has {len(g.inputs)} inputs; pass a list of arrays, one per input")
        arr = _samples_from_array(source, g.tensors[g.inputs[0]], "calibration array", g)
        return _sample_list([arr], "calibration array")
    path = Path(source)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".npy", ".npz"))
        if not files:
            raise TinymlError(f"{path}: the calibration folder holds no .npy or .npz files")
        samples = []
        for f in files:
            samples += _load_file(f, g)
        return samples
    if not path.is_file():
        raise TinymlError(f"{path}: calibration data not found (set {option} to a .npy/.npz file or a folder)")
    return _load_file(path, g)


def calibration_hash(source) -> str:
    """A digest of the calibration data's bytes (for build caches)."""
    import hashlib
    h = hashlib.sha256()
    path = Path(source)
    files = sorted(p for p in path.iterdir() if p.suffix in (".npy", ".npz")) if path.is_dir() else [path]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


# ------------------------------------------------------------------------------------------ graph prep

def _check_float_model(g: Graph) -> None:
    for t in g.tensors:
        if t.is_const and t.dtype == "float32":
            bad = ~np.isfinite(t.data)
            if bad.any():
                raise TinymlError(f"{g.name}: constant tensor {t.index} '{t.name}' holds NaN or infinity "
                                  f"({int(bad.sum())} values); the model cannot be quantized (nor run) as it is")
    unsupported = sorted({op.display for op in g.ops if op.type not in QUANTIZABLE})
    if unsupported:
        raise UnsupportedError(
            f"{g.name}: cannot quantize operator(s) {', '.join(unsupported)} to int8 (the quantizer handles "
            f"{', '.join(sorted(set(QUANTIZABLE)))}); keep the model float (custom_tinyml_quantize = none) "
            "or replace those layers")
    for op in g.ops:
        for i in op.inputs:
            t = g.t(i)
            if t is not None and not t.is_const and t.dtype not in ("float32",):
                raise UnsupportedError(
                    f"{g.name}: operator {op.index} {op.display} reads {t.dtype} tensor {t.index} '{t.name}'; only "
                    "models with float32 activations can be quantized")


def is_float_model(g: Graph) -> bool:
    """True when the model computes in float32: its inputs and every tensor its ops produce are float."""
    acts = [g.tensors[o] for op in g.ops for o in op.outputs] + [g.tensors[i] for i in g.inputs]
    return bool(g.ops) and all(t.dtype == "float32" for t in acts)


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
                if prev.type not in WEIGHTED or op.options.get("fused_activation_function", 0) not in (0, 1, 3):
                    continue
                wi, bi, axis = WEIGHTED[prev.type]
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


# ---------------------------------------------------------------------------------------- quantization

class _Groups:
    """Union-find over tensor indices that must share one scale and zero point."""

    def __init__(self):
        self.parent = {}

    def find(self, a):
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)


def _lstm_state(op: Op) -> tuple:
    ins = list(op.inputs) + [-1] * (24 - len(op.inputs))
    return ins[18], ins[19]


def quantize_graph(g: Graph, ranges: Ranges, io: str = "float", scheme: str = "int8") -> Graph:
    """The quantized graph for float graph ``g`` with calibrated ``ranges``.

    ``scheme`` int8: int8 activations; int16x8: int16 activations (symmetric), int8 weights and
    int64 biases, TFLite's 16x8 mode (about 8 more bits of activation precision, 2x the RAM)."""
    if io not in IO_TYPES:
        raise TinymlError(f"unknown I/O type '{io}'; choose one of {', '.join(IO_TYPES)}")
    _check_float_model(g)
    wide = scheme == "int16x8"
    act_dtype, bias_dtype = ("int16", "int64") if wide else ("int8", "int32")
    fixed_outputs = FIXED_OUTPUT_16 if wide else FIXED_OUTPUT
    act_params = symmetric_params if wide else asymmetric_params
    if wide:
        lstm = [op for op in g.ops if op.type == "UNIDIRECTIONAL_SEQUENCE_LSTM"]
        if lstm:
            raise UnsupportedError(f"{g.name}: operator {lstm[0].index} (UNIDIRECTIONAL_SEQUENCE_LSTM) cannot be "
                                   "quantized to int16x8 yet; use int8")
    q = copy.deepcopy(g)
    tensors = q.tensors

    def fail(op, msg):
        raise UnsupportedError(f"{g.name}: operator {op.index} ({op.display}): {msg}")

    # which tensors are activations (produced, or graph inputs, or LSTM hidden state)
    acts = set(q.inputs) | {o for op in q.ops for o in op.outputs}
    groups = _Groups()
    fixed: dict = {}
    for op in q.ops:
        out = op.outputs[0]
        if op.type in SAME_SCALE:
            groups.union(out, op.inputs[0])
        elif op.type == "CONCATENATION":
            for i in op.inputs:
                groups.union(out, i)
        elif op.type in fixed_outputs:
            fixed[out] = fixed_outputs[op.type]
        elif op.type == "UNIDIRECTIONAL_SEQUENCE_LSTM":
            h, c = _lstm_state(op)
            if h < 0 or c < 0:
                fail(op, "the LSTM has no output_state/cell_state tensors")
            acts.add(h)
            groups.union(out, h)
    members: dict = {}
    for tid in acts | {i for op in q.ops if op.type == "CONCATENATION" for i in op.inputs}:
        members.setdefault(groups.find(tid), []).append(tid)

    params: dict = {}
    for root, tids in members.items():
        fixes = {fixed[t] for t in tids if t in fixed}
        if len(fixes) > 1:
            raise UnsupportedError(
                f"{g.name}: tensors {sorted(tids)} must share one scale but have different fixed scales "
                f"{sorted(fixes)} (e.g. a SOFTMAX and a TANH output concatenated); this is not supported")
        if fixes:
            p = fixes.pop()
        else:
            lo = min(ranges.lo[t] if t in ranges.lo else _const_range(tensors[t])[0] for t in tids)
            hi = max(ranges.hi[t] if t in ranges.hi else _const_range(tensors[t])[1] for t in tids)
            p = act_params(lo, hi)
        for t in tids:
            params[t] = p

    def set_q(t: Tensor, dtype: str, scale, zp, axis: int = 0):
        t.dtype = dtype
        t.scale = np.atleast_1d(np.asarray(scale, np.float32))
        t.zero_point = np.atleast_1d(np.asarray(zp, np.int64))
        if len(t.zero_point) != len(t.scale):
            t.zero_point = np.zeros(len(t.scale), np.int64)
        t.quant_dim = axis

    new_tensors: list = []

    def new_const(base: Tensor, data: np.ndarray, dtype: str, scale, zp, axis: int = 0, suffix: str = "") -> int:
        t = Tensor(index=len(tensors) + len(new_tensors), name=base.name + suffix, dtype=dtype,
                   shape=tuple(base.shape), data=data)
        set_q(t, dtype, scale, zp, axis)
        new_tensors.append(t)
        return t.index

    def quantize_const_like(tid: int, p: tuple) -> int:
        base = g.tensors[tid]
        lo, hi = (-32768, 32767) if wide else (-128, 127)
        data = np.clip(round_half_away(base.data.astype(np.float64) / p[0]) + p[1], lo, hi).astype(act_dtype)
        return new_const(base, data, act_dtype, p[0], p[1])

    for op in q.ops:
        in_scale = lambda k: params[op.inputs[k]][0]  # noqa: E731
        if op.type in WEIGHTED:
            wi, bi, axis = WEIGHTED[op.type]
            w = g.tensors[op.inputs[wi]]
            if not w.is_const:
                fail(op, "the weights are not constant, so they cannot be quantized ahead of time")
            ws = symmetric_scales(w.data, axis)
            ins = list(op.inputs)
            ins[wi] = new_const(w, quantize_symmetric(w.data, ws, axis), "int8", ws, 0, axis)
            if len(ins) > bi and ins[bi] >= 0:
                b = g.tensors[ins[bi]]
                bs = (np.float32(in_scale(0)) * ws).astype(np.float32)
                ins[bi] = new_const(b, quantize_bias(b.data, bs, bias_dtype), bias_dtype, bs, 0, 0)
            op.inputs = ins
        elif op.type == "UNIDIRECTIONAL_SEQUENCE_LSTM":
            ins = list(op.inputs) + [-1] * (24 - len(op.inputs))
            for k in list(range(9, 12)) + [16, 17, 20, 21, 22, 23]:
                if ins[k] >= 0:
                    fail(op, "only the standard LSTM cell can be quantized (no peephole, projection or layer norm)")
            h, c = _lstm_state(op)
            wsc = {}
            for k in LSTM_WEIGHTS:
                w = g.tensors[ins[k]]
                s = symmetric_scales(w.data, None)
                wsc[k] = s
                ins[k] = new_const(w, quantize_symmetric(w.data, s, None), "int8", s, 0)
            for gate, k in enumerate(LSTM_BIASES):
                b = g.tensors[ins[k]]
                bs = (np.float32(in_scale(0)) * wsc[1 + gate]).astype(np.float32)
                ins[k] = new_const(b, quantize_bias(b.data, bs), "int32", bs, 0)
            power = cell_state_power(ranges, ("cell", c))
            set_q(tensors[c], "int16", 2.0 ** power / 32768.0, 0)
            tensors[c].variable_init = np.zeros(tensors[c].shape, np.int16)
            op.inputs = ins
            op.intermediates = []
        elif op.type in ("ADD", "MUL", "CONCATENATION", "PADV2"):
            ins = list(op.inputs)
            for k, i in enumerate(ins):
                t = g.t(i)
                if t is None or not t.is_const or t.dtype != "float32":
                    continue
                if op.type == "PADV2" and k == 1:
                    continue
                tied = params.get(op.outputs[0]) if op.type in ("CONCATENATION", "PADV2") else None
                ins[k] = quantize_const_like(i, tied if tied else act_params(*_const_range(t)))
            op.inputs = ins
        if wide and op.type == "ADD":
            op.options["pot_scale_int16"] = False   # general int16 scales, as TFLite's 16x8 mode writes
        op.version = max(op.version, INT8_VERSIONS.get(op.type, 1))

    for tid, (scale, zp) in params.items():
        t = tensors[tid]
        if t.is_const:  # a constant operand of a concatenation: quantized above into a new tensor
            continue
        set_q(t, act_dtype, scale, zp)
        if t.is_variable:
            t.variable_init = np.full(t.shape, zp, np.int8)
    tensors.extend(new_tensors)

    if io == "float":
        _float_io(q, g)
    return _drop_unused(q)


def cell_state_power(ranges: Ranges, key) -> int:
    """The power of two p of an LSTM cell state's int16 scale 2^p / 32768 (TFLM needs a power of two):
    the smallest whose range covers every calibrated value. (With 16 bits, saturating even a few
    outliers costs more squared error than the resolution a smaller power would win.)

    >>> r = Ranges(); r.add(("cell", 0), np.array([-10.0, 5.0])); cell_state_power(r, ("cell", 0))
    4
    """
    m = max(abs(ranges.lo.get(key, 0.0)), abs(ranges.hi.get(key, 0.0)), 2.0 ** -15)
    return max(math.ceil(math.log2(m)), -15)


def _const_range(t: Tensor) -> tuple:
    if not t.is_const:
        raise TinymlError(f"tensor {t.index} '{t.name}' was never computed during calibration")
    d = t.data.astype(np.float64)
    return float(d.min()), float(d.max())


def _float_io(q: Graph, g: Graph) -> None:
    """Keep the float32 inputs/outputs: QUANTIZE after each input, DEQUANTIZE before each output."""
    head, tail = [], []
    for tid in q.inputs:
        inner = copy.deepcopy(q.tensors[tid])
        inner.index = len(q.tensors)
        inner.name = q.tensors[tid].name + "/int8"
        q.tensors.append(inner)
        for op in q.ops:
            op.inputs = [inner.index if i == tid else i for i in op.inputs]
        q.tensors[tid] = _as_float(q.tensors[tid], g.tensors[tid])
        head.append(Op(index=0, type="QUANTIZE", inputs=[tid], outputs=[inner.index], version=1))
    for tid in q.outputs:
        inner = copy.deepcopy(q.tensors[tid])
        inner.index = len(q.tensors)
        inner.name = q.tensors[tid].name + "/int8"
        q.tensors.append(inner)
        for op in q.ops + head:
            op.outputs = [inner.index if o == tid else o for o in op.outputs]
            op.inputs = [inner.index if i == tid else i for i in op.inputs]
        q.tensors[tid] = _as_float(q.tensors[tid], g.tensors[tid])
        tail.append(Op(index=0, type="DEQUANTIZE", inputs=[inner.index], outputs=[tid], version=2))
    q.ops = head + q.ops + tail
    for i, op in enumerate(q.ops):
        op.index = i


def _as_float(t: Tensor, orig: Tensor) -> Tensor:
    t = copy.deepcopy(t)
    t.dtype, t.scale, t.zero_point, t.quant_dim = "float32", None, None, 0
    t.name = orig.name
    return t


def _drop_unused(q: Graph) -> Graph:
    used = set(q.inputs) | set(q.outputs)
    for op in q.ops:
        used.update(i for i in op.inputs + op.outputs + op.intermediates if i >= 0)
    keep = [t for t in q.tensors if t.index in used]
    remap = {t.index: k for k, t in enumerate(keep)}
    for k, t in enumerate(keep):
        t.index = k
    for op in q.ops:
        op.inputs = [remap[i] if i >= 0 else -1 for i in op.inputs]
        op.outputs = [remap[i] for i in op.outputs]
        op.intermediates = [remap[i] for i in op.intermediates]
    q.tensors = keep
    q.inputs = [remap[i] for i in q.inputs]
    q.outputs = [remap[i] for i in q.outputs]
    return q


# -------------------------------------------------------------------------------------- error report

def simulated_graph(q: Graph) -> Graph:
    """``q`` with every constant dequantized and every tensor float32: run it with
    :func:`fake_quant` as the transform to simulate the int8 model's rounding in float."""
    s = copy.deepcopy(q)
    for t in s.tensors:
        if t.is_const and t.quantized and t.dtype in ("int8", "int16", "int32", "int64"):
            scale = t.scale.astype(np.float64)
            zp = (t.zero_point if t.zero_point is not None else np.zeros(len(scale))).astype(np.float64)
            if len(scale) > 1:
                shape = [1] * t.data.ndim
                shape[t.quant_dim] = -1
                scale, zp = scale.reshape(shape), zp.reshape(shape)
            t.data = ((t.data.astype(np.float64) - zp) * scale).astype(np.float32)
        if t.is_variable and t.variable_init is not None:
            t.variable_init = np.zeros(t.shape, np.float32)
        t.dtype = "float32"
    return s


def fake_quant(q: Graph) -> Callable:
    """The transform that rounds each int8/int16 activation of ``q`` to its grid (saturating)."""
    grid = {}
    for t in q.tensors:
        if not t.is_const and t.quantized and t.dtype in ("int8", "int16"):
            lo, hi = (-128, 127) if t.dtype == "int8" else (-32768, 32767)
            grid[t.index] = (float(t.scale[0]), int(t.zero_point[0]), lo, hi)

    def transform(tid, v):
        if tid not in grid:
            return v
        s, z, lo, hi = grid[tid]
        return (np.clip(round_half_away(v.astype(np.float64) / s) + z, lo, hi) - z) * s
    return transform


@dataclass
class QuantReport:
    model: str
    samples: int                        # how many samples the report ran
    outputs: list                       # per model output: dict(name, sqnr_db, max_abs_error, max_abs)
    layers: list = field(default_factory=list)   # per op: dict(index, op, tensor, sqnr_db, max_abs_error)
    rewrites: list = field(default_factory=list)
    calibrated: int = 0                 # how many samples calibration ran
    scheme: str = "int8"

    def lines(self, verbose: bool = False) -> list:
        of = f" of {self.calibrated}" if self.calibrated > self.samples else ""
        out = [f"{self.model}: calibrated on {self.calibrated} sample(s); {self.scheme} vs float on "
               f"{self.samples}{of} (simulated rounding):"]
        for o in self.outputs:
            out.append(f"  output '{o['name']}': SQNR {o['sqnr_db']:.1f} dB, max abs error {o['max_abs_error']:.4g} "
                       f"(max |float| {o['max_abs']:.4g})")
        if verbose:
            for r in self.rewrites:
                out.append(f"  float graph: {r}")
            for lay in self.layers:
                out.append(f"  op {lay['index']:3d} {lay['op']:<28} SQNR {lay['sqnr_db']:6.1f} dB  "
                           f"max abs error {lay['max_abs_error']:.4g}  '{lay['tensor']}'")
        return out


def error_report(f: Graph, q: Graph, samples: list, rewrites: list = ()) -> QuantReport:
    """How far the int8 graph is from the float one on ``samples``, output by output and layer by layer."""
    fi, si = FloatInterpreter(f), FloatInterpreter(simulated_graph(q))
    transform = fake_quant(q)
    by_name = {}
    for op in q.ops:
        if op.type in ("QUANTIZE", "DEQUANTIZE"):
            continue
        name = q.tensors[op.outputs[0]].name
        name = name[:-len("/int8")] if name.endswith("/int8") else name   # see _float_io
        src = [t.index for t in f.tensors if t.name == name]
        if len(src) == 1:
            by_name[op.outputs[0]] = (op, src[0])
    ref_vals: dict = {}
    sim_vals: dict = {}
    ref_out, sim_out = [], []
    for sample in samples:
        fi.reset()
        si.reset()
        cur_f: dict = {}
        cur_s: dict = {}
        ref_out.append(fi.run(sample, observe=lambda k, v: cur_f.__setitem__(k, v)))
        sim_out.append(si.run(sample, observe=lambda k, v: cur_s.__setitem__(k, v), transform=transform))
        for qt, (op, ft) in by_name.items():
            if qt in cur_s and ft in cur_f:
                ref_vals.setdefault(qt, []).append(cur_f[ft].reshape(-1))
                sim_vals.setdefault(qt, []).append(cur_s[qt].reshape(-1))
    outputs = []
    for k, tid in enumerate(f.outputs):
        r = np.concatenate([o[k].reshape(-1) for o in ref_out])
        s = np.concatenate([o[k].reshape(-1) for o in sim_out])
        outputs.append(dict(name=f.tensors[tid].name, sqnr_db=sqnr_db(r, s),
                            max_abs_error=float(np.abs(r - s).max()), max_abs=float(np.abs(r).max())))
    layers = []
    for qt, (op, ft) in by_name.items():
        if qt not in ref_vals:
            continue
        r, s = np.concatenate(ref_vals[qt]), np.concatenate(sim_vals[qt])
        layers.append(dict(index=op.index, op=op.type, tensor=q.tensors[qt].name, sqnr_db=sqnr_db(r, s),
                           max_abs_error=float(np.abs(r - s).max())))
    layers.sort(key=lambda d: d["index"])
    return QuantReport(model=f.name, samples=len(samples), outputs=outputs, layers=layers, rewrites=list(rewrites))


# -------------------------------------------------------------------------------------------- entry

@dataclass
class QuantResult:
    data: Optional[bytes]               # the int8 .tflite, or None when the model needed no quantization
    report: Optional[QuantReport]
    message: str = ""


def quantize_model(model_path, calibration, io: str = "float", scheme: str = "int8",
                   option: str = "--calibration", report_samples: int = 100,
                   progress: Optional[Callable] = None) -> QuantResult:
    """Quantize the float model at ``model_path`` with ``calibration`` (path or array) to int8
    (``scheme`` int8) or to int16 activations with int8 weights (int16x8).

    Returns the .tflite bytes and an error report. A model that is already integer is left
    as it is (``data`` None and a message saying so)."""
    from ..read.reader import read_model
    from ..read.writer import write_model

    if scheme not in SCHEMES:
        raise TinymlError(f"unknown quantization '{scheme}'; choose one of {', '.join(SCHEMES)}")
    if io not in IO_TYPES:
        raise TinymlError(f"unknown I/O type '{io}'; choose one of {', '.join(IO_TYPES)}")
    raw = "int16" if scheme == "int16x8" else "int8"
    if io != "float" and io != raw:
        raise TinymlError(f"I/O type {io} does not go with {scheme} quantization, whose tensors are {raw}: "
                          f"use {raw} (or float)")
    g = read_model(str(model_path))
    if not is_float_model(g):
        dtypes = sorted({g.tensors[o].dtype for op in g.ops for o in op.outputs} |
                        {g.tensors[i].dtype for i in g.inputs})
        return QuantResult(None, None, f"{g.name} is already quantized ({'/'.join(dtypes)} tensors), so "
                                       "quantization is skipped and the model is used as it is")
    _check_float_model(g)
    samples = load_calibration(calibration, g, option)
    f, rewrites = simplify_float_graph(g)
    ranges = calibrate(f, samples, progress)
    q = quantize_graph(f, ranges, io, scheme)
    q.description = f"{scheme} by platformio-tinyml from {g.name} ({len(samples)} calibration samples)"
    data = write_model(q)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):  # the report says it
        rep = error_report(f, q, samples[:report_samples], rewrites) if report_samples else None
    if rep is not None:
        rep.calibrated, rep.scheme = len(samples), scheme
    return QuantResult(data, rep)

"""Calibration data: loading the representative inputs a float model is quantized with.

Samples come from a .npy file ([N, *input shape]), an .npz (arrays input_0, input_1, ...), a folder
of them, or arrays; every malformed file is refused with one line that says what to do. Files are
read without unpickling and without allocating more than they hold.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import TinymlError
from ..ir import Graph, Tensor

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

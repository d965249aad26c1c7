"""The plain functions behind the command line and the PlatformIO hook.

``generate()`` is the one entry point both use: model file in, C files out (atomically).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .emit.cfmt import c_identifier
from .errors import TinymlError
from .library import library_dir  # noqa: F401  (part of this module's API)

# Code layouts: "reference" is the plainest (no data for optimized kernels); an architecture's layout
# carries what its optimized kernels use (e.g. biases with the input offset folded in); "portable"
# carries what every optimized path uses, for code compiled for boards unknown at conversion time
# (Arduino sketches). The kernels themselves are chosen by the compiler's target macros.
ARCHES = ("reference", "portable", "cortex-m4", "xtensa", "arc-em")
#: what the plan favours where a faster kernel needs arena scratch (lower.lower.lower_graph): "ram" keeps
#: such a kernel only where the arena stays as small as without it, "speed" keeps every one
OPTIMIZE = ("ram", "speed")


@dataclass
class Report:
    model: str
    name: str
    files: list
    ops: dict
    weight_bytes: int
    arena_bytes: int
    lower_bound: int
    macs: int
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    quantized: list = field(default_factory=list)   # the quantizer's report lines, if it ran
    float_ops: int = 0      # operators that compute in float32 (not counting QUANTIZE / DEQUANTIZE)


@dataclass
class Quantize:
    """What to do with a float model before converting it (see :mod:`platformio_tinyml.quantize.quantizer`).

    ``option`` names the setting that gives the calibration data, for error messages."""
    scheme: str = "none"            # none | int8 | int16x8
    calibration: object = None      # .npy/.npz path, folder, or array
    io: str = "float"               # float: keep the float inputs/outputs; int8: expose the int8 tensors
    option: str = "--calibration"
    verbose: bool = False

    @property
    def active(self) -> bool:
        return self.scheme not in ("none", "", None)


def progress_printer(echo, every: float = 2.0):
    """A calibration progress callback: a line every ``every`` seconds, nothing for quick runs."""
    import time
    start = last = time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= every or (done == total and now - start >= every):
            last = now
            echo(f"tinyml: calibrating: {done}/{total} samples ({now - start:.0f} s)")
    return progress


def quantize(model_path: str, q: Quantize, progress=None) -> tuple:
    """(model bytes, report lines): the int8 model, or None when the model is already integer."""
    from .quantize.quantizer import quantize_model

    res = quantize_model(model_path, q.calibration, io=q.io, scheme=q.scheme, option=q.option,
                         progress=progress)
    if res.data is None:
        return None, [res.message]
    return res.data, res.report.lines(q.verbose)


def default_name(model_path: str) -> str:
    """The model name of a file: its stem as :func:`~platformio_tinyml.emit.cfmt.c_identifier` makes it
    (``math.tflite`` gives ``math_model``, ``tinyml.tflite`` ``m_tinyml``); ``--name`` and the hook's
    names go through the same rule.

    >>> default_name("models/hello-world int8.tflite"), default_name("tinyml.tflite"), default_name("string.tflite")
    ('hello_world_int8', 'm_tinyml', 'string_model')
    """
    return c_identifier(Path(model_path).stem)


def convert(model_path: str, name: str | None = None, arch: str = "reference", note: str = "",
            data: bytes | None = None, optimize: str = "ram"):
    """Read, lower and plan a model; return (Program, {filename: text}).

    ``note`` is one more line for the generated files' banner comment; ``data`` the model's
    bytes when they are not (or not yet) the file's, e.g. after quantization. ``optimize``: "ram" (the
    default) keeps a faster kernel's scratch only where the arena stays as small as without it;
    "speed" keeps every one (a larger arena, fewer cycles; see lower_graph)."""
    from .emit.codegen import generate_sources
    from .lower.lower import lower_graph
    from .read.reader import read_model

    if arch not in ARCHES:
        raise TinymlError(f"unknown architecture '{arch}'; choose one of {', '.join(ARCHES)}")
    if optimize not in OPTIMIZE:
        raise TinymlError(f"unknown optimize '{optimize}'; choose one of {', '.join(OPTIMIZE)}")
    name = c_identifier(name) if name else default_name(model_path)
    graph = read_model(str(model_path), data)
    prog = lower_graph(graph, arch, optimize=optimize)
    return prog, generate_sources(prog, name, note)


def _report(model_path, name, prog, files) -> Report:
    ops: dict = {}
    for op in prog.graph.ops:
        ops[op.type] = ops.get(op.type, 0) + 1
    g = prog.graph
    io = lambda tid: (g.tensors[tid].dtype, list(g.tensors[tid].shape))  # noqa: E731
    float_ops = sum(1 for op in g.ops if op.type not in ("QUANTIZE", "DEQUANTIZE")
                    and any(g.tensors[t].dtype == "float32" for t in op.outputs if t >= 0))
    return Report(model=str(model_path), name=name, files=sorted(files), ops=ops, float_ops=float_ops,
                  weight_bytes=prog.weight_bytes, arena_bytes=prog.arena_bytes,
                  lower_bound=prog.lower_bound, macs=prog.macs,
                  inputs=[io(t) for t in g.inputs], outputs=[io(t) for t in g.outputs])


TEMP_PREFIX = ".tinyml-"
#: what :func:`tempfile.mkdtemp` makes with our prefix: ``.tinyml-`` and 8 of ``[a-z0-9_]``
_TEMP_NAME = re.compile(r"\.tinyml-[a-z0-9_]{8}")
#: a temporary folder is stale (an earlier run was killed or interrupted in it) once it is this much
#: older than the current run: a concurrent run's folder lives for the seconds its writing takes
STALE_AFTER = 60.0


def remove_stale_temp(folder, dirs=_TEMP_NAME, files=None, started: float | None = None) -> list:
    """Delete the folders in ``folder`` whose whole name matches ``dirs`` (ours: ``.tinyml-XXXXXXXX``), and
    the files whose name matches ``files`` (if given), that were last changed :data:`STALE_AFTER`
    seconds or more before ``started`` (default: now).

    Only real folders and files of the current user are touched (never a symlink, another name, or
    what other runs are writing now); returns the names removed. Problems are ignored: this is tidying."""
    started = time.time() if started is None else started
    uid = os.getuid() if hasattr(os, "getuid") else None
    gone = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return gone
    for e in entries:
        try:
            is_dir = bool(dirs.fullmatch(e.name)) and e.is_dir(follow_symlinks=False)
            if not is_dir and not (files is not None and files.fullmatch(e.name) and e.is_file(follow_symlinks=False)):
                continue
            st = e.stat(follow_symlinks=False)
            if (uid is not None and st.st_uid != uid) or st.st_mtime > started - STALE_AFTER:
                continue
            if is_dir:
                shutil.rmtree(e.path, ignore_errors=True)
            else:
                os.remove(e.path)
        except OSError:
            continue
        if not os.path.lexists(e.path):
            gone.append(e.name)
    return gone


def write_atomically(files: dict, out_dir: str) -> list:
    """Write all files (text, or bytes) or none: into a temporary directory first, then rename into place.

    The temporary directory (``.tinyml-XXXXXXXX`` beside ``out_dir``) is removed however this ends,
    an interrupt (KeyboardInterrupt) too; those a killed run left behind are removed first."""
    out = Path(out_dir)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp(parent)
    tmp = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=parent))
        for fname, content in files.items():
            if isinstance(content, bytes):
                (tmp / fname).write_bytes(content)
                continue
            with open(tmp / fname, "w", encoding="utf-8", newline="\n") as f:
                f.write(content)
        if not out.exists():
            os.replace(tmp, out)
            return [str(out / f) for f in files]
        for fname in files:
            os.replace(tmp / fname, out / fname)
        return [str(out / f) for f in files]
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def generate(model_path: str, out_dir: str, name: str | None = None, arch: str = "reference",
             note: str = "", quant: Quantize | None = None, progress=None, optimize: str = "ram") -> Report:
    """Convert ``model_path`` into ``out_dir/NAME.h`` and ``out_dir/NAME.c``.

    With ``quant`` active, a float model is quantized first and the int8 model is written
    beside the C files too (``NAME_int8.tflite``: TFLM, LiteRT and Netron open it)."""
    name = c_identifier(name) if name else default_name(model_path)
    data, lines = None, []
    if quant is not None and quant.active:
        data, lines = quantize(model_path, quant, progress)
    prog, files = convert(model_path, name, arch, note, data, optimize)
    if data is not None:
        files[f"{name}_int8.tflite"] = data
    written = write_atomically(files, out_dir)
    rep = _report(model_path, name, prog, written)
    rep.quantized = lines
    return rep


def inspect_model(model_path: str, arch: str = "reference", optimize: str = "ram") -> dict:
    """Facts about a model: operators, tensors, parameters, MACs, weight and arena bytes."""
    from .lower.lower import lower_graph
    from .read.reader import read_model

    g = read_model(str(model_path))
    info = dict(model=g.name, sha256=g.sha256, ops=[], inputs=[], outputs=[])
    params = 0
    for t in g.tensors:
        if t.is_const:
            params += t.size
    info["params"] = params
    for op in g.ops:
        info["ops"].append(dict(index=op.index, type=op.display,
                                inputs=[g.tensors[i].dtype + str(list(g.tensors[i].shape)) if i >= 0 else "-"
                                        for i in op.inputs],
                                outputs=[g.tensors[i].dtype + str(list(g.tensors[i].shape)) for i in op.outputs]))
    for key, ids in (("inputs", g.inputs), ("outputs", g.outputs)):
        for tid in ids:
            t = g.tensors[tid]
            info[key].append(dict(name=t.name, dtype=t.dtype, shape=list(t.shape),
                                  scale=t.q_scale, zero_point=t.q_zero_point))
    try:
        prog = lower_graph(g, arch, optimize=optimize)
    except TinymlError as e:
        info["error"] = str(e)
        return info
    info.update(macs=prog.macs, weight_bytes=prog.weight_bytes, arena_bytes=prog.arena_bytes,
                lower_bound=prog.lower_bound)
    return info

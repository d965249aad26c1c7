"""The PlatformIO build hook, as plain functions (``extra_script.py`` only calls :func:`run_hook`).

At script load (before PlatformIO globs any source folder) every model of the project is
converted with :func:`platformio_tinyml.api.generate` into ``$BUILD_DIR/tinyml/`` (never into
``src/``), unless a stamp file shows the same inputs produced the outputs already. The generated
``.c`` files join the program as SCons nodes, and ``$BUILD_DIR/tinyml`` joins the include path.

Options in ``platformio.ini`` (paths relative to the project, one per line or comma-separated)::

    custom_tinyml_models = models/*.tflite      ; default: every .tflite under models/
    custom_tinyml_arch = auto                   ; auto (from build.cpu / build.mcu), reference,
                                                ; cortex-m4, xtensa or arc-em
    custom_tinyml_quantize = none               ; none (keep the model's types) | int8 | int16x8:
                                                ; quantize float models at build time
    custom_tinyml_calibration = data/calib.npy  ; representative inputs (.npy/.npz or a folder); with
                                                ; several models, NAME = path per model
    custom_tinyml_io = float                    ; float: quantized models keep float inputs/outputs;
                                                ; int8 (int16 for int16x8): the quantized tensors
    custom_tinyml_optimize = ram                ; ram: a faster kernel that needs arena scratch only where
                                                ; the arena stays as small as without it; speed: every one
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from . import __version__, requirements
from .api import ARCHES, OPTIMIZE, Quantize, default_name, generate, library_dir, progress_printer
from .emit.cfmt import name_key
from .errors import TinymlError

TOOL = "tinyml"
OUT_SUBDIR = "tinyml"
DEFAULT_MODELS = "models/**/*.tflite"
STAMP_SUFFIX = ".tinyml.json"


class HookError(TinymlError):
    """A problem the user can fix; printed as one line, then the build stops (``str()`` is one line
    with control characters escaped, as for every :class:`TinymlError`)."""


@dataclass
class ModelJob:
    path: str      # absolute path of the .tflite
    rel: str       # as shown to the user (relative to the project)
    name: str      # C identifier: NAME.h / NAME.c / NAME_invoke()


# ---------------------------------------------------------------- options

def split_option(value) -> list:
    """A ``custom_*`` value as a list: one item per line or comma; blanks and ; comments dropped.

    >>> split_option("models/a.tflite, models/b c.tflite\\n  other/*.tflite ; note")
    ['models/a.tflite', 'models/b c.tflite', 'other/*.tflite']
    >>> split_option(None)
    []
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        value = "\n".join(str(v) for v in value)
    items = []
    for line in str(value).splitlines():
        line = line.split(";", 1)[0]
        items.extend(part.strip() for part in line.split(","))
    return [i for i in items if i]


def find_models(project_dir: str, patterns: list) -> list:
    """Absolute paths of the models the patterns name, sorted, each once.

    A pattern without wildcards must name an existing file (a typo is an error, not an empty build).
    """
    found = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else os.path.join(glob.escape(project_dir), pattern)
        if not glob.has_magic(pattern):
            path = pattern if os.path.isabs(pattern) else os.path.join(project_dir, pattern)
            if not os.path.isfile(path):
                raise HookError(f"custom_tinyml_models: '{pattern}' does not exist in {project_dir}; "
                                "fix the path or remove it")
            found.append(os.path.abspath(path))
            continue
        found.extend(os.path.abspath(p) for p in glob.glob(full, recursive=True) if os.path.isfile(p))
    return sorted(set(found))


def make_jobs(project_dir: str, paths: list) -> list:
    """One job per model, named by :func:`~platformio_tinyml.api.default_name` (the rule of
    ``tinyml convert --name``: reserved names such as ``math`` or ``tinyml`` are mangled).

    Two models whose names are equal ignoring case are an error: ``kws`` and ``KWS`` would share
    the header guard and the ``KWS_*`` macros (and ``kws.h`` would overwrite ``KWS.h`` on a
    case-insensitive file system), and ``math.tflite`` and ``math_model.tflite`` the name ``math_model``.

    >>> [j.name for j in make_jobs("/p", ["/p/models/math.tflite", "/p/models/tinyml.tflite"])]
    ['math_model', 'm_tinyml']
    >>> make_jobs("/p", ["/p/models/KWS.tflite", "/p/models/kws.tflite"])
    Traceback (most recent call last):
    ...
    platformio_tinyml.pio.HookError: models/kws.tflite and models/KWS.tflite would generate 'kws.h' and 'KWS.h', which differ only in case (one header guard TINYML_MODEL_KWS_H, one set of macros KWS_*); rename one of them
    """
    jobs, seen = [], {}
    for path in paths:
        rel = os.path.relpath(path, project_dir)
        name = default_name(path)
        other = seen.get(name_key(name))
        if other is not None:
            what = f"both generate '{name}.h'" if other.name == name else (
                f"generate '{name}.h' and '{other.name}.h', which differ only in case (one header guard "
                f"TINYML_MODEL_{name.upper()}_H, one set of macros {name.upper()}_*)")
            raise HookError(f"{rel} and {other.rel} would {what}; rename one of them")
        job = ModelJob(path=path, rel=rel, name=name)
        seen[name_key(name)] = job
        jobs.append(job)
    return jobs


def pick_arch(option: str, cpu: str = "", mcu: str = "") -> str:
    """The kernel architecture: the option when given, else from the board's build.cpu / build.mcu.

    >>> pick_arch("auto", "cortex-m4", "nrf52840")
    'cortex-m4'
    >>> pick_arch("auto", "cortex-m4f")
    'cortex-m4'
    >>> pick_arch("", "esp32", "esp32")
    'xtensa'
    >>> pick_arch("auto", "", "esp32s3")
    'xtensa'
    >>> pick_arch("auto", "", "esp32c3")
    'reference'
    >>> pick_arch("auto", "arcem", "we1")
    'arc-em'
    >>> pick_arch("auto", "cortex-m0plus", "rp2040")
    'reference'
    >>> pick_arch("reference", "cortex-m4")
    'reference'
    """
    option = (option or "auto").strip().lower()
    if option != "auto":
        if option not in ARCHES:
            raise HookError(f"custom_tinyml_arch = {option} is not known; use auto or one of "
                            + ", ".join(ARCHES))
        return option
    cpu, mcu = (cpu or "").strip().lower(), (mcu or "").strip().lower()
    if re.fullmatch(r"cortex-m4f?", cpu):
        return "cortex-m4"
    if re.fullmatch(r"esp32(s2|s3)?", mcu) or cpu in ("esp32", "xtensa", "lx6", "lx7"):
        return "xtensa"
    if any(re.match(r"(arc[-_]?em|em\d|em$)", s) for s in (cpu, mcu) if s):
        return "arc-em"
    return "reference"


def optimize_option(value: str) -> str:
    """``custom_tinyml_optimize``: ram (the default) or speed.

    >>> optimize_option(""), optimize_option(" Speed ")
    ('ram', 'speed')
    """
    value = (value or "ram").strip().lower()
    if value not in OPTIMIZE:
        raise HookError(f"custom_tinyml_optimize = {value} is not known; use {' or '.join(OPTIMIZE)}")
    return value


def quant_options(project_dir: str, jobs: list, scheme: str = "", calibration=None, io: str = "") -> dict:
    """The :class:`Quantize` spec of each job (by C name) from the three options.

    ``custom_tinyml_calibration`` is one path for every model, or ``NAME = path`` items (NAME
    is the model's C name, i.e. its file name as an identifier); paths are project-relative.

    >>> jobs = [ModelJob("/p/models/a.tflite", "models/a.tflite", "a"), ModelJob("/p/models/b.tflite", "", "b")]
    >>> q = quant_options("/p", jobs, "int8", "data/all.npy, b = data/b.npy")
    >>> q["a"].calibration, q["b"].calibration, q["b"].io
    ('/p/data/all.npy', '/p/data/b.npy', 'float')
    >>> quant_options("/p", jobs, "", None)["a"].active
    False
    """
    scheme = (scheme or "none").strip().lower()
    if scheme not in ("none", "int8", "int16x8"):
        raise HookError(f"custom_tinyml_quantize = {scheme} is not known; use none, int8 or int16x8")
    io = (io or "float").strip().lower()
    if io not in ("float", "int8", "int16"):
        raise HookError(f"custom_tinyml_io = {io} is not known; use float, int8 or int16 (with int16x8)")
    default, per_model = None, {}
    for item in split_option(calibration):
        if "=" in item:
            name, path = (x.strip() for x in item.split("=", 1))
            if name not in {j.name for j in jobs}:
                raise HookError(f"custom_tinyml_calibration: no model is named '{name}' (models: "
                                f"{', '.join(j.name for j in jobs) or 'none'})")
            per_model[name] = path
        else:
            default = item
    out = {}
    for job in jobs:
        path = per_model.get(job.name, default)
        if path is not None and not os.path.isabs(path):
            path = os.path.join(project_dir, path)
        out[job.name] = Quantize(scheme=scheme, calibration=path, io=io, option="custom_tinyml_calibration")
    return out


def quant_key(q: Quantize | None) -> str:
    """The part of the cache key the quantization adds: options and the calibration data's digest."""
    if q is None or not q.active:
        return ""
    from .quantize.quantizer import calibration_hash
    path = q.calibration
    digest = calibration_hash(path) if path and os.path.exists(path) else "missing"
    return f"{q.scheme}/{q.io}/{digest}"


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value or [])


def arch_defines(arch: str, explicit: bool, cflags=()) -> list:
    """C defines for the build: the reference kernels are forced only when the user asked for them;
    with frame pointers (r7 taken on Thumb) the Cortex-M4 kernels use their 13-register asm loops.

    >>> arch_defines("reference", explicit=True)
    ['TML_FORCE_REFERENCE']
    >>> arch_defines("reference", explicit=False)
    []
    >>> arch_defines("cortex-m4", explicit=False, cflags=["-Os", "-fno-omit-frame-pointer"])
    ['TML_FRAME_POINTER']
    """
    defines = ["TML_FORCE_REFERENCE"] if arch == "reference" and explicit else []
    flags = [str(f) for f in cflags]
    if "-fno-omit-frame-pointer" in flags and flags.index("-fno-omit-frame-pointer") > max(
            (i for i, f in enumerate(flags) if f == "-fomit-frame-pointer"), default=-1):
        defines.append("TML_FRAME_POINTER")
    return defines


# ---------------------------------------------------------------- cache

def converter_version() -> str:
    """Our version, plus a digest of the converter's own files (a development checkout changes
    without a version bump, and stale C from an older converter must not survive)."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    files = [p for p in here.rglob("*") if p.is_file() and (p.suffix == ".py" or p.parent.name == "templates")]
    for rel, p in sorted((p.relative_to(here).as_posix(), p) for p in files):
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return f"{__version__}+{h.hexdigest()[:16]}"


def cache_key(model_bytes: bytes, name: str, arch: str, version: str, quant: str = "", optimize: str = "ram") -> str:
    """What the outputs depend on: the model's bytes, the options (quantization and its data too,
    optimize), our version and the arch."""
    h = hashlib.sha256()
    parts = (model_bytes, name.encode(), arch.encode(), version.encode(), quant.encode())
    for part in parts + ((optimize.encode(),) if optimize != "ram" else ()):  # (keys made before the option)
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


def stamp_path(out_dir: str, name: str) -> str:
    return os.path.join(out_dir, name + STAMP_SUFFIX)


def output_paths(out_dir: str, name: str) -> list:
    return [os.path.join(out_dir, name + ".h"), os.path.join(out_dir, name + ".c")]


def read_stamp(out_dir: str, name: str) -> dict:
    try:
        with open(stamp_path(out_dir, name), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def is_fresh(out_dir: str, name: str, key: str) -> dict | None:
    """The stored stamp when the outputs exist and were made from the same inputs, else None."""
    stamp = read_stamp(out_dir, name)
    if stamp.get("key") != key:
        return None
    if not all(os.path.isfile(p) for p in output_paths(out_dir, name)):
        return None
    return stamp


# ---------------------------------------------------------------- conversion

def user_message(err: Exception, job: ModelJob) -> str:
    """The converter's message with the model named as the user knows it (project-relative)."""
    msg = str(err).strip()
    base = os.path.basename(job.path)
    for prefix in (job.path, base):
        if msg.startswith(prefix + ":"):
            return job.rel + msg[len(prefix):]
    return f"{job.rel}: {msg}"


def convert_job(job: ModelJob, out_dir: str, arch: str, check=None, quant: Quantize | None = None,
                echo=print, optimize: str = "ram") -> dict:
    """Generate NAME.h/NAME.c for one model; return its report as a dict.

    Converts into a staging folder, and replaces the previous outputs only when that succeeded
    and ``check(report)`` (the board's limits) raised nothing.
    """
    staging = os.path.join(out_dir, f".staging-{job.name}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        try:
            report = generate(job.path, staging, name=job.name, arch=arch, quant=quant,
                              progress=progress_printer(echo), optimize=optimize)
        except TinymlError as e:
            raise HookError(user_message(e, job) + " (the previous generated files are kept)") from None
        except ImportError as e:  # extra_script.py checked the packages; one is broken or gone since
            raise HookError(f"{job.rel}: " + (requirements.import_error_message(e)
                                              or f"cannot load the converter ({e})")) from None
        except OSError as e:
            raise HookError(f"{job.rel}: cannot convert ({e}); check the file and the build folder") from None
        except Exception as e:  # a bug of ours: still one clear line, the traceback with -v
            if os.environ.get("PLATFORMIO_TINYML_DEBUG") or _verbose():
                import traceback
                traceback.print_exc()
            raise HookError(f"{job.rel}: internal error of the converter ({type(e).__name__}: {e}); "
                            "please report it with the model (run `pio run -v` for the traceback)") from None
        result = dict(ops=report.ops, weight_bytes=report.weight_bytes, arena_bytes=report.arena_bytes,
                      macs=report.macs, quantized=report.quantized, float_ops=report.float_ops)
        if check is not None:
            check(result)
        for src in output_paths(staging, job.name):
            os.replace(src, os.path.join(out_dir, os.path.basename(src)))
        staged, final = (os.path.join(d, job.name + "_int8.tflite") for d in (staging, out_dir))
        if os.path.exists(staged):        # the quantized model, for TFLM / Netron
            os.replace(staged, final)
        elif os.path.exists(final):       # quantization was turned off: no stale int8 model
            os.remove(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _verbose() -> bool:
    try:
        from SCons.Script import ARGUMENTS
        return bool(int(ARGUMENTS.get("PIOVERBOSE", 0)))
    except Exception:  # not inside SCons
        return False


def write_stamp(out_dir: str, job: ModelJob, key: str, arch: str, report: dict) -> None:
    data = dict(key=key, model=job.rel, name=job.name, arch=arch, version=__version__, report=report)
    tmp = stamp_path(out_dir, job.name) + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, stamp_path(out_dir, job.name))
    except BaseException:    # an interrupt too: no half-written stamp left behind
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


#: what a killed or interrupted conversion can leave in the tinyml build folder: the hook's staging
#: folders, :func:`~platformio_tinyml.api.write_atomically`'s temporary folders, half-written stamps
LEFTOVER_DIRS = re.compile(r"\.staging-[A-Za-z_][A-Za-z0-9_]*|\.tinyml-[a-z0-9_]{8}")
LEFTOVER_FILES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*" + re.escape(STAMP_SUFFIX + ".tmp"))


def remove_leftovers(out_dir: str) -> list:
    """Remove the staging and temporary folders (and half-written stamps) an earlier, killed or
    interrupted run left in ``out_dir``, the tinyml build folder; nothing else, and nothing a run
    started within :data:`~platformio_tinyml.api.STALE_AFTER` seconds may still be writing."""
    from .api import remove_stale_temp
    return remove_stale_temp(out_dir, LEFTOVER_DIRS, LEFTOVER_FILES)


def remove_stale(out_dir: str, keep: set) -> list:
    """Delete the outputs of models that are gone; return their names."""
    gone = []
    if not os.path.isdir(out_dir):
        return gone
    for fname in sorted(os.listdir(out_dir)):
        if not fname.endswith(STAMP_SUFFIX):
            continue
        name = fname[: -len(STAMP_SUFFIX)]
        if name in keep:
            continue
        for ext in (".h", ".c", ".o", "_int8.tflite", STAMP_SUFFIX):
            try:
                os.remove(os.path.join(out_dir, name + ext))
            except FileNotFoundError:
                pass
        gone.append(name)
    return gone


def format_report(report: dict) -> str:
    """One line after generation.

    >>> format_report(dict(ops={"FULLY_CONNECTED": 3}, weight_bytes=1184, arena_bytes=64, macs=304))
    '3 ops (FULLY_CONNECTED x3), weights 1,184 bytes, arena 64 bytes, 304 MACs'
    """
    ops = report.get("ops") or {}
    n = sum(ops.values())
    kinds = ", ".join(f"{k} x{v}" for k, v in sorted(ops.items()))
    return (f"{n} ops ({kinds}), weights {report['weight_bytes']:,} bytes, "
            f"arena {report['arena_bytes']:,} bytes, {report['macs']:,} MACs")


def soft_float_abi(cflags) -> bool:
    """Whether an Arm build computes float in software: the last -mfloat-abi wins (PlatformIO's
    Arduino-mbed builder appends -mfloat-abi=soft after the core's softfp, on the Nano 33 BLE).

    >>> soft_float_abi(["-mcpu=cortex-m4", "-mfloat-abi=softfp", "-mfloat-abi=soft"])
    True
    >>> soft_float_abi(["-mfloat-abi=soft", "-mfloat-abi=hard"]), soft_float_abi(["-Os"])
    (False, False)
    """
    abis = [f.split("=", 1)[1] for f in map(str, cflags) if f.startswith("-mfloat-abi=")]
    return bool(abis) and abis[-1] == "soft"


def soft_float_note(job: ModelJob, report: dict) -> str:
    """The line for a model that computes in float on a build without FPU instructions."""
    n = report.get("float_ops", 0)
    return (f"{TOOL}:   note: {job.name} computes {n} operator{'s' if n != 1 else ''} in float, and this build "
            "has no FPU instructions (-mfloat-abi=soft): software floating point is slow and large here; "
            "set custom_tinyml_quantize = int8 to quantize it while building")


def check_limits(reports: list, board: str, max_flash: int, max_ram: int) -> None:
    """Fail when the weights do not fit the board's flash or the arenas its RAM.

    ``reports`` holds (job, report) pairs; a limit of 0 means unknown (not checked).
    """
    for what, field, limit, opt, mem in (("weights", "weight_bytes", max_flash, "upload.maximum_size", "flash"),
                                         ("arena", "arena_bytes", max_ram, "upload.maximum_ram_size", "RAM")):
        if not limit:
            continue
        for job, rep in reports:
            if rep[field] > limit:
                raise HookError(f"{job.rel}: the {what} need {rep[field]:,} bytes but board {board} has "
                                f"{limit:,} bytes of {mem} ({opt}); use a smaller (or int8-quantized) model "
                                "or a board with more " + mem)
        total = sum(rep[field] for _, rep in reports)
        if len(reports) > 1 and total > limit:
            raise HookError(f"{', '.join(j.rel for j, _ in reports)}: together the {what} need {total:,} bytes "
                            f"but board {board} has {limit:,} bytes of {mem} ({opt}); build fewer models "
                            "(custom_tinyml_models) or use a board with more " + mem)


def sync_models(jobs: list, out_dir: str, arch: str, echo=print, limits=("", 0, 0), quant=None,
                soft_float=False, optimize: str = "ram") -> list:
    """Bring ``out_dir`` up to date for ``jobs``; return (job, report) pairs. Raises HookError.

    ``limits`` is (board, max flash, max RAM): a model that does not fit fails before its new
    outputs replace the previous ones; all models together are checked at the end. ``quant``
    maps job names to their :class:`Quantize` spec (see :func:`quant_options`). With ``soft_float``
    (the build has no FPU instructions) a model that computes in float gets a note. ``optimize``: see
    :func:`optimize_option`.
    """
    quant = quant or {}
    os.makedirs(out_dir, exist_ok=True)
    remove_leftovers(out_dir)
    for name in remove_stale(out_dir, {j.name for j in jobs}):
        echo(f"{TOOL}: Removing {name} (its model is gone)")
    version = converter_version()
    results = []
    for job in jobs:
        try:
            with open(job.path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise HookError(f"{job.rel}: cannot read the model ({e.strerror}); check the path") from None
        q = quant.get(job.name)
        key = cache_key(data, job.name, arch, version, quant_key(q), optimize)
        stamp = is_fresh(out_dir, job.name, key)
        if stamp is not None:
            echo(f"{TOOL}: Skipping {job.rel} ({job.name}.h is up to date)")
            if soft_float and stamp["report"].get("float_ops"):
                echo(soft_float_note(job, stamp["report"]))
            results.append((job, stamp["report"]))
            continue
        how = f"arch {arch}" + (f", quantize {q.scheme}" if q is not None and q.active else "") + \
            (f", optimize {optimize}" if optimize != "ram" else "")
        echo(f"{TOOL}: Generating {job.name}.h/.c from {job.rel} ({how})")
        report = convert_job(job, out_dir, arch, check=lambda rep, job=job: check_limits([(job, rep)], *limits),
                             quant=q, echo=echo, optimize=optimize)
        for line in report.get("quantized") or []:
            echo(f"{TOOL}:   {line}")
        write_stamp(out_dir, job, key, arch, report)
        echo(f"{TOOL}:   {job.name}: {format_report(report)}")
        if soft_float and report.get("float_ops"):
            echo(soft_float_note(job, report))
        results.append((job, report))
    check_limits(results, *limits)
    return results


# ---------------------------------------------------------------- SCons glue

def _board_info(env) -> tuple:
    """(board id, cpu, mcu, max flash, max RAM) of the environment; blanks/zeros without a board."""
    if "BOARD" not in env:
        return ("", "", "", 0, 0)
    cfg = env.BoardConfig()
    get = lambda key, default="": cfg.get(key, default)  # noqa: E731
    return (env.subst("$BOARD"), str(get("build.cpu")), str(get("build.mcu")),
            int(get("upload.maximum_size", 0) or 0), int(get("upload.maximum_ram_size", 0) or 0))


def run_hook(env, genv, lib_include_dirs=None, echo=print) -> None:
    """Everything the extra script does.

    ``env`` is the environment the script was given (the library's, or the project's for a
    ``pre:`` script); ``genv`` is PlatformIO's global environment, whose PIOBUILDFILES become the
    program. Runs the conversion once per environment; a second call only adds the paths.
    """
    out_dir = os.path.join(env.subst("$BUILD_DIR"), OUT_SUBDIR)
    include_dirs = [out_dir] + [d for d in (lib_include_dirs or []) if d]
    if not lib_include_dirs:
        try:
            include_dirs.append(str(library_dir() / "src"))
        except TinymlError:
            pass

    state = genv.get("TINYML_HOOK_STATE")
    if state is None:
        state = _run_once(env, genv, out_dir, echo)
        genv["TINYML_HOOK_STATE"] = state
    for e in {id(env): env, id(genv): genv}.values():
        e.AppendUnique(CPPPATH=include_dirs, CPPDEFINES=state["defines"])


def _run_once(env, genv, out_dir: str, echo) -> dict:
    project_dir = env.subst("$PROJECT_DIR")
    board, cpu, mcu, max_flash, max_ram = _board_info(env)
    cflags = [f for k in ("CCFLAGS", "CFLAGS") for item in _as_list(env.get(k, [])) for f in str(item).split()]
    try:
        arch_opt = str(env.GetProjectOption("custom_tinyml_arch", "auto") or "auto")
        arch = pick_arch(arch_opt, cpu, mcu)
        patterns = split_option(env.GetProjectOption("custom_tinyml_models", "")) or [DEFAULT_MODELS]
        jobs = make_jobs(project_dir, find_models(project_dir, patterns))
        if not jobs:
            echo(f"{TOOL}: no models found ({', '.join(patterns)}); put .tflite files in models/ "
                 "or set custom_tinyml_models")
        quant = quant_options(project_dir, jobs, str(env.GetProjectOption("custom_tinyml_quantize", "") or ""),
                              env.GetProjectOption("custom_tinyml_calibration", ""),
                              str(env.GetProjectOption("custom_tinyml_io", "") or ""))
        for q in quant.values():
            q.verbose = _verbose()     # `pio run -v`: the quantization error of every layer
        optimize = optimize_option(str(env.GetProjectOption("custom_tinyml_optimize", "") or ""))
        results = sync_models(jobs, out_dir, arch, echo=echo, limits=(board or "(none)", max_flash, max_ram),
                              quant=quant, soft_float=soft_float_abi(cflags), optimize=optimize)
    except HookError as e:
        sys.stderr.write(f"{TOOL}: error: {e}\n")
        sys.stderr.flush()
        env.Exit(1)
        raise SystemExit(1)  # env.Exit does not return; this is for environments that do
    objects = [env.Object(os.path.join(out_dir, job.name + ".o"), os.path.join(out_dir, job.name + ".c"))
               for job, _ in results]
    genv.Append(PIOBUILDFILES=objects)
    return dict(arch=arch, defines=arch_defines(arch, explicit=arch_opt.strip().lower() != "auto", cflags=cflags),
                models=[job.name for job, _ in results])

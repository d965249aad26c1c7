"""The ``tinyml`` command: inspect, convert and run models.

    tinyml inspect model.tflite [--json]
    tinyml convert model.tflite -o out/ [--name NAME] [--arch reference|cortex-m4|xtensa|arc-em]
    tinyml convert model.tflite --arduino -o MySketch/ [--name NAME]
    tinyml convert float.tflite --quantize int8 --calibration calib.npy -o out/ [--io float|int8]
    tinyml quantize float.tflite --calibration calib.npy -o model_int8.tflite [--scheme int8|int16x8]
                    [--io float|int8|int16] [--verbose]
    tinyml run model.tflite --input in.npy --output out.npy [--target host|cortex-m4] [--float-abi hard|soft]

Every user-facing problem is one line on stderr and a non-zero exit code.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from . import __version__
from .api import ARCHES, OPTIMIZE, Quantize, default_name, generate, inspect_model, progress_printer
from .errors import TinymlError, one_line


def _manifest_arena(model_path: str):
    """TFLM's smallest working arena for this model, from a MANIFEST.md beside it (if any)."""
    man = Path(model_path).resolve().parent / "MANIFEST.md"
    if not man.is_file():
        return None
    text = man.read_text(encoding="utf-8", errors="replace")
    fname = re.escape(Path(model_path).name)
    m = re.search(r"###\s+" + fname + r"\s*\n(.*?)(?=\n### |\Z)", text, re.S)
    if not m:
        return None
    sec = m.group(1)
    k = re.search(r"smallest working arena (\d+) KiB", sec)
    total = re.search(r"RecordingMicroAllocator total ([\d,]+) B", sec)
    if not k:
        return None
    return dict(kib=int(k.group(1)), recorded=int(total.group(1).replace(",", "")) if total else None)


def _fmt_bytes(n: int) -> str:
    return f"{n:,} B"


def cmd_inspect(args) -> int:
    for path in args.models:
        info = inspect_model(path, args.arch, args.optimize)
        tflm = _manifest_arena(path)
        if tflm:
            info["tflm_arena_bytes"] = tflm["kib"] * 1024
            info["tflm_arena_recorded_bytes"] = tflm["recorded"]
        if args.json:
            print(json.dumps(info, indent=2))
            continue
        print(f"{info['model']}  (sha256 {info['sha256'][:16]}…)")
        for key in ("inputs", "outputs"):
            for i, t in enumerate(info[key]):
                q = f"  scale {t['scale']:.9g} zero point {t['zero_point']}" if t["scale"] else ""
                print(f"  {key[:-1]} {i}: {t['dtype']} {t['shape']}  '{t['name']}'{q}")
        print(f"  operators: {len(info['ops'])}")
        for op in info["ops"]:
            print(f"    {op['index']:3d} {op['type']:<30} {', '.join(op['inputs'])} -> {', '.join(op['outputs'])}")
        print(f"  parameters: {info['params']:,}")
        if "error" in info:
            print(f"  cannot convert: {info['error']}")
            continue
        print(f"  MACs: {info['macs']:,}")
        print(f"  weights (flash): {_fmt_bytes(info['weight_bytes'])}")
        line = f"  arena (RAM): {_fmt_bytes(info['arena_bytes'])}  (lower bound {_fmt_bytes(info['lower_bound'])})"
        if tflm:
            line += f"  |  TFLM smallest arena: {_fmt_bytes(tflm['kib'] * 1024)}"
            if tflm["recorded"]:
                line += f" (recorded {_fmt_bytes(tflm['recorded'])})"
        print(line)
    return 0


def arduino_note(model: str, name: str, sketch_dir: str) -> str:
    """The banner line of sources made for an Arduino sketch: how to make them again.

    >>> arduino_note("models/sine.tflite", "sine", "/home/me/Sine/")
    'For an Arduino sketch; regenerate with: tinyml convert sine.tflite --arduino --name sine -o Sine'
    """
    sketch = os.path.basename(os.path.normpath(sketch_dir))
    return (f"For an Arduino sketch; regenerate with: tinyml convert {os.path.basename(model)} --arduino "
            f"--name {name} -o {sketch}")


def cmd_convert(args) -> int:
    note = ""
    if args.arduino:
        # The Arduino IDE has no build hook: the sources go into the sketch folder, where the IDE
        # compiles every .c beside the .ino. The portable layout runs on every board, and the
        # library picks the fastest kernels the board's compiler allows.
        name = args.name or default_name(args.model)
        note = arduino_note(args.model, name, args.output)
        inos = list(Path(args.output).glob("*.ino")) if os.path.isdir(args.output) else []
        if not inos:
            print(f"tinyml: note: {args.output} holds no .ino sketch; the Arduino IDE compiles only the "
                  "files in the sketch's own folder (and its src/)", file=sys.stderr)
    arch = args.arch or ("portable" if args.arduino else "reference")
    quant = Quantize(scheme=args.quantize, calibration=args.calibration, io=args.io, verbose=args.verbose)
    if quant.active and args.arduino:
        note += f" --quantize {args.quantize} --calibration {os.path.basename(str(args.calibration))}"
    if args.optimize != "ram" and args.arduino:
        note += f" --optimize {args.optimize}"
    rep = generate(args.model, args.output, name=args.name, arch=arch, note=note, quant=quant,
                   progress=_stderr_progress() if quant.active else None, optimize=args.optimize)
    for line in rep.quantized:
        print(f"tinyml: {line}")
    print(f"tinyml: {rep.model} -> {', '.join(rep.files)}")
    print(f"tinyml: {sum(rep.ops.values())} operators, weights {_fmt_bytes(rep.weight_bytes)}, "
          f"arena {_fmt_bytes(rep.arena_bytes)} (lower bound {_fmt_bytes(rep.lower_bound)}), {rep.macs:,} MACs")
    return 0


def _stderr_progress():
    return progress_printer(lambda line: print(line, file=sys.stderr))


def cmd_quantize(args) -> int:
    from .api import quantize
    from .read.reader import read_model

    quant = Quantize(scheme=args.scheme, calibration=args.calibration, io=args.io, verbose=args.verbose)
    data, lines = quantize(args.model, quant, _stderr_progress())
    for line in lines:
        print(f"tinyml: {line}")
    if data is None:
        return 0
    read_model(args.output, data)   # what we write must read back
    out = Path(args.output)
    if out.parent and not out.parent.is_dir():
        out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)
    print(f"tinyml: wrote {out} ({len(data):,} bytes)")
    return 0


def _load_inputs(path: str, model_inputs: list, model: str) -> list:
    import numpy as np
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise TinymlError(f"cannot read inputs from {path}: {e}") from None
    if isinstance(data, np.lib.npyio.NpzFile):
        arrays = []
        for i in range(len(model_inputs)):
            key = f"input_{i}"
            if key not in data.files:
                raise TinymlError(f"{path}: missing array '{key}' (the model has {len(model_inputs)} inputs; "
                                  f"found {', '.join(data.files) or 'none'})")
            arrays.append(data[key])
    else:
        if len(model_inputs) != 1:
            raise TinymlError(f"{model} has {len(model_inputs)} inputs: give an .npz with arrays "
                              + ", ".join(f"input_{i}" for i in range(len(model_inputs))))
        arrays = [data]
    out = []
    for i, (a, t) in enumerate(zip(arrays, model_inputs)):
        if a.dtype != t.np_dtype or a.size != t.size:
            raise TinymlError(f"{path}: input {i} must be {t.dtype} with shape {list(t.shape)}, "
                              f"got {a.dtype} with shape {list(a.shape)}")
        out.append(a.reshape(t.shape))
    return out


def cmd_run(args) -> int:
    import numpy as np
    if args.target == "host":
        from .targets.hostrun import HostModel
        runner = HostModel(args.model, name=default_name(args.model), arch=args.arch or "reference")
    else:  # cortex-m4: cross-compiled, run under QEMU
        from .targets.qemurun import QemuModel
        runner = QemuModel(args.model, name=default_name(args.model), arch=args.arch or "cortex-m4",
                           float_abi=args.float_abi)
    with runner as hm:
        inputs = _load_inputs(args.input, hm.inputs, os.path.basename(args.model))
        outputs = hm.run(inputs)
    if args.output.endswith(".npz") or len(outputs) > 1:
        if not args.output.endswith(".npz"):
            raise TinymlError(f"the model has {len(outputs)} outputs: write them to an .npz file")
        np.savez(args.output, **{f"output_{i}": o for i, o in enumerate(outputs)})
    else:
        np.save(args.output, outputs[0])
    print(f"tinyml: wrote {len(outputs)} output(s) to {args.output}")
    return 0


def _quant_args(p, convert: bool) -> None:
    if convert:
        p.add_argument("--quantize", choices=["none", "int8", "int16x8"], default="none",
                       help="quantize a float model first (default none: keep the model's own types)")
    else:
        p.add_argument("--scheme", choices=["int8", "int16x8"], default="int8",
                       help="int8 (default), or int16x8: int16 activations, int8 weights (more precise, 2x RAM)")
    p.add_argument("--calibration", required=not convert,
                   help="representative inputs: .npy [N, *input shape], .npz (input_0, …) or a folder of them")
    p.add_argument("--io", choices=["float", "int8", "int16"], default="float",
                   help="float (default): the quantized model keeps float32 inputs/outputs; int8 (int16 with "
                        "int16x8): its own quantized tensors")
    p.add_argument("-v", "--verbose", action="store_true", help="report the error of every layer")


def _optimize_arg(p) -> None:
    p.add_argument("--optimize", choices=OPTIMIZE, default="ram",
                   help="ram (default): a faster kernel that needs arena scratch only where the arena stays as "
                        "small as without it; speed: every one (a larger arena, fewer cycles)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tinyml", description="TensorFlow Lite models to plain C for microcontrollers")
    p.add_argument("--version", action="version", version=f"platformio-tinyml {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    pi = sub.add_parser("inspect", help="ops, tensors, params, MACs, weight and arena bytes")
    pi.add_argument("models", nargs="+")
    pi.add_argument("--json", action="store_true")
    pi.add_argument("--arch", choices=ARCHES, default="reference")
    _optimize_arg(pi)
    pi.set_defaults(fn=cmd_inspect)

    pc = sub.add_parser("convert", help="write NAME.h and NAME.c")
    pc.add_argument("model")
    pc.add_argument("-o", "--output", required=True, help="output directory")
    pc.add_argument("--name", help="C name prefix (default: the file name made into an identifier)")
    pc.add_argument("--arch", choices=ARCHES, default=None,
                    help="code layout (default: reference; portable with --arduino)")
    pc.add_argument("--arduino", action="store_true",
                    help="for an Arduino IDE sketch: -o is the sketch folder (the IDE has no build hook, "
                         "so convert ahead of time and keep the files with the sketch)")
    _optimize_arg(pc)
    _quant_args(pc, convert=True)
    pc.set_defaults(fn=cmd_convert)

    pq = sub.add_parser("quantize", help="write the int8 model of a float model as a .tflite")
    pq.add_argument("model")
    pq.add_argument("-o", "--output", required=True, help="the int8 .tflite to write")
    _quant_args(pq, convert=False)
    pq.set_defaults(fn=cmd_quantize)

    pr = sub.add_parser("run", help="compile the generated C and run it on an input")
    pr.add_argument("model")
    pr.add_argument("--input", required=True, help=".npy (one input) or .npz with input_0, input_1, …")
    pr.add_argument("--output", required=True, help=".npy (one output) or .npz (output_0, …)")
    pr.add_argument("--target", default="host", choices=["host", "cortex-m4"],
                    help="host: the host C compiler; cortex-m4: arm-none-eabi-gcc, run under QEMU mps2-an386")
    pr.add_argument("--float-abi", default="hard", choices=["hard", "soft"],
                    help="for --target cortex-m4 (soft: as PlatformIO builds the Nano 33 BLE)")
    pr.add_argument("--arch", choices=ARCHES, default=None,
                    help="code layout (default: reference on the host, cortex-m4 for --target cortex-m4)")
    pr.set_defaults(fn=cmd_run)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except TinymlError as e:   # str(e) is one line with control characters escaped (errors.py)
        print(f"tinyml: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tinyml: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug of ours: one line unless debugging
        if os.environ.get("TINYML_DEBUG"):
            raise
        print(f"tinyml: internal error ({type(e).__name__}: {one_line(e)}); rerun with TINYML_DEBUG=1 for a traceback "
              "and please report it", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

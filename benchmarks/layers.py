"""Where one model's cycles go: estimated Cortex-M4F cycles per layer of the generated ``invoke``.

Generates the model's C for the Cortex-M4 (as ``benchmarks/run.py`` does), puts a cycle marker
(m4sim's MARK register) before every kernel call of a copy of ``invoke``, links it with the benchmark
harness and runs it on m4sim. The second (measured) call is reported: per layer its operator, MACs,
cycles, MACs per cycle and share of the total; then the totals per operator type. A marker costs a
store (two or three cycles per layer). This is a measurement, not a test.

    python benchmarks/layers.py MODEL [--variant optimized|reference|speed] [--top N]

MODEL is a name from ``benchmarks/run.py`` (e.g. mlperf_vww_mobilenet) or a .tflite path.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (benchmarks/run.py: the image's flags, inputs and harness)
from platformio_tinyml.api import convert, generate  # noqa: E402

CALL = re.compile(r"^    /\* (\d+): (\S+) \*/$")


def marked_invoke(src: str) -> tuple:
    """``m.c`` with ``m4sim_mark(i)`` before the call of layer i and ``m4sim_mark(-1)`` at the end of
    ``invoke``; and the layers in call order as (index, operator)."""
    out, layers, inside = ['#include "m4sim.h"'], [], False
    for line in src.splitlines():
        if line.startswith("int m_invoke(void)"):
            inside = True
        m = CALL.match(line) if inside else None
        if m:
            layers.append((int(m.group(1)), m.group(2)))
            out.append(f"    m4sim_mark({m.group(1)}u);")
        if inside and line == "    return 0;":
            out.append("    m4sim_mark(0xffffffffu);")
            inside = False
        out.append(line)
    return "\n".join(out) + "\n", layers


def profile(model: str, variant: str, m4sim: str, work: Path) -> tuple:
    """(rows, total cycles) of one run: rows are (index, operator, MACs, cycles)."""
    optimize = "speed" if variant == "speed" else "ram"  # (run.GEN_DIR: the speed rows' own C)
    rep = generate(model, str(work / "gen"), name="m", arch="cortex-m4", optimize=optimize)
    prog, _ = convert(model, name="m", arch="cortex-m4", optimize=optimize)
    inputs = run.seed0_inputs(rep.inputs)
    (work / "bench_io.h").write_text(
        run.io_header(inputs, [int(np.prod(sh)) * np.dtype(dt).itemsize for dt, sh in rep.outputs]))
    src, layers = marked_invoke((work / "gen" / "m.c").read_text())
    (work / "gen" / "m.c").write_text(src)
    target = Path(m4sim) / "target"
    elf = work / "m.elf"
    run.run_cmd([run.CC, *run.CFLAGS, *run.VARIANTS[variant], "-I", str(work), "-I", str(work / "gen"),
                 "-I", str(run.library_dir() / "src"), "-I", str(target), str(HERE / "harness.c"), str(work / "gen" / "m.c"),
                 str(target / "startup.c"), str(target / "syscalls.c"), "-T", str(target / "m4sim.ld"),
                 *run.LDFLAGS, "-lm", "-o", str(elf)])
    js = work / "m.json"
    subprocess.run([sys.executable, m4sim, str(elf), "--quiet", "--max-insns", str(run.MAX_INSNS),
                    "--json", str(js)], check=True, capture_output=True)
    marks = json.loads(js.read_text())["markers"]
    second = marks[len(marks) // 2:]  # the measured call's markers (the warm-up call's come first)
    rows = []
    for (index, op), a, b in zip(layers, second, second[1:]):
        rows.append((index, op, prog.op_macs.get(index, 0), b["cycles"] - a["cycles"]))
    return rows, second[-1]["cycles"] - second[0]["cycles"]


def report(rows: list, total: int, top: int) -> str:
    lines = [f"{'layer':>5}  {'operator':24} {'MACs':>11} {'cycles':>12} {'MACs/cycle':>10} {'share':>6}"]
    order = sorted(rows, key=lambda r: -r[3])[:top] if top else rows
    for index, op, macs, cyc in order:
        rate = f"{macs / cyc:.3f}" if macs and cyc else ""
        lines.append(f"{index:>5}  {op:24} {macs:>11,} {cyc:>12,} {rate:>10} {100 * cyc / total:>5.1f}%")
    by_op: dict = {}
    for _, op, macs, cyc in rows:
        m, c, n = by_op.get(op, (0, 0, 0))
        by_op[op] = (m + macs, c + cyc, n + 1)
    lines += ["", f"{'operator':24} {'layers':>6} {'MACs':>11} {'cycles':>12} {'MACs/cycle':>10} {'share':>6}"]
    for op, (m, c, n) in sorted(by_op.items(), key=lambda kv: -kv[1][1]):
        rate = f"{m / c:.3f}" if m and c else ""
        lines.append(f"{op:24} {n:>6} {m:>11,} {c:>12,} {rate:>10} {100 * c / total:>5.1f}%")
    macs = sum(r[2] for r in rows)
    lines += ["", f"total: {macs:,} MACs in {total:,} cycles ({macs / total:.3f} MACs/cycle)"]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help="a model name of benchmarks/run.py or a .tflite path")
    ap.add_argument("--variant", default="optimized", choices=list(run.VARIANTS))
    ap.add_argument("--top", type=int, default=0, help="only the N most expensive layers")
    ap.add_argument("--m4sim", default=str(run.REPO.parent / "shared" / "tools" / "m4sim"))
    ap.add_argument("--models-dir", default=str(run.REPO.parent / "shared" / "models"))
    a = ap.parse_args(argv)
    model = a.model if a.model.endswith(".tflite") else run.model_path(a.model, a.models_dir)
    if not Path(model).is_file():
        ap.error(f"no model {model}")
    with tempfile.TemporaryDirectory(prefix="layers-") as tmp:
        rows, total = profile(model, a.variant, a.m4sim, Path(tmp))
    print(f"{Path(model).stem} ({a.variant} kernels, m4sim, -Os):\n")
    print(report(rows, total, a.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())

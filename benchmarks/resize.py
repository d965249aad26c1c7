"""Cycles of the resize family's int8 kernels on the Cortex-M4F (m4sim), reference against optimized path,
on a 2x upscale 20x20x16 -> 40x40x16 (the bilinear kernel with and without its scratch row).

    python benchmarks/resize.py [--m4sim PATH]

Builds tests/kernels/diff_resize.c with -DBENCH twice with the flags of benchmarks/run.py (the reference adds
-DTML_FORCE_REFERENCE), runs both on m4sim and prints a markdown table. The two builds must exit with the same
status (their outputs' checksum). A measurement, not a test."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import CC, CFLAGS, LDFLAGS, run_cmd  # noqa: E402

SOURCE = HERE.parent / "tests" / "kernels" / "diff_resize.c"
KERNELS = [("bench_resize_nearest_s8", "RESIZE_NEAREST_NEIGHBOR int8"),
           ("bench_resize_bilinear_s8", "RESIZE_BILINEAR int8, with its scratch row"),
           ("bench_resize_bilinear_s8_noscratch", "RESIZE_BILINEAR int8, without scratch")]


def measure(flags: list, m4sim: str, elf: Path) -> tuple:
    target = Path(m4sim) / "target"
    run_cmd([CC, *CFLAGS, "-DBENCH", *flags, "-I", str(HERE.parent / "library" / "src"), "-I", str(target),
             str(SOURCE), str(target / "startup.c"), str(target / "syscalls.c"), "-T", str(target / "m4sim.ld"),
             *LDFLAGS, "-lm", "-o", str(elf)])
    js = elf.with_suffix(".json")
    args = [sys.executable, m4sim, str(elf), "--quiet", "--json", str(js)]
    for func, _ in KERNELS:
        args += ["--func", func]
    subprocess.run(args, capture_output=True, text=True)
    sim = json.loads(js.read_text())
    return {c["func"]: c["cycles"] for c in sim["calls"]}, sim.get("exit_code")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m4sim", default=str(HERE.parent.parent / "shared" / "tools" / "m4sim"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        ref, ref_exit = measure(["-DTML_FORCE_REFERENCE"], args.m4sim, Path(d) / "ref.elf")
        opt, opt_exit = measure([], args.m4sim, Path(d) / "opt.elf")
    if ref_exit != opt_exit:
        print(f"the two builds' outputs differ (exit {ref_exit} and {opt_exit})", file=sys.stderr)
        return 1
    print("| kernel (20x20x16 -> 40x40x16) | reference cycles | optimized cycles | speed-up |")
    print("|---|---:|---:|---:|")
    for func, what in KERNELS:
        print(f"| {what} | {ref[func]:,} | {opt[func]:,} | {ref[func] / opt[func]:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

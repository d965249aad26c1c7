"""Cycles of the int8 TRANSPOSE_CONV and BATCH_MATMUL kernels on the Cortex-M4F (m4sim), reference against
optimized path.

    python benchmarks/compute.py [--m4sim PATH]

Builds benchmarks/compute.c twice with the flags of benchmarks/run.py (the reference adds
-DTML_FORCE_REFERENCE), runs both on m4sim and prints a markdown table. The two builds must exit with
the same checksum of their outputs; anything else is an error. A measurement, not a test."""
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

KERNELS = [("bench_transpose_conv", "TRANSPOSE_CONV int8, 3×3 stride 2 SAME, 8×8×16 → 16×16×16, per channel"),
           ("bench_transpose_conv_deep", "TRANSPOSE_CONV int8, 4×4 stride 2 SAME, 8×8×64 → 16×16×32, per channel"),
           ("bench_bmm_qk", "BATCH_MATMUL int8, 4 × (16×32 by (16×32)ᵀ), adj_y, variable rhs read in place (no scratch)"),
           ("bench_bmm_sv", "BATCH_MATMUL int8, 4 × (16×16 by 16×32), variable rhs (transposed in scratch)"),
           ("bench_bmm_sv_in_place", "BATCH_MATMUL int8, the same without scratch (rhs read in place)"),
           ("bench_bmm_const", "BATCH_MATMUL int8, 32×64 by a constant 64×32 (packed rhs)")]


def measure(variant_flags: list, m4sim: str, work: Path) -> tuple:
    target = Path(m4sim) / "target"
    elf = work / ("ref.elf" if variant_flags else "opt.elf")
    run_cmd([CC, *CFLAGS, *variant_flags, "-I", str(HERE.parent / "library" / "src"), "-I", str(target),
             str(HERE / "compute.c"), str(target / "startup.c"), str(target / "syscalls.c"), "-T",
             str(target / "m4sim.ld"), *LDFLAGS, "-lm", "-o", str(elf)])
    js = elf.with_suffix(".json")
    args = [sys.executable, m4sim, str(elf), "--quiet", "--json", str(js)]
    for func, _ in KERNELS:
        args += ["--func", func]
    subprocess.run(args, capture_output=True, text=True)
    sim = json.loads(js.read_text())
    cycles = {c["func"]: c["cycles"] for c in sim["calls"]}
    return cycles, sim.get("exit_code")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m4sim", default=str(HERE.parent.parent / "shared" / "tools" / "m4sim"))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as d:
        ref, ref_exit = measure(["-DTML_FORCE_REFERENCE"], args.m4sim, Path(d))
        opt, opt_exit = measure([], args.m4sim, Path(d))
    if ref_exit != opt_exit:
        print(f"the two builds' outputs differ (checksums {ref_exit} and {opt_exit})", file=sys.stderr)
        return 1
    print("| kernel | reference cycles | optimized cycles | speed-up |")
    print("|---|---:|---:|---:|")
    for func, what in KERNELS:
        print(f"| {what} | {ref[func]:,} | {opt[func]:,} | {ref[func] / opt[func]:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

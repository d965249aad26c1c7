"""Cycles of single kernels on the Cortex-M4F (m4sim), reference against optimized path: the int8 pools
and ADD (whose share of the shared models is too small to show in the model table), the binary family
(SUB, MAXIMUM, MINIMUM) and the compute family (TRANSPOSE_CONV, BATCH_MATMUL).

    python benchmarks/kernels.py [--m4sim PATH] [GROUP ...]     # groups: kernels, binary, compute

Builds each group's benchmarks/<group>.c twice with the flags of benchmarks/run.py (the reference adds
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

GROUPS = {
    "kernels": [("bench_max_pool", "MAX_POOL_2D int8, 2×2 stride 2, 48×48×8"),
                ("bench_average_pool", "AVERAGE_POOL_2D int8, 6×6 global, 6×6×256"),
                ("bench_add", "ADD int8, 4,096 elements, two input scales (the generator's table)")],
    "binary": [("bench_sub", "SUB int8, 4,096 elements, two input scales"),
               ("bench_sub_bcast", "SUB int8, [64, 64] - [64]"),
               ("bench_maximum", "MAXIMUM int8, 4,096 elements"),
               ("bench_minimum_scalar", "MINIMUM int8, 4,096 elements and a scalar")],
    "compute": [("bench_transpose_conv", "TRANSPOSE_CONV int8, 3×3 stride 2 SAME, 8×8×16 → 16×16×16, per channel"),
                ("bench_transpose_conv_deep", "TRANSPOSE_CONV int8, 4×4 stride 2 SAME, 8×8×64 → 16×16×32, per channel"),
                ("bench_bmm_qk", "BATCH_MATMUL int8, 4 × (16×32 by (16×32)ᵀ), adj_y, variable rhs read in place "
                                 "(no scratch)"),
                ("bench_bmm_sv", "BATCH_MATMUL int8, 4 × (16×16 by 16×32), variable rhs (transposed in scratch)"),
                ("bench_bmm_sv_in_place", "BATCH_MATMUL int8, the same without scratch (rhs read in place)"),
                ("bench_bmm_const", "BATCH_MATMUL int8, 32×64 by a constant 64×32 (packed rhs)")],
}


def measure(group: str, variant_flags: list, m4sim: str, work: Path) -> tuple:
    target = Path(m4sim) / "target"
    elf = work / f"{group}_{'ref' if variant_flags else 'opt'}.elf"
    run_cmd([CC, *CFLAGS, *variant_flags, "-I", str(HERE.parent / "library" / "src"), "-I", str(target),
             str(HERE / f"{group}.c"), str(target / "startup.c"), str(target / "syscalls.c"), "-T",
             str(target / "m4sim.ld"), *LDFLAGS, "-lm", "-o", str(elf)])
    js = elf.with_suffix(".json")
    args = [sys.executable, m4sim, str(elf), "--quiet", "--json", str(js)]
    for func, _ in GROUPS[group]:
        args += ["--func", func]
    subprocess.run(args, capture_output=True, text=True)
    sim = json.loads(js.read_text())
    return {c["func"]: c["cycles"] for c in sim["calls"]}, sim.get("exit_code")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m4sim", default=str(HERE.parent.parent / "shared" / "tools" / "m4sim"))
    ap.add_argument("groups", nargs="*", choices=[[], *GROUPS], default=[], metavar="GROUP",
                    help=f"some of {', '.join(GROUPS)} (default: all)")
    args = ap.parse_args(argv)
    print("| kernel | reference cycles | optimized cycles | speed-up |")
    print("|---|---:|---:|---:|")
    failed = 0
    for group in args.groups or list(GROUPS):
        with tempfile.TemporaryDirectory() as d:
            ref, ref_exit = measure(group, ["-DTML_FORCE_REFERENCE"], args.m4sim, Path(d))
            opt, opt_exit = measure(group, [], args.m4sim, Path(d))
        if ref_exit != opt_exit:
            print(f"{group}: the two builds' outputs differ (checksums {ref_exit} and {opt_exit})", file=sys.stderr)
            failed = 1
            continue
        for func, what in GROUPS[group]:
            print(f"| {what} | {ref[func]:,} | {opt[func]:,} | {ref[func] / opt[func]:.1f}× |")
    return failed


if __name__ == "__main__":
    sys.exit(main())

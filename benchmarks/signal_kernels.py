"""Cycles of the Signal family's kernels on the Cortex-M4F (m4sim) at one audio frame's sizes, reference
against optimized path: benchmarks/signal_kernels.c calls each kernel both ways (bench_<k>_ref, bench_<k>_opt).

    python benchmarks/signal_kernels.py [--m4sim PATH]

Built with the flags of benchmarks/run.py; prints a markdown table. A measurement, not a test."""
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

KERNELS = [("window", "SignalWindow (480)"), ("auto_scale", "SignalFftAutoScale (480)"),
           ("rfft", "SignalRfft int16 (512, 480 samples)"), ("irfft", "SignalIrfft int16 (512)"),
           ("energy", "SignalEnergy (257 bins)"), ("filter_bank", "SignalFilterBank (40 channels)"),
           ("sqrt", "SignalFilterBankSquareRoot (40)")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m4sim", default=str(HERE.parent.parent / "shared" / "tools" / "m4sim"))
    args = ap.parse_args(argv)
    target = Path(args.m4sim) / "target"
    with tempfile.TemporaryDirectory() as d:
        elf = Path(d) / "signal_kernels.elf"
        run_cmd([CC, *CFLAGS, "-I", str(HERE.parent / "library" / "src"), "-I", str(HERE.parent / "tests" / "kernels"),
                 "-I", str(target), str(HERE / "signal_kernels.c"), str(target / "startup.c"), str(target / "syscalls.c"),
                 "-T", str(target / "m4sim.ld"), "-nostartfiles", *LDFLAGS, "-lm", "-o", str(elf)])
        js = elf.with_suffix(".json")
        cmd = [sys.executable, args.m4sim, str(elf), "--quiet", "--json", str(js)]
        for k, _ in KERNELS:
            cmd += ["--func", f"bench_{k}_ref", "--func", f"bench_{k}_opt"]
        subprocess.run(cmd, capture_output=True, text=True)
        cycles = {c["func"]: c["cycles"] for c in json.loads(js.read_text())["calls"]}
    print("| kernel | reference cycles | optimized cycles | speed-up |")
    print("|---|---:|---:|---:|")
    for k, what in KERNELS:
        ref, opt = cycles[f"bench_{k}_ref"], cycles[f"bench_{k}_opt"]
        print(f"| {what} | {ref:,} | {opt:,} | {ref / opt:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Flash, RAM and estimated Cortex-M4F cycles of every supported shared model (``make bench``).

For each model and each kernel variant ("reference": ``-DTML_FORCE_REFERENCE``; "optimized": the
library's own Cortex-M4 choice; "speed": the same with the C generated with ``optimize="speed"``, only
for the models whose plan that changes), this script generates the model's C (``arch="cortex-m4"``), links it
with ``harness.c`` and m4sim's generic target image (startup, syscalls, linker script) using the flags
of ``../shared/ANCHORS.md``, and runs the ELF on the m4sim cycle estimator. Everything reported is
measured on the linked image or the emulated run:

* flash      = text + data of the ELF (vectors, startup, harness, fixed inputs, libc pieces included)
* arena      = size of the model's static ``arena`` symbol (it is part of bss)
* data+bss   = all static RAM of the image, arena included
* peak stack = stack painted and scanned by m4sim over the measured ``m_invoke()`` call
* cycles     = m4sim's estimate for the second (measured) ``m_invoke()`` call
* MACs       = the converter's count for the model

The optimized image must print exactly the outputs of the reference image, and both those of the
same model run on the host (``HostModel``; float outputs within the tests' tolerance against TFLM,
since newlib's libm differs from glibc's in the last bits; the kernels round every product, as the host
build does). Any other difference
is reported and makes the exit status non-zero. This is a measurement, not a test: no figure is
asserted.

    python benchmarks/run.py [--models a,b] [--skip person_detect] [--jobs N] [--m4sim PATH]
                             [--cflags "-ffp-contract=off"]

Writes benchmarks/RESULTS.md (markdown table and how it was measured) and benchmarks/results.json.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from platformio_tinyml.api import generate, library_dir  # noqa: E402
from platformio_tinyml.targets.hostrun import HostModel  # noqa: E402

MODELS = [
    "hello_world_float", "hello_world_int8", "micro_speech_quantized", "person_detect", "magic_wand",
    "keyword_scrambled", "keyword_scrambled_8bit", "mnist_lstm_float", "mnist_lstm_int8",
    "micro_speech_lstm", "dtln_noise_suppression", "simple_add_model", "audio_preprocessor_int8",
    "audio_preprocessor_float",
]
#: Stand-ins for the MLPerf Tiny reference models (benchmarks/models/, made by make_standins.py):
#: the best published Cortex-M4F result (silicon, NUCLEO-L4R5ZI at 120 MHz: cycles = latency x clock)
#: and our goal, 1.3x fewer cycles than that.
STANDINS = {
    "mlperf_kws_dscnn": (5_180_000, "X-CUBE-AI 9.0", 4_000_000),
    "mlperf_vww_mobilenet": (10_670_000, "X-CUBE-AI 9.0", 8_200_000),
    "mlperf_ic_resnet8": (19_800_000, "X-CUBE-AI 9.0", 15_200_000),
    "mlperf_ad_autoencoder": (486_000, "Plumerai", 370_000),
}
GOALS = {**STANDINS, "person_detect": (None, "", 7_900_000)}
MODELS = MODELS + list(STANDINS)


def model_path(name: str, models_dir: str) -> str:
    return str(HERE / "models" / f"{name}.tflite") if name in STANDINS else str(Path(models_dir) / f"{name}.tflite")
VARIANTS = {"reference": ["-DTML_FORCE_REFERENCE"], "optimized": [], "speed": []}
GEN_DIR = {"speed": "gen_speed"}  # the variants built from other generated C (optimize="speed") than gen/
CC = "arm-none-eabi-gcc"
CFLAGS = ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard", "-mthumb", "-Os",
          "-ffunction-sections", "-fdata-sections"]
LDFLAGS = ["-Wl,--gc-sections", "--specs=nano.specs"]
MAX_INSNS = 20_000_000_000
FLOAT_RTOL, FLOAT_ATOL = 1e-5, 1e-6


# ------------------------------------------------------------------ inputs

def seed0_inputs(specs) -> list:
    """Input data drawn as ../shared/models/MANIFEST.md and ANCHORS.md do (seed 0, inputs in order)."""
    rng = np.random.default_rng(0)
    out = []
    for dtype, shape in specs:
        dt = np.dtype(dtype)
        if dt == np.int8:
            a = rng.integers(-128, 128, shape)
        elif dt == np.uint8:
            a = rng.integers(0, 256, shape)
        elif dt == np.int16:
            a = rng.integers(-32768, 32768, shape)
        elif dt == np.int32:
            a = rng.integers(-1000, 1000, shape)
        else:
            a = rng.uniform(-1, 1, shape)
        out.append(a.astype(dt))
    return out


def io_header(inputs, output_bytes) -> str:
    lines = ["/* Written by benchmarks/run.py: fixed inputs (seed-0 random data) and output sizes. */",
             "#include <stdint.h>"]
    for i, a in enumerate(inputs):
        raw = np.ascontiguousarray(a).tobytes()
        lines.append(f"static const uint8_t bench_input{i}[{len(raw)}] __attribute__((aligned(16))) = {{")
        for k in range(0, len(raw), 24):
            lines.append("    " + ", ".join(f"0x{b:02x}" for b in raw[k:k + 24]) + ",")
        lines.append("};")
    n = len(inputs)
    lines.append(f"static const void *const bench_inputs[{n}] = {{"
                 + ", ".join(f"bench_input{i}" for i in range(n)) + "};")
    lines.append(f"static const uint32_t bench_input_bytes[{n}] = {{"
                 + ", ".join(f"sizeof bench_input{i}" for i in range(n)) + "};")
    lines.append(f"static const uint32_t bench_output_bytes[{len(output_bytes)}] = {{"
                 + ", ".join(f"{b}u" for b in output_bytes) + "};")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ one build + run

def run_cmd(cmd, **kw):
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if res.returncode != 0:
        raise RuntimeError(f"{shlex.join(map(str, cmd))} failed ({res.returncode}):\n"
                           + (res.stderr or res.stdout).strip()[-3000:])
    return res


def elf_sizes(elf: Path) -> dict:
    """text/data/bss (Berkeley) and the size of the static `arena` symbol."""
    out = run_cmd(["arm-none-eabi-size", "-B", "-d", str(elf)]).stdout.splitlines()[1].split()
    text, data, bss = map(int, out[:3])
    arena = 0
    for line in run_cmd(["arm-none-eabi-nm", "-S", str(elf)]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == "arena":
            arena = int(parts[1], 16)
    return dict(text=text, data=data, bss=bss, flash=text + data, data_bss=data + bss, arena=arena)


def bench_one(variant: str, work: Path, library: Path, m4sim: str, extra: list) -> dict:
    """Build and run one kernel variant of the model generated in ``work``; return its measurements."""
    t0 = time.monotonic()
    gen, target = work / GEN_DIR.get(variant, "gen"), Path(m4sim) / "target"
    elf = work / variant / "m.elf"
    elf.parent.mkdir(parents=True, exist_ok=True)
    cmd = [CC, *CFLAGS, *extra, *VARIANTS[variant], "-I", str(work), "-I", str(gen), "-I", str(library / "src"),
           "-I", str(target), str(HERE / "harness.c"), str(gen / "m.c"), str(target / "startup.c"),
           str(target / "syscalls.c"), "-T", str(target / "m4sim.ld"), *LDFLAGS, "-lm", "-o", str(elf)]
    run_cmd(cmd)
    sizes = elf_sizes(elf)
    t1 = time.monotonic()
    js = elf.with_suffix(".json")
    js.unlink(missing_ok=True)
    res = subprocess.run([sys.executable, m4sim, str(elf), "--func", "m_invoke", "--quiet",
                          "--max-insns", str(MAX_INSNS), "--json", str(js)], capture_output=True, text=True)
    t2 = time.monotonic()
    sim = json.loads(js.read_text()) if js.exists() else {}
    calls = [c for c in sim.get("calls", []) if c.get("func") == "m_invoke"]
    if res.returncode != 0 or len(calls) != 2:
        raise RuntimeError(f"m4sim run failed (exit {res.returncode}, stop {sim.get('stop_reason')}, "
                           f"program exit code {sim.get('exit_code')}, error {sim.get('error')}, "
                           f"{len(calls)} calls of m_invoke):\n{res.stdout[-2000:]}{res.stderr[-2000:]}")
    printed = dict(re.findall(r"^out(\d+) ([0-9a-f]*)$", sim.get("output", ""), re.M))
    return dict(**sizes, stack=calls[1]["stack_bytes"], cycles=calls[1]["cycles"], insns=calls[1]["insns"],
                warmup_cycles=calls[0]["cycles"], outputs=[printed.get(str(i), "") for i in range(len(printed))],
                build_s=round(t1 - t0, 1), sim_s=round(t2 - t1, 1), cmd=shlex.join(cmd))


def host_outputs(model_path: str, inputs: list) -> list:
    with HostModel(model_path, name="m", arch="reference") as hm:
        return [np.ascontiguousarray(o).tobytes().hex() for o in hm.run(inputs)]


def difference(ours: list, other: list, dtypes: list) -> tuple:
    """(largest absolute difference, whether every value is within the float tolerance) of two output sets."""
    worst, close = 0.0, True
    for o, h, dt in zip(ours, other, dtypes):
        if o == h:
            continue
        if len(o) != len(h):
            return float("inf"), False
        a = np.frombuffer(bytes.fromhex(o), dt).astype(np.float64)
        b = np.frombuffer(bytes.fromhex(h), dt).astype(np.float64)
        worst = max(worst, float(np.abs(a - b).max()))
        close = close and np.dtype(dt).kind == "f" and bool(
            (np.abs(a - b) <= np.maximum(FLOAT_ATOL, FLOAT_RTOL * np.abs(b))).all())
    if len(ours) != len(other):
        return float("inf"), False
    return worst, close


def check(row: dict, reference: dict, host, dtypes: list) -> str:
    """The outputs column: the optimized image must print exactly what the reference image prints, and both
    what the host prints. Float outputs may differ from the host within the tests' tolerance against TFLM
    (newlib's expf/tanhf differ from glibc's in the last bit)."""
    notes = []
    if row is not reference:
        d, _ = difference(row["outputs"], reference["outputs"], dtypes)
        if d:
            notes.append(f"MISMATCH vs reference kernels (max diff {d:.3g})")
    if not isinstance(host, list):
        notes.append("MISMATCH: no host run")
    else:
        d, close = difference(row["outputs"], host, dtypes)
        if d and close:
            notes.append(f"≤{d:.0e} off host (float)")
        elif d:
            notes.append(f"MISMATCH vs host (max diff {d:.3g})")
    return "; ".join(notes) or "ok"


def snapshot_library(dest: Path) -> str:
    """Copy library/src so that every build of one run uses the same kernels; return its short sha256."""
    src = library_dir() / "src"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest / "src")
    h = hashlib.sha256()
    for f in sorted((dest / "src").rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(dest)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def source_state() -> str:
    """The commit measured, and whether the generator or the library had uncommitted changes."""
    try:
        head = run_cmd(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]).stdout.strip()
        dirty = run_cmd(["git", "-C", str(REPO), "status", "--porcelain", "--", "library/src",
                         "platformio_tinyml"]).stdout.strip()
    except (RuntimeError, OSError):
        return "not a git checkout"
    return head + (" with uncommitted changes in library/src or platformio_tinyml" if dirty else "")


# ------------------------------------------------------------------ TFLM anchors

def read_anchors(path: Path) -> dict:
    """{(model, 'reference'|'CMSIS-NN'): {'flash': int, 'cycles': int}} from ANCHORS.md's model table."""
    found: dict = {}
    if not path.is_file():
        return found
    header = None
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            header = None
        elif cells[:2] == ["model", "kernels"]:
            header = cells
        elif header and not set(cells[0]) <= set("-: "):
            row = dict(zip(header, cells))
            num = lambda key: int(row[key].replace(",", ""))  # noqa: E731
            try:
                found[(row["model"].split()[0], row["kernels"])] = dict(
                    flash=num("flash B"), cycles=num("cycles per Invoke"))
            except (KeyError, ValueError):
                pass
    return found


# ------------------------------------------------------------------ report

def fmt(v) -> str:
    return "–" if v is None else f"{v:,}" if isinstance(v, int) else str(v)


def table(rows: list) -> str:
    head = ["model", "kernels", "flash B", "arena B", "data+bss B", "peak stack B", "RAM B", "cycles/invoke",
            "MACs", "MACs/cycle", "TFLM ref flash B", "TFLM ref cycles", "TFLM CMSIS-NN flash B",
            "TFLM CMSIS-NN cycles", "vs CMSIS-NN", "outputs", "sim s"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['model']} | {r['kernels']} | **FAILED** (see results.json) |" + " |" * (len(head) - 3))
            continue
        ref, cm = r.get("tflm_reference") or {}, r.get("tflm_cmsis_nn") or {}
        speed = f"{cm['cycles'] / r['cycles']:.2f}×" if cm and r["cycles"] else "–"
        mpc = f"{r['macs'] / r['cycles']:.3f}" if r["macs"] else "–"
        out.append("| " + " | ".join([
            r["model"], r["kernels"], fmt(r["flash"]), fmt(r["arena"]), fmt(r["data_bss"]), fmt(r["stack"]),
            fmt(r["data_bss"] + r["stack"]), fmt(r["cycles"]), fmt(r["macs"]), mpc,
            fmt(ref.get("flash")), fmt(ref.get("cycles")), fmt(cm.get("flash")), fmt(cm.get("cycles")), speed,
            f"**{r['check']}**" if "MISMATCH" in r["check"] else r["check"], fmt(r["sim_s"])]) + " |")
    return "\n".join(out)


def goals_table(rows: list) -> str:
    """The optimized rows of the models with a cycle goal, against the best published result; beside them
    the speed plan's cycles and arena where optimize="speed" plans otherwise."""
    head = ["model", "MACs", "cycles/invoke", "MACs/cycle", "best published (silicon)", "goal", "ours ÷ goal",
            "optimize speed: cycles (arena B)"]
    out = ["| " + " | ".join(head) + " |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    speed = {r["model"]: r for r in rows if r["kernels"] == "speed" and "error" not in r}
    for r in rows:
        if r["model"] not in GOALS or r["kernels"] != "optimized" or "error" in r:
            continue
        best, who, goal = GOALS[r["model"]]
        s = speed.get(r["model"])
        out.append("| " + " | ".join([
            r["model"], fmt(r["macs"]), fmt(r["cycles"]), f"{r['macs'] / r['cycles']:.3f}",
            f"{fmt(best)} ({who})" if best else "–", fmt(goal), f"{r['cycles'] / goal:.2f}",
            f"{fmt(s['cycles'])} ({fmt(s['arena'])})" if s else "same plan"]) + " |")
    return "\n".join(out)


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def readme_table(rows: list) -> str:
    """The README's shorter table (between its bench markers)."""
    head = ["model", "path", "flash B", "RAM B (arena + other data/bss + stack)", "cycles / invoke", "MACs / cycle",
            "TFLM reference: cycles / flash B", "TFLM + CMSIS-NN: cycles / flash B", "TFLM + CMSIS-NN cycles ÷ ours"]
    out = ["| " + " | ".join(head) + " |", "|---|---|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['model']} | {r['kernels']} | **FAILED** |" + " |" * (len(head) - 3))
            continue
        ref, cm = r.get("tflm_reference") or {}, r.get("tflm_cmsis_nn") or {}
        pair = lambda d: f"{fmt(d['cycles'])} / {fmt(d['flash'])}" if d else "–"  # noqa: E731
        out.append("| " + " | ".join([
            r["model"], r["kernels"], fmt(r["flash"]),
            f"{fmt(r['data_bss'] + r['stack'])} ({fmt(r['arena'])} + {fmt(r['data_bss'] - r['arena'])} + "
            f"{fmt(r['stack'])})", fmt(r["cycles"]), f"{r['macs'] / r['cycles']:.3f}" if r["macs"] else "–",
            pair(ref), pair(cm), f"{cm['cycles'] / r['cycles']:.2f}×" if cm and r["cycles"] else "–"]) + " |")
    return "\n".join(out)


def update_readme(readme: Path, rows: list) -> bool:
    """Replace the table between the README's bench markers; False when the markers are missing."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{readme_table(rows)}\n{README_END}{tail}", encoding="utf-8")
    return True


def how_measured(m4sim: str, extra: list) -> str:
    flags = " ".join(CFLAGS + extra + LDFLAGS)
    return f"""How measured: each model is converted with `generate(..., arch="cortex-m4")` and linked with
`benchmarks/harness.c` and m4sim's generic target (`target/startup.c`, `syscalls.c`, `m4sim.ld`: FPU
enabled, 1 MiB flash, 128 KiB SRAM) by `{CC} {flags} -lm`; the reference rows add
`-DTML_FORCE_REFERENCE`, the optimized rows let the library pick its Cortex-M4 path; the speed rows
are the optimized ones generated with `optimize="speed"` (every faster kernel keeps its arena scratch), for
the models where that changes the plan. The harness copies
fixed seed-0 random inputs (drawn as in `../shared/models/MANIFEST.md`) into the model, then calls
`m_reset()` and `m_invoke()` twice and prints the outputs. *flash* = text+data of the linked ELF (vectors,
startup, harness, the embedded inputs and the newlib pieces included, as in ANCHORS.md); *arena* = size of
the model's static arena (part of bss); *data+bss* = all static RAM; *peak stack* = stack used by the
measured `m_invoke()` (painted and scanned by m4sim); *RAM* = data+bss + peak stack. *cycles* = m4sim's
estimate for the second `m_invoke()`: a zero-wait-state Cortex-M4F with the Cortex-M4 TRM timings, P=2
(see `{m4sim}/README.md`). MACs are the converter's count. The TFLM columns come from `../shared/ANCHORS.md`
(TFLM 90b983c2 with its reference kernels and with CMSIS-NN, same estimator, flags and startup code);
*vs CMSIS-NN* = TFLM+CMSIS-NN cycles / our cycles (above 1: fewer cycles than TFLM+CMSIS-NN).
*outputs* = "ok" when the optimized image prints exactly the bytes the reference image prints and both equal
the same model generated with `arch="reference"`, compiled with the host compiler and run on the host. Float
outputs may differ from the host in the last bits (newlib's `expf`/`tanhf` against glibc's; the library's float
kernels switch off `a*b+c` contraction into VFMA, as the host build does with `-ffp-contract=off`): within the tests' tolerance
against TFLM (1e-5 relative or 1e-6 absolute) the column says by how much; anything else is a MISMATCH.
*sim s* = wall time of the m4sim run."""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", help="comma-separated subset (default: all): " + ",".join(MODELS))
    ap.add_argument("--variants", default=",".join(VARIANTS),
                    help="comma-separated kernel variants to measure (default: %(default)s)")
    ap.add_argument("--skip", default="", help="comma-separated models to leave out (e.g. slow ones)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel builds/runs")
    ap.add_argument("--m4sim", default=str(REPO.parent / "shared" / "tools" / "m4sim"),
                    help="m4sim directory (its target/ folder provides startup and linker script)")
    ap.add_argument("--models-dir", default=str(REPO.parent / "shared" / "models"))
    ap.add_argument("--anchors", default=str(REPO.parent / "shared" / "ANCHORS.md"))
    ap.add_argument("--cflags", default="", help="extra compiler flags for every image (e.g. -ffp-contract=off)")
    ap.add_argument("--out", default=str(HERE), help="where RESULTS.md and results.json go")
    a = ap.parse_args(argv)

    models = a.models.split(",") if a.models else list(MODELS)
    skip = set(filter(None, a.skip.split(",")))
    unknown = [m for m in models + list(skip) if m not in MODELS]
    if unknown:
        ap.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")
    models = [m for m in models if m not in skip]
    if not (Path(a.m4sim) / "__main__.py").is_file():
        ap.error(f"m4sim not found at {a.m4sim} (--m4sim)")
    anchors = read_anchors(Path(a.anchors))

    t0 = time.monotonic()
    build = HERE / "build"
    # one snapshot of the kernels and one generated C per model, shared by every build of this run
    # (the host builds find the snapshot through TINYML_LIBRARY)
    lib_sha = snapshot_library(build / "library")
    os.environ["TINYML_LIBRARY"] = str(build / "library")
    source = source_state()
    info: dict = {}
    speed_differs: dict = {}
    for m in models:
        path = model_path(m, a.models_dir)
        rep = generate(path, str(build / m / "gen"), name="m", arch="cortex-m4")
        inputs = seed0_inputs(rep.inputs)
        (build / m / "bench_io.h").write_text(
            io_header(inputs, [int(np.prod(sh)) * np.dtype(dt).itemsize for dt, sh in rep.outputs]))
        info[m] = dict(path=path, inputs=inputs, out_dtypes=[dt for dt, _ in rep.outputs], macs=rep.macs,
                       arena_planned=rep.arena_bytes, weight_bytes=rep.weight_bytes,
                       input_bytes=sum(x.nbytes for x in inputs))
        if "speed" in a.variants.split(","):  # measured where optimize="speed" plans otherwise
            generate(path, str(build / m / "gen_speed"), name="m", arch="cortex-m4", optimize="speed")
            speed_differs[m] = (build / m / "gen_speed" / "m.c").read_text() != (build / m / "gen" / "m.c").read_text()
    # most MACs first, so that the long runs (person_detect) start at once
    variants = [v for v in VARIANTS if v in a.variants.split(",")]
    if not variants:
        ap.error(f"--variants: choose from {', '.join(VARIANTS)}")
    measured = lambda m, v: v != "speed" or speed_differs.get(m, False)  # noqa: E731
    jobs = sorted(((m, v) for m in models for v in variants if measured(m, v)), key=lambda mv: -info[mv[0]]["macs"])
    runs: dict = {}
    extra = shlex.split(a.cflags)
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futs = {pool.submit(bench_one, v, build / m, build / "library", a.m4sim, extra): (m, v) for m, v in jobs}
        futs.update({pool.submit(host_outputs, info[m]["path"], info[m]["inputs"]): (m, "host") for m in models})
        for f in as_completed(futs):
            m, v = futs[f]
            try:
                runs[(m, v)] = f.result()
            except Exception as e:  # noqa: BLE001 -- report every failure, keep measuring the rest
                print(f"bench: {m} {v}: FAILED: {e}", file=sys.stderr)
                runs[(m, v)] = dict(error=str(e))
                continue
            if v != "host":
                r = runs[(m, v)]
                print(f"bench: {m:24} {v:10} {r['cycles']:>13,} cycles  flash {r['flash']:>9,} B  "
                      f"sim {r['sim_s']:.1f} s", file=sys.stderr)
    wall = time.monotonic() - t0

    rows, failures = [], []
    for m in models:
        for v in (v for v in variants if measured(m, v)):
            r = dict(model=m, kernels=v, **{k: x for k, x in info[m].items() if k not in ("path", "inputs")},
                     **runs[(m, v)])
            rows.append(r)
            if "error" in r:
                failures.append(f"{m} {v}: build or run failed")
                continue
            r["tflm_reference"] = anchors.get((m, "reference"))
            r["tflm_cmsis_nn"] = anchors.get((m, "CMSIS-NN"))
            ref = runs.get((m, "reference"), runs[(m, v)])
            r["check"] = check(runs[(m, v)], ref if "error" not in ref else runs[(m, v)], runs[(m, "host")],
                               info[m]["out_dtypes"])
            if "MISMATCH" in r["check"]:
                failures.append(f"{m} {v}: {r['check']}")
                r["host_outputs"] = runs[(m, "host")]
            else:  # keep the JSON small: a hash of the output bytes is enough to compare runs
                r["outputs_sha256"] = hashlib.sha256(b"".join(map(bytes.fromhex, r.pop("outputs")))).hexdigest()[:16]

    cc_version = run_cmd([CC, "--version"]).stdout.splitlines()[0]
    command = shlex.join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)])
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    md = "\n".join([
        "# Benchmark: generated C on a Cortex-M4F (m4sim estimate)", "",
        f"Command: `{command}` (`make bench` runs it)  ", f"Date: {date}  ", f"Compiler: {cc_version}  ",
        f"Source: {source}; kernel library snapshot sha256 {lib_sha}  ",
        f"Wall time: {wall:.0f} s with {a.jobs} parallel jobs", "",
        table(rows), "",
        *(["Cycle goals (MLPerf Tiny stand-ins: benchmarks/make_standins.py):", "", goals_table(rows), ""]
          if any(r["model"] in GOALS for r in rows) else []),
        how_measured(os.path.relpath(a.m4sim, REPO), extra), "",
        *(["**Failures:**", "", *(f"* {f}" for f in failures), ""] if failures else []),
    ])
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "RESULTS.md").write_text(md)
    (out / "results.json").write_text(json.dumps(dict(
        command=command, date=date, compiler=cc_version, source=source, library_sha256=lib_sha,
        cflags=CFLAGS + extra, ldflags=LDFLAGS, variants=VARIANTS,
        wall_s=round(wall, 1), jobs=a.jobs, results=rows, failures=failures), indent=1) + "\n")
    print(md)
    if not a.models and not skip and len(variants) == len(VARIANTS) and Path(a.out).resolve() == HERE.resolve() and not failures:
        if update_readme(REPO / "README.md", rows):     # a full run updates the README's table too
            print("bench: README.md table updated")
    if failures:
        print("\nbench: FAILED: " + "; ".join(failures), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

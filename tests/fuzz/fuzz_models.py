"""Structure-aware fuzzing of the converter: mutated .tflite models through ``api.generate``.

    python tests/fuzz/fuzz_models.py --seed 1 --seconds 60 --jobs 2            # the short run (make test)
    python tests/fuzz/fuzz_models.py --seed 1 --count 100000 --jobs 2 --out build/fuzz   # the long run

Each input is one of the models in ../shared/models and tests/models with 1-3 mutations: a field the
reader reads (vector lengths, offsets, tensor/buffer/opcode indices, shapes, types, scales, zero points,
every scalar of the builtin-options tables; found by walking the flatbuffer's vtables) set to
0, -1, 1, a huge value, INT32_MIN/MAX or a random one; or byte flips, a run of equal bytes, truncation.
Input k of seed s depends on (s, k) only, so a run is reproducible whatever ``--jobs``.

Outcomes: converted (its .c then compiled with gcc -std=c99 -Wall -Wextra -Werror -c; ``--compile``
gives the fraction compiled, 1.0 by default), refused (a TinymlError: one line for the user), internal
(any other exception), timeout (``--timeout`` s, 10), crash (the worker died; RLIMIT_AS 4 GiB), and
compile (the generated C did not compile). Each failing input is saved under ``--out`` with a
one-line reason (the first 3 per signature); the exit status is 1 if any failed.
"""
from __future__ import annotations

import argparse
import collections
import glob
import multiprocessing as mp
import os
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from multiprocessing.connection import wait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
MODEL_DIRS = [os.path.join(os.path.dirname(ROOT), "shared", "models"), os.path.join(ROOT, "tests", "models")]
ARCHES = ("reference", "portable", "cortex-m4", "xtensa", "arc-em")
MEMORY = 4 * 1024**3
FAILURES = ("internal", "timeout", "crash", "compile")


# ---- where the fields are: (byte position, width, kind 'i' integer / 'f' float) -------------------------

def _table_fields(buf, pos, out):
    """Every field present in the table at ``pos`` (its width guessed from the next field, at most 8)."""
    vt = pos - struct.unpack_from("<i", buf, pos)[0]
    vlen, tlen = struct.unpack_from("<HH", buf, vt)
    offs = sorted({o for o in struct.unpack_from(f"<{(vlen - 4) // 2}H", buf, vt + 4) if o})
    for a, b in zip(offs, offs[1:] + [tlen]):
        out.append((pos + a, min(max(b - a, 1), 8), "i"))


def _vector(tab, slot, width, out, kind="i", items=32):
    o = tab.Offset(slot)
    if not o:
        return 0
    start, n = tab.Vector(o), tab.VectorLen(o)
    out.append((start - 4, 4, "i"))  # the length
    for k in range(min(n, items)):
        out.append((start + k * width, width, kind))
    return n


def fields(data: bytes) -> list:
    """The fields of ``data`` the reader reads, by walking the model with the ``tflite`` package."""
    import tflite
    buf = bytearray(data)
    m = tflite.Model.GetRootAsModel(buf, 0)
    out: list = []
    _table_fields(buf, m._tab.Pos, out)
    for sgi in range(m.SubgraphsLength()):
        sg = m.Subgraphs(sgi)
        _table_fields(buf, sg._tab.Pos, out)
        for slot in (6, 8):  # inputs, outputs
            _vector(sg._tab, slot, 4, out)
        for ti in range(sg.TensorsLength()):
            t = sg.Tensors(ti)
            _table_fields(buf, t._tab.Pos, out)
            _vector(t._tab, 4, 4, out)  # shape
            q = t.Quantization()
            if q is not None:
                _table_fields(buf, q._tab.Pos, out)
                _vector(q._tab, 8, 4, out, "f")   # scale
                _vector(q._tab, 10, 8, out)       # zero_point
        for oi in range(sg.OperatorsLength()):
            op = sg.Operators(oi)
            _table_fields(buf, op._tab.Pos, out)
            for slot in (6, 8, 20):  # inputs, outputs, intermediates
                _vector(op._tab, slot, 4, out)
            opt = op.BuiltinOptions()
            if opt is not None:
                _table_fields(buf, opt.Pos, out)
    for bi in range(m.BuffersLength()):
        b = m.Buffers(bi)
        _table_fields(buf, b._tab.Pos, out)
        _vector(b._tab, 4, 1, out, items=0)
    for ci in range(m.OperatorCodesLength()):
        _table_fields(buf, m.OperatorCodes(ci)._tab.Pos, out)
    return [f for f in out if f[0] + f[1] <= len(data)]


# ---- mutation --------------------------------------------------------------------------------------------

def _int_value(rng, width):
    bits = 8 * width
    return rng.choice([0, -1, 1, 2, 3, 7, 255, 2**15, 2**16, 2**24, 2**31 - 1, -2**31, 2**(bits - 1) - 1,
                       -2**(bits - 1), rng.randrange(-2**(bits - 1), 2**(bits - 1)), rng.randrange(-8, 64)])


def _float_value(rng):
    return rng.choice([0.0, -1.0, 1.0, float("nan"), float("inf"), -float("inf"), 1e30, 1e-30, 1e-45,
                       3.4e38, 2.0**-32, 2.0**31, rng.uniform(-10, 10)])


def mutate(data: bytes, flds: list, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if not buf:  # truncated to nothing
            break
        r = rng.random()
        if r < 0.75 and flds:
            pos, width, kind = rng.choice(flds)
            if pos + width > len(buf):  # cut off by an earlier truncation
                continue
            if kind == "f":
                struct.pack_into("<f", buf, pos, _float_value(rng))
            else:
                v = _int_value(rng, width) % (1 << (8 * width))
                buf[pos:pos + width] = v.to_bytes(width, "little")
        elif r < 0.88:
            for _ in range(rng.randint(1, 4)):
                buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        elif r < 0.97:
            p = rng.randrange(len(buf))
            n = rng.randint(1, 16)
            buf[p:p + n] = bytes([rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))]) * len(buf[p:p + n])
        else:
            buf = buf[:rng.randrange(len(buf))]
    return bytes(buf)


def load_models() -> list:
    paths = sorted(p for d in MODEL_DIRS for p in glob.glob(os.path.join(d, "*.tflite")))
    out = []
    for p in paths:
        data = open(p, "rb").read()
        try:
            out.append((os.path.basename(p), data, fields(data)))
        except Exception:
            out.append((os.path.basename(p), data, []))
    return out


def make_input(models, seed: int, k: int):
    """Input ``k`` of ``seed``: (model name, bytes, arch, compile it?) depending on (seed, k) only."""
    rng = random.Random(f"{seed}:{k}")
    name, data, flds = models[rng.randrange(len(models))]
    return name, mutate(data, flds, rng), rng.choice(ARCHES), rng.random()


# ---- running ---------------------------------------------------------------------------------------------

def _signature(e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    ours = [f for f in tb if "platformio_tinyml" in f.filename] or tb
    f = ours[-1] if ours else None
    where = f"{os.path.relpath(f.filename, ROOT)}:{f.lineno}" if f else "?"
    return f"{type(e).__name__} at {where}"


def run_one(data: bytes, arch: str, compile_it: bool, tmp: str):
    """(outcome, signature, detail) of converting ``data``; in a worker."""
    from platformio_tinyml import api
    from platformio_tinyml.errors import TinymlError
    path = os.path.join(tmp, "fuzz.tflite")
    with open(path, "wb") as f:
        f.write(data)
    out = os.path.join(tmp, "out")
    shutil.rmtree(out, ignore_errors=True)
    try:
        api.generate(path, out, name="fuzz", arch=arch)
    except TinymlError as e:
        msg = str(e)
        if "\n" in msg or not msg.startswith("fuzz.tflite: "):
            return "internal", "TinymlError not one line naming the model", msg[:300]
        return "refused", "", msg[:300]
    except Exception as e:  # noqa: BLE001 - what the fuzzer looks for
        return "internal", _signature(e), f"{type(e).__name__}: {e}"[:300]
    if not compile_it:
        return "converted", "", ""
    inc = os.path.join(ROOT, "library", "src")
    res = subprocess.run(["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I", inc, "-c",
                          os.path.join(out, "fuzz.c"), "-o", os.path.join(tmp, "fuzz.o")],
                         capture_output=True, text=True)
    if res.returncode:
        err = next((ln for ln in res.stderr.splitlines() if "error" in ln), res.stderr[:200])
        sig = err.split("error:", 1)[-1].strip()
        sig = re.sub(r"-?\d+", "N", sig)[:120]
        return "compile", f"compile: {sig}", err[:300]
    return "compiled", "", ""


def _worker(conn):
    import warnings
    warnings.simplefilter("ignore")  # numpy's overflow warnings for absurd parameters: the outcome tells
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    with tempfile.TemporaryDirectory(prefix="tinyml-fuzz-") as tmp:
        while True:
            job = conn.recv()
            if job is None:
                return
            conn.send(run_one(*job, tmp))


class Pool:
    """``jobs`` worker processes (forked, the converter imported once); a hung or dead one is replaced."""

    def __init__(self, jobs):
        self.ctx = mp.get_context("fork")
        self.slots = [self._start() for _ in range(jobs)]

    def _start(self):
        a, b = self.ctx.Pipe()
        p = self.ctx.Process(target=_worker, args=(b,), daemon=True)
        p.start()
        b.close()
        return {"proc": p, "conn": a, "job": None, "t0": 0.0}

    def restart(self, i):
        s = self.slots[i]
        s["proc"].kill()
        s["proc"].join()
        s["conn"].close()
        self.slots[i] = self._start()

    def close(self):
        for s in self.slots:
            s["proc"].kill()
            s["proc"].join()


def fuzz(seed=1, count=None, seconds=None, jobs=2, timeout=10.0, compile_fraction=1.0, out=None, echo=print):
    """Run the fuzzer; returns (tried, outcome counts, {signature: [count, example detail]})."""
    from platformio_tinyml import api  # noqa: F401 - imported once, before the workers fork
    models = load_models()
    pool = Pool(jobs)
    counts: collections.Counter = collections.Counter()
    sigs: dict = {}
    k = tried = 0
    end = time.monotonic() + seconds if seconds else None
    last = time.monotonic()

    def record(job_k, job, outcome, sig, detail):
        nonlocal tried
        tried += 1
        counts[outcome] += 1
        if outcome not in FAILURES:
            return
        sig = sig or outcome
        entry = sigs.setdefault(sig, [0, f"input {job_k} ({job[0]}, {job[2]}): {detail}"])
        entry[0] += 1
        if out and entry[0] <= 3:
            os.makedirs(out, exist_ok=True)
            base = os.path.join(out, f"{outcome}-s{seed}-{job_k}")
            with open(base + ".tflite", "wb") as f:
                f.write(job[1])
            with open(base + ".txt", "w") as f:
                f.write(f"{outcome}: {sig}: {job[0]} arch={job[2]}: {detail}".replace("\n", " ") + "\n")

    try:
        while True:
            more = (count is None or k < count) and (end is None or time.monotonic() < end)
            for i, s in enumerate(pool.slots):
                if s["job"] is None and more:
                    job = make_input(models, seed, k)
                    s["job"], s["k"], s["t0"] = job, k, time.monotonic()
                    s["conn"].send((job[1], job[2], job[3] < compile_fraction))
                    k += 1
            busy = [s for s in pool.slots if s["job"] is not None]
            if not busy:
                break
            ready = wait([s["conn"] for s in busy] + [s["proc"].sentinel for s in busy], timeout=0.5)
            now = time.monotonic()
            for i, s in enumerate(pool.slots):
                if s["job"] is None:
                    continue
                if s["conn"] in ready or s["proc"].sentinel in ready:
                    try:
                        res = s["conn"].recv()
                    except (EOFError, OSError):
                        code = s["proc"].exitcode
                        record(s["k"], s["job"], "crash", f"crash (exit {code})", f"worker died, exit {code}")
                        pool.restart(i)
                        continue
                    record(s["k"], s["job"], *res)
                    s["job"] = None
                elif now - s["t0"] > timeout:
                    record(s["k"], s["job"], "timeout", "timeout", f"no result within {timeout} s")
                    pool.restart(i)
            if echo and time.monotonic() - last > 30:
                last = time.monotonic()
                echo(f"fuzz: {tried} inputs, {dict(counts)}", flush=True)
    finally:
        pool.close()
    return tried, counts, sigs


def report(tried, counts, sigs, elapsed) -> str:
    lines = [f"fuzz: {tried} inputs in {elapsed:.0f} s: " +
             ", ".join(f"{counts[o]} {o}" for o in ("compiled", "converted", "refused") + FAILURES)]
    for sig, (n, example) in sorted(sigs.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"  {n:6d}  {sig}\n          e.g. {example}")
    if not sigs:
        lines.append("  no internal error, timeout, crash or compile failure")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, help="inputs to try (default: until --seconds)")
    ap.add_argument("--seconds", type=float, help="stop starting inputs after this long")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    ap.add_argument("--compile", type=float, default=1.0, dest="compile_fraction",
                    help="fraction of converted models whose C is compiled (default 1.0: all)")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "fuzz"), help="where failing inputs go")
    a = ap.parse_args(argv)
    if a.count is None and a.seconds is None:
        a.count = 1000
    t0 = time.monotonic()
    tried, counts, sigs = fuzz(a.seed, a.count, a.seconds, a.jobs, a.timeout, a.compile_fraction, a.out)
    print(report(tried, counts, sigs, time.monotonic() - t0))
    return 1 if sigs else 0


if __name__ == "__main__":
    sys.exit(main())

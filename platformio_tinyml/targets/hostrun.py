"""Compile generated C with the host compiler and run it (``tinyml run --target host``).

This executes the generated C and the kernel library, never a Python model of the graph.
The harness reads each input's raw bytes from a file, invokes once, writes each output's
raw bytes to a file.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..api import convert, library_dir, write_atomically
from ..errors import TinymlError

HOST_CFLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off"]

_HARNESS = r"""/* Host harness: {name}_invoke() on inputs read from files, outputs written to files. */
#include <stdio.h>
#include "{name}.h"

static int load(const char *path, void *buf, unsigned long bytes)
{{
    FILE *f = fopen(path, "rb");
    unsigned long n;
    if (!f) return 1;
    n = (unsigned long)fread(buf, 1, bytes, f);
    fclose(f);
    return n != bytes;
}}

static int save(const char *path, const void *buf, unsigned long bytes)
{{
    FILE *f = fopen(path, "wb");
    unsigned long n;
    if (!f) return 1;
    n = (unsigned long)fwrite(buf, 1, bytes, f);
    fclose(f);
    return n != bytes;
}}

int main(int argc, char **argv)
{{
    const tml_model *m = &{name}_model;
    int i, rc;
    if (argc != 1 + m->input_count + m->output_count) {{
        fprintf(stderr, "usage: %s IN... OUT...\n", argv[0]);
        return 2;
    }}
    for (i = 0; i < m->input_count; i++) {{
        if (load(argv[1 + i], m->input(i), m->inputs[i].bytes)) {{
            fprintf(stderr, "cannot read input %d from %s\n", i, argv[1 + i]);
            return 2;
        }}
    }}
    rc = m->invoke();
    if (rc != 0) {{
        fprintf(stderr, "invoke failed: %d\n", rc);
        return 3;
    }}
    for (i = 0; i < m->output_count; i++) {{
        if (save(argv[1 + m->input_count + i], m->output(i), m->outputs[i].bytes)) return 2;
    }}
    return 0;
}}
"""


class HostModel:
    """A model compiled for the host: call :meth:`run` with numpy inputs as often as you like."""

    def __init__(self, model_path: str, name: str = "model", cc: str | None = None, arch: str = "reference",
                 cflags: list | None = None, workdir: str | None = None):
        self.model_path = str(model_path)
        self.name = name
        self.prog, files = convert(self.model_path, name, arch)
        self._tmp = None
        if workdir is None:
            self._tmp = tempfile.mkdtemp(prefix="tinyml-run-")
            workdir = self._tmp
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        write_atomically(files, str(self.dir / "gen"))
        (self.dir / "main.c").write_text(_HARNESS.format(name=name))
        cc = cc or os.environ.get("CC") or "cc"
        if shutil.which(cc) is None:
            raise TinymlError(f"host C compiler '{cc}' not found; install gcc or set CC")
        self.exe = self.dir / "model_host"
        cmd = [cc, *HOST_CFLAGS, *(cflags or []), "-I", str(library_dir() / "src"), "-I", str(self.dir / "gen"),
               str(self.dir / "gen" / f"{name}.c"), str(self.dir / "main.c"), "-o", str(self.exe), "-lm"]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            raise TinymlError(f"{os.path.basename(self.model_path)}: compiling the generated C failed:\n"
                              + res.stderr.strip())
        g = self.prog.graph
        self.inputs = [g.tensors[t] for t in g.inputs]
        self.outputs = [g.tensors[t] for t in g.outputs]

    def run(self, inputs: list) -> list:
        if len(inputs) != len(self.inputs):
            raise TinymlError(f"the model has {len(self.inputs)} inputs, {len(inputs)} given")
        args = []
        with tempfile.TemporaryDirectory(prefix="tinyml-io-") as io:
            for i, (arr, t) in enumerate(zip(inputs, self.inputs)):
                arr = np.asarray(arr)
                if arr.dtype != t.np_dtype:
                    raise TinymlError(f"input {i} must be {t.dtype}, got {arr.dtype}")
                if arr.size != t.size:
                    raise TinymlError(f"input {i} must have shape {list(t.shape)}, got {list(arr.shape)}")
                p = os.path.join(io, f"in{i}.bin")
                np.ascontiguousarray(arr).tofile(p)
                args.append(p)
            outs = [os.path.join(io, f"out{i}.bin") for i in range(len(self.outputs))]
            res = subprocess.run([str(self.exe), *args, *outs], capture_output=True, text=True)
            if res.returncode != 0:
                raise TinymlError(f"the compiled model failed (exit {res.returncode}): {res.stderr.strip()}")
            return [np.fromfile(p, dtype=t.np_dtype).reshape(t.shape) for p, t in zip(outs, self.outputs)]

    def close(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

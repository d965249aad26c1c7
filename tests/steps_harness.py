"""Several invokes of one compiled model, and of one TFLM interpreter, for operators with state.

HostModel runs each set of inputs in a process of its own (state starts from zero every time); here
the generated C is built with a harness that invokes once per set of inputs in one process (and,
when asked, calls NAME_reset() before one of them), and TFLM's interpreter is invoked as often.
"""
from __future__ import annotations

import os
import subprocess
import tempfile

import numpy as np

_STEPS = r"""/* Host harness: one invoke per set of input files; "-" as an input file name resets first. */
#include <stdio.h>
#include <string.h>
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
    const int per = 1 + m->input_count + m->output_count;
    int s, i;
    if ((argc - 1) % per) return 2;
    for (s = 0; s < (argc - 1) / per; s++) {{
        char **a = argv + 1 + s * per;
        if (strcmp(a[0], "reset") == 0) m->reset();
        for (i = 0; i < m->input_count; i++) {{
            if (load(a[1 + i], m->input(i), m->inputs[i].bytes)) return 2;
        }}
        if (m->invoke() != 0) return 3;
        for (i = 0; i < m->output_count; i++) {{
            if (save(a[1 + m->input_count + i], m->output(i), m->outputs[i].bytes)) return 2;
        }}
    }}
    return 0;
}}
"""


def host_steps(hm, steps: list, reset_at: tuple = ()) -> list:
    """Outputs of every invoke of the HostModel ``hm``'s C, run on ``steps`` (lists of inputs) in one process;
    NAME_reset() is called before the steps whose index is in ``reset_at``."""
    from platformio_tinyml.api import library_dir
    from platformio_tinyml.targets.hostrun import HOST_CFLAGS
    exe = hm.dir / "model_steps"
    if not exe.exists():
        (hm.dir / "steps.c").write_text(_STEPS.format(name=hm.name))
        cmd = [os.environ.get("CC") or "cc", *HOST_CFLAGS, "-I", str(library_dir() / "src"), "-I", str(hm.dir / "gen"),
               str(hm.dir / "gen" / f"{hm.name}.c"), str(hm.dir / "steps.c"), "-o", str(exe), "-lm"]
        res = subprocess.run(cmd, capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
    with tempfile.TemporaryDirectory(prefix="tinyml-steps-") as io:
        args, outs = [], []
        for s, inputs in enumerate(steps):
            args.append("reset" if s in reset_at else "go")
            for i, arr in enumerate(inputs):
                p = os.path.join(io, f"s{s}_in{i}.bin")
                np.ascontiguousarray(arr, dtype=hm.inputs[i].np_dtype).tofile(p)
                args.append(p)
            names = [os.path.join(io, f"s{s}_out{k}.bin") for k in range(len(hm.outputs))]
            args += names
            outs.append(names)
        res = subprocess.run([str(exe), *args], capture_output=True, text=True)
        assert res.returncode == 0, f"exit {res.returncode}: {res.stderr}"
        return [[np.fromfile(p, dtype=t.np_dtype).reshape(t.shape) for p, t in zip(names, hm.outputs)]
                for names in outs]


def tflm_steps(model_path: str, steps: list, reset_at: tuple = ()) -> list:
    """The same invokes on one TFLM interpreter (reset() before the steps in ``reset_at``)."""
    from tflite_micro.python.tflite_micro import runtime
    from platformio_tinyml.read.reader import read_model
    ip = runtime.Interpreter.from_file(str(model_path), arena_size=2 * 1024 * 1024)
    count = len(read_model(str(model_path)).outputs)
    result = []
    for s, inputs in enumerate(steps):
        if s in reset_at:
            ip.reset()
        for i, a in enumerate(inputs):
            ip.set_input(a, i)
        ip.invoke()
        result.append([np.array(ip.get_output(k)) for k in range(count)])
    return result

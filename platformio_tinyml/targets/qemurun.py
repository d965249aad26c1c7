"""Cross-compile generated C for a Cortex-M4F and run it under QEMU (``tinyml run --target cortex-m4``).

The model and the kernel library are compiled once with ``arm-none-eabi-gcc`` for the Cortex-M4 (the
library picks its Armv7E-M path from the compiler's macros, as on a board), with the FPU ABI asked for
(``hard``, or ``soft`` as PlatformIO uses on the Nano 33 BLE). Each :meth:`QemuModel.run` links a small
program that holds the inputs as arrays, invokes once and prints every output byte in hex; QEMU's
``mps2-an386`` machine runs it, with the start-up code and semihosting of the project's emulated board
(``platform/tinyml-emulator``).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..api import convert, library_dir, write_atomically
from ..emit.cfmt import c_array_values
from ..errors import TinymlError

CPU = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16"]
CFLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-ffunction-sections",
          "-fdata-sections"]
FLOAT_ABIS = ("hard", "soft")
QEMU = ["qemu-system-arm", "-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none",
        "-serial", "none", "-chardev", "stdio,id=sh0", "-semihosting-config", "enable=on,target=native,chardev=sh0"]

_HARNESS = r"""/* Cortex-M4 harness: {name}_invoke() on built-in inputs, outputs printed in hex. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "{name}.h"

{arrays}
static const void *const inputs[] = {{{input_list}}};

int main(void)
{{
    const tml_model *m = &{name}_model;
    int i, rc;
    uint32_t k;
    for (i = 0; i < m->input_count; i++) memcpy(m->input(i), inputs[i], m->inputs[i].bytes);
    rc = m->invoke();
    if (rc != 0) {{
        printf("invoke failed: %d\n", rc);
        return 3;
    }}
    for (i = 0; i < m->output_count; i++) {{
        const uint8_t *b = (const uint8_t *)m->output(i);
        printf("out%d:", i);
        for (k = 0; k < m->outputs[i].bytes; k++) printf("%02x", b[k]);
        printf("\n");
    }}
    return 0;
}}
"""


def emulator_dir() -> Path:
    """The emulated board's start-up code and linker script (platform/tinyml-emulator)."""
    cand = library_dir().parent / "platform" / "tinyml-emulator"
    if not (cand / "runtime" / "startup.c").is_file():
        raise TinymlError(f"the cortex-m4 target needs the project's emulated board files ({cand} is missing)")
    return cand


def missing_tools() -> list:
    return [t for t in ("arm-none-eabi-gcc", "qemu-system-arm") if shutil.which(t) is None]


def clang_arm() -> list:
    """clang as a Cortex-M compiler: the Arm target, with newlib's headers of the GCC installation."""
    res = subprocess.run(["arm-none-eabi-gcc", "-print-sysroot"], capture_output=True, text=True)
    inc = Path(res.stdout.strip() or "/usr/lib/arm-none-eabi") / "include"
    if not (inc / "stdio.h").is_file():
        inc = Path("/usr/lib/arm-none-eabi/include")
    return ["clang", "--target=arm-none-eabi", "-isystem", str(inc)]


def run_program(sources: list, workdir: str, float_abi: str = "hard", cflags: list = (), timeout: float = 600,
                cc: list = ("arm-none-eabi-gcc",), linker: str = "arm-none-eabi-gcc"):
    """Compile C sources with the kernel library for the Cortex-M4F, run under QEMU: (exit code, stdout).

    ``cc`` compiles (another GCC, or :func:`clang_arm`), ``linker`` links with newlib-nano."""
    emu = emulator_dir()
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    flags = [*CPU, f"-mfloat-abi={float_abi}", *CFLAGS, *cflags, "-I", str(library_dir() / "src"),
             "-I", str(emu / "runtime")]
    elf = work / "program.elf"
    srcs = [*map(str, sources), str(emu / "runtime" / "startup.c"), str(emu / "runtime" / "semihost.c")]
    objs = []
    for i, src in enumerate(srcs):
        objs.append(str(work / f"{i}_{Path(src).stem}.o"))
        res = subprocess.run([*cc, *flags, "-c", src, "-o", objs[-1]], capture_output=True, text=True)
        if res.returncode != 0:
            raise TinymlError(f"compiling {Path(src).name} for the Cortex-M4 failed:\n{res.stderr.strip()}")
    res = subprocess.run([linker, *objs, *CPU, f"-mfloat-abi={float_abi}",
                          "-T", str(emu / "ldscripts" / "mps2_an386.ld"), "-Wl,--gc-sections", "--specs=nano.specs",
                          "--specs=nosys.specs", "-lm", "-o", str(elf)], capture_output=True, text=True)
    if res.returncode != 0:
        raise TinymlError(f"linking for the Cortex-M4 failed:\n{res.stderr.strip()}")
    res = subprocess.run([*QEMU, "-kernel", str(elf)], capture_output=True, text=True, timeout=timeout)
    return res.returncode, res.stdout


class QemuModel:
    """A model compiled for the Cortex-M4F: :meth:`run` executes it under QEMU."""

    def __init__(self, model_path: str, name: str = "model", arch: str = "cortex-m4", float_abi: str = "hard",
                 cflags: list | None = None, workdir: str | None = None, timeout: float = 600,
                 gcc: str = "arm-none-eabi-gcc", optimize: str = "ram"):
        if float_abi not in FLOAT_ABIS:
            raise TinymlError(f"float ABI '{float_abi}' is not known; use {' or '.join(FLOAT_ABIS)}")
        missing = missing_tools()
        if missing:
            raise TinymlError(f"the cortex-m4 target needs {', '.join(missing)} "
                              "(apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)")
        self.model_path, self.name, self.timeout, self.gcc = str(model_path), name, timeout, gcc
        self.prog, files = convert(self.model_path, name, arch, optimize=optimize)
        self._tmp = None
        if workdir is None:
            self._tmp = tempfile.mkdtemp(prefix="tinyml-m4-")
            workdir = self._tmp
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        write_atomically(files, str(self.dir / "gen"))
        emu = emulator_dir()
        self.flags = [*CPU, f"-mfloat-abi={float_abi}", *CFLAGS, *(cflags or []),
                      "-I", str(library_dir() / "src"), "-I", str(self.dir / "gen"), "-I", str(emu / "runtime")]
        self.ldflags = [*CPU, f"-mfloat-abi={float_abi}", "-T", str(emu / "ldscripts" / "mps2_an386.ld"),
                        "-Wl,--gc-sections", "--specs=nano.specs", "--specs=nosys.specs", "-lm"]
        self.objects = []
        for src in (self.dir / "gen" / f"{name}.c", emu / "runtime" / "startup.c", emu / "runtime" / "semihost.c"):
            obj = self.dir / (src.stem + ".o")
            self._cc([*self.flags, "-c", str(src), "-o", str(obj)], f"compiling {src.name}")
            self.objects.append(obj)
        g = self.prog.graph
        self.inputs = [g.tensors[t] for t in g.inputs]
        self.outputs = [g.tensors[t] for t in g.outputs]

    def _cc(self, args: list, what: str) -> None:
        res = subprocess.run([self.gcc, *args], capture_output=True, text=True)
        if res.returncode != 0:
            raise TinymlError(f"{Path(self.model_path).name}: {what} for the Cortex-M4 failed:\n{res.stderr.strip()}")

    def run(self, inputs: list) -> list:
        if len(inputs) != len(self.inputs):
            raise TinymlError(f"the model has {len(self.inputs)} inputs, {len(inputs)} given")
        arrays, names = [], []
        for i, (arr, t) in enumerate(zip(inputs, self.inputs)):
            arr = np.asarray(arr)
            if arr.dtype != t.np_dtype or arr.size != t.size:
                raise TinymlError(f"input {i} must be {t.dtype} with shape {list(t.shape)}, "
                                  f"got {arr.dtype} with shape {list(arr.shape)}")
            body = "\n".join(c_array_values(arr.reshape(-1), t.ctype))
            arrays.append(f"static const {t.ctype} in{i}[{max(arr.size, 1)}] = {{\n{body}\n}};")
            names.append(f"in{i}")
        main = self.dir / "main.c"
        main.write_text(_HARNESS.format(name=self.name, arrays="\n".join(arrays), input_list=", ".join(names)))
        elf = self.dir / "model.elf"
        self._cc([*self.flags, str(main), *map(str, self.objects), *self.ldflags, "-o", str(elf)], "linking")
        try:
            res = subprocess.run([*QEMU, "-kernel", str(elf)], capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise TinymlError(f"{Path(self.model_path).name}: no result from QEMU after {self.timeout:.0f} s") from None
        if res.returncode != 0:
            raise TinymlError(f"{Path(self.model_path).name}: the firmware failed under QEMU (exit {res.returncode}): "
                              + (res.stdout + res.stderr).strip()[-500:])
        found = {}
        for line in res.stdout.splitlines():
            if line.startswith("out") and ":" in line:
                key, _, hexes = line.partition(":")
                found[int(key[3:])] = bytes.fromhex(hexes.strip())
        outs = []
        for i, t in enumerate(self.outputs):
            if i not in found or len(found[i]) != t.nbytes:
                raise TinymlError(f"{Path(self.model_path).name}: output {i} missing from the firmware's output")
            outs.append(np.frombuffer(found[i], dtype=t.np_dtype).reshape(t.shape).copy())
        return outs

    def close(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

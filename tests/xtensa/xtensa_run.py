"""Build C test programs for an Xtensa core and run them under QEMU.

The programs are compiled with Debian's ``xtensa-lx106-elf-gcc`` (ESP8266 core: CALL0 ABI, no FPU, no
divide instructions) together with this folder's start-up code, little C library and integer helpers,
linked for QEMU's ``sim`` machine, and run on ``qemu-system-xtensa -M sim -cpu lx106 -semihosting``:
``printf`` goes to QEMU's standard output and ``main``'s return value becomes QEMU's exit status.
An unexpected exception (an unaligned load, say) prints ``xtensa fault: ...`` and exits with 99.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIBRARY_SRC = os.path.join(ROOT, "library", "src")

GCC = "xtensa-lx106-elf-gcc"
QEMU = "qemu-system-xtensa"
SETUP_HINT = "python tools/setup_offline_pio.py --apt --test-tools"

WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-Werror"]
TARGET = ["-ffreestanding", "-mtext-section-literals", "-ffunction-sections", "-fdata-sections"]
# the run-time support is built the same way whatever the program under test asks for
RUNTIME = [os.path.join(HERE, "start.S"), os.path.join(HERE, "libc.c"), os.path.join(HERE, "intops.c")]
RUNTIME_CFLAGS = ["-O2"]
QEMU_ARGS = [QEMU, "-M", "sim", "-cpu", "lx106", "-semihosting", "-display", "none", "-monitor", "none",
             "-serial", "none", "-no-reboot"]
EXIT_FAULT = 99  # xt_fault(): an exception nobody expects
EXIT_TIMEOUT = 124  # coreutils timeout


class XtensaError(Exception):
    pass


def missing_tools() -> list:
    return [t for t in (GCC, QEMU) if shutil.which(t) is None]


def require_tools() -> None:
    missing = missing_tools()
    if missing:
        raise XtensaError(f"{' and '.join(missing)} not found: run {SETUP_HINT}")


def _cc(args: list, what: str) -> None:
    res = subprocess.run([GCC, *args], capture_output=True, text=True)
    if res.returncode != 0:
        raise XtensaError(f"{what} for the Xtensa lx106 failed:\n{res.stderr.strip()}")


def build(sources: list, workdir: str, cflags: list = ("-O2",), include_dirs: list = ()) -> str:
    """Compile and link ``sources`` with the run-time support; the ELF file's path."""
    require_tools()
    os.makedirs(workdir, exist_ok=True)
    incs = [a for d in [*include_dirs, os.path.join(HERE, "include"), LIBRARY_SRC] for a in ("-I", str(d))]
    objects = []
    for i, src in enumerate([*map(str, sources), *RUNTIME]):
        flags = RUNTIME_CFLAGS if src in RUNTIME else list(cflags)
        obj = os.path.join(workdir, f"{i}_{os.path.splitext(os.path.basename(src))[0]}.o")
        _cc([*WARNINGS, *TARGET, *flags, *incs, "-c", src, "-o", obj], f"compiling {os.path.basename(src)}")
        objects.append(obj)
    elf = os.path.join(workdir, "program.elf")
    _cc(["-nostdlib", "-T", os.path.join(HERE, "link.ld"), "-Wl,--gc-sections", *objects, "-lgcc", "-o", elf],
        "linking")
    return elf


def run(elf: str, timeout: float = 600) -> tuple:
    """Run an ELF file under QEMU: (exit status, standard output). QEMU never outlives ``timeout``."""
    require_tools()
    if not os.path.isfile(elf):  # QEMU would wait forever for a program it could not load
        raise XtensaError(f"{elf}: no such file")
    cmd = ["timeout", "-k", "5", str(int(timeout)), *QEMU_ARGS, "-kernel", elf]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 30)
    except subprocess.TimeoutExpired as e:
        raise XtensaError(f"QEMU did not stop after {timeout:.0f} s") from e
    if res.returncode == EXIT_TIMEOUT:
        raise XtensaError(f"no exit from the program under QEMU after {timeout:.0f} s; output so far:\n"
                          + res.stdout[-2000:])
    if res.stderr.strip() and res.returncode != 0:
        return res.returncode, res.stdout + res.stderr
    return res.returncode, res.stdout


def build_and_run(sources: list, cflags: list = ("-O2",), timeout: float = 600, workdir: str | None = None,
                  include_dirs: list = ()) -> tuple:
    """Compile C ``sources`` (with the kernel library on the include path) for the lx106, run them under
    QEMU: (exit status, standard output)."""
    if workdir is not None:
        return run(build(sources, str(workdir), cflags, include_dirs), timeout)
    with tempfile.TemporaryDirectory(prefix="tinyml-xtensa-") as tmp:
        return run(build(sources, tmp, cflags, include_dirs), timeout)

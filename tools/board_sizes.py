#!/usr/bin/env python3
"""Cross-compile the example models for each real board with that board's compiler flags, and size them.

For every board of the examples (Nano 33 BLE, SparkFun Edge 2, ESP-EYE, Himax WE-I Plus) and every
example model, the generated C and the kernel library are compiled with the flags the board's
PlatformIO build uses, warnings as errors, and sized against the board's flash and RAM limits:

- Cortex-M4F boards: Debian's arm-none-eabi-gcc, linked into an ELF with a minimal harness
  (invoke once) and newlib-nano; sizes from arm-none-eabi-size (text+data = flash, data+bss = RAM).
- ESP-EYE: Debian has no ESP32 (LX6) compiler; xtensa-lx106-elf-gcc (the ESP8266 core of the same
  architecture family, no libc: tests/cross/include supplies string.h/math.h declarations) compiles
  the code; sizes of the object file.
- Himax: arc-linux-gnu-gcc with the board's ARC EM9D core options; sizes of the object file.

    python tools/board_sizes.py            # markdown table (README: "Real boards")

tests/test_boards.py runs the same builds.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from platformio_tinyml.api import generate  # noqa: E402
from platformio_tinyml.pio import pick_arch  # noqa: E402

LIB_SRC = ROOT / "library" / "src"
CROSS_INCLUDE = ROOT / "tests" / "cross" / "include"
WARN = ["-Wall", "-Wextra", "-Werror"]

EXAMPLE_MODELS = {
    "hello_world_int8": ROOT / "examples" / "hello_world" / "models" / "hello_world_int8.tflite",
    "hello_world_float": ROOT / "examples" / "hello_world" / "models" / "hello_world_float.tflite",
    "audio_preprocessor": ROOT / "examples" / "micro_speech" / "models" / "audio_preprocessor.tflite",
    "micro_speech": ROOT / "examples" / "micro_speech" / "models" / "micro_speech.tflite",
    "person_detect": ROOT / "examples" / "person_detection" / "models" / "person_detect.tflite",
}


def _board_json(board_id: str) -> dict:
    return json.loads((ROOT / "boards" / f"{board_id}.json").read_text())


@dataclass
class BoardBuild:
    env: str                 # the examples' environment name
    board: str               # PlatformIO board id
    cc: str
    flags: list
    max_flash: int
    max_ram: int
    cpu: str = ""
    mcu: str = ""
    link: bool = False       # link an ELF (only where the toolchain has a C library)
    size_tool: str = ""
    note: str = ""
    examples: list = field(default_factory=lambda: list(EXAMPLE_MODELS))

    @property
    def arch(self) -> str:
        return pick_arch("auto", self.cpu, self.mcu)


def board_builds() -> list:
    eye, himax = (_board_json(b) for b in ("esp-eye", "himax_we1_evb"))
    m4 = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16"]
    return [
        # platform-nordicnrf52's nano33ble.json: 983,040 B flash, 262,144 B RAM; the variant's cflags.txt,
        # then the mbed builder's -mfloat-abi=soft (the last -mfloat-abi wins).
        BoardBuild("nano33ble", "nano33ble", "arm-none-eabi-gcc",
                   ["-std=gnu11", "-Os", "-funsigned-char", "-fdata-sections", "-ffunction-sections",
                    "-fno-delete-null-pointer-checks", "-fomit-frame-pointer", *m4, "-mfloat-abi=softfp",
                    "-mfloat-abi=soft"], 983040, 262144, cpu="cortex-m4", mcu="nrf52840", link=True,
                   size_tool="arm-none-eabi-size", note="-mfloat-abi=soft, as PlatformIO's mbed builder"),
        # platform-apollo3blue's SparkFun_Edge_2_Development_Board.json: 983,040 B flash, 393,216 B RAM; the
        # Arduino core v2 (mbed) variant's .c-flags: -Os, hard float
        BoardBuild("edge2", "SparkFun_Edge_2_Development_Board", "arm-none-eabi-gcc",
                   ["-std=gnu11", "-Os", "-fdata-sections", "-ffunction-sections", *m4, "-mfloat-abi=hard"],
                   983040, 393216, cpu="cortex-m4", mcu="AMA3B1KK", link=True,
                   size_tool="arm-none-eabi-size", note="-mfloat-abi=hard (Arduino core v2)"),
        BoardBuild("esp-eye", "esp-eye", "xtensa-lx106-elf-gcc",
                   ["-std=gnu99", "-Os", "-mlongcalls", "-ffunction-sections", "-fdata-sections",
                    "-fstrict-volatile-bitfields", "-ffreestanding", "-isystem", str(CROSS_INCLUDE)],
                   eye["upload"]["maximum_size"], eye["upload"]["maximum_ram_size"],
                   cpu=eye["build"].get("cpu", ""), mcu=eye["build"]["mcu"], size_tool="xtensa-lx106-elf-size",
                   note="compiled for lx106 (no LX6 compiler in Debian); objects only"),
        BoardBuild("himax", "himax_we1_evb", "arc-linux-gnu-gcc",
                   ["-std=gnu99", "-O3", "-ffunction-sections", "-fdata-sections",
                    *[f for f in himax["build"]["extra_flags"].split() if f.startswith("-m")]],
                   himax["upload"]["maximum_size"], himax["upload"]["maximum_ram_size"],
                   cpu=himax["build"]["cpu"], mcu=himax["build"]["mcu"], size_tool="arc-linux-gnu-size",
                   note="the model alone; linked firmwares: pio run -e himax"),
    ]


HARNESS = """#include "{name}.h"
int main(void)
{{
    return {name}_invoke() == 0 ? ((const unsigned char *){name}_output(0))[0] : 255;
}}
"""


def _run(cmd: list, what: str) -> str:
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{' '.join(cmd)}\n{r.stderr}")
    return r.stdout


def build(b: BoardBuild, model: str, work: Path) -> dict:
    """Generate the model for the board's arch, compile (and link), return the sizes."""
    gen = work / f"{b.env}-{model}"
    rep = generate(str(EXAMPLE_MODELS[model]), str(gen), name=model, arch=b.arch)
    inc = ["-I", str(gen), "-I", str(LIB_SRC)]
    obj = gen / f"{model}.o"
    _run([b.cc, *b.flags, *WARN, *inc, "-c", str(gen / f"{model}.c"), "-o", str(obj)], f"{b.env}: {model}.c")
    target = obj
    if b.link:
        (gen / "main.c").write_text(HARNESS.format(name=model))
        elf = gen / "firmware.elf"
        _run([b.cc, *b.flags, *WARN, *inc, str(gen / "main.c"), str(obj), "--specs=nano.specs",
              "--specs=nosys.specs", "-Wl,--gc-sections", "-lm", "-o", str(elf)], f"{b.env}: link {model}")
        target = elf
    out = _run([b.size_tool, "-A", "-d", str(target)], "size")
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    text = sum(v for k, v in sizes.items() if k.startswith((".text", ".rodata", ".literal", ".init", ".fini",
                                                              ".ARM", ".isr_vector", ".eh_frame")))
    data = sum(v for k, v in sizes.items() if k.startswith((".data", ".sdata")))
    bss = sum(v for k, v in sizes.items() if k.startswith((".bss", ".sbss", "COMMON")))
    return dict(flash=text + data, ram=data + bss, text=text, data=data, bss=bss, linked=b.link,
                weight_bytes=rep.weight_bytes, arena_bytes=rep.arena_bytes)


def missing_compilers() -> list:
    return [t for b in board_builds() for t in (b.cc, b.size_tool) if shutil.which(t) is None]


def table() -> str:
    rows = ["| board (env) | kernels | model | flash | RAM | limit flash / RAM | built as |",
            "|---|---|---|---:|---:|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for b in board_builds():
            for model in b.examples:
                s = build(b, model, Path(tmp))
                rows.append(f"| {b.board} ({b.env}) | {b.arch} | {model} | {s['flash']:,} B | {s['ram']:,} B | "
                            f"{b.max_flash:,} / {b.max_ram:,} B | {'linked ELF' if s['linked'] else 'object'}, "
                            f"{b.note} |")
    return "\n".join(rows)


if __name__ == "__main__":
    missing = missing_compilers()
    if missing:
        sys.exit("board_sizes: missing " + ", ".join(sorted(set(missing))) +
                 " (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi gcc-xtensa-lx106 "
                 "gcc-arc-linux-gnu libc6-dev-arc-cross)")
    print(table())

#!/usr/bin/env python3
"""Regenerate (or check) the Arduino IDE sketches in library/examples/.

The Arduino IDE has no build hook, so each sketch folder carries its model as C, made by
``tinyml convert MODEL --arduino``, beside the application files it shares with the PlatformIO
example of the same model (copied byte for byte, so there is one source for each of them).

    python tools/make_arduino_examples.py           # rewrite the generated and copied files
    python tools/make_arduino_examples.py --check   # exit 1 and list the files that differ

tests/test_arduino.py runs the check: a change to the converter, a model or a shared file must
come with the regenerated sketches in the same commit.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from platformio_tinyml.api import convert  # noqa: E402
from platformio_tinyml.cli import arduino_note  # noqa: E402

SKETCH_ROOT = ROOT / "library" / "examples"


@dataclass
class Sketch:
    folder: str                                  # library/examples/<folder>/<folder>.ino
    model: str                                   # .tflite, relative to the repository (the classifier)
    name: str                                    # C name of the model
    copies: list = field(default_factory=list)   # files shared with the PlatformIO example
    more_models: list = field(default_factory=list)  # (.tflite, C name) of the other models it runs

    @property
    def path(self) -> Path:
        return SKETCH_ROOT / self.folder


CLASSIFY = ["examples/common/classify/classify.c", "examples/common/classify/classify.h"]

SKETCHES = [
    Sketch("HelloWorld", "examples/hello_world/models/hello_world_int8.tflite", "hello_world_int8",
           ["examples/hello_world/src/hello_world.c", "examples/hello_world/src/hello_world.h"]),
    Sketch("MicroSpeech", "examples/micro_speech/models/micro_speech.tflite", "micro_speech",
           ["examples/micro_speech/src/samples.h", "examples/micro_speech/src/audio_clips.h",
            "examples/micro_speech/src/audio_pipeline.c", "examples/micro_speech/src/audio_pipeline.h",
            "examples/micro_speech/src/feature_stream.c", "examples/micro_speech/src/feature_stream.h", *CLASSIFY],
           [("examples/micro_speech/models/audio_preprocessor.tflite", "audio_preprocessor")]),
    Sketch("PersonDetection", "examples/person_detection/models/person_detect.tflite", "person_detect",
           ["examples/person_detection/src/samples.h", *CLASSIFY]),
]


def expected_files(sketch: Sketch) -> dict:
    """{file name in the sketch folder: bytes} for the generated and the copied files."""
    files = {}
    for rel, name in [(sketch.model, sketch.name), *sketch.more_models]:
        model = ROOT / rel
        note = arduino_note(str(model), name, str(sketch.path))
        _, sources = convert(str(model), name, "portable", note)
        files.update({fname: text.encode("utf-8") for fname, text in sources.items()})
    for rel in sketch.copies:
        files[os.path.basename(rel)] = (ROOT / rel).read_bytes()
    return files


def differences(sketch: Sketch) -> list:
    """What differs between the sketch folder and what the tool would write (empty: up to date)."""
    out = []
    if not (sketch.path / f"{sketch.folder}.ino").is_file():
        out.append(f"{sketch.folder}/{sketch.folder}.ino is missing")
    expected = expected_files(sketch)
    for fname, data in sorted(expected.items()):
        p = sketch.path / fname
        if not p.is_file():
            out.append(f"{sketch.folder}/{fname} is missing")
        elif p.read_bytes() != data:
            out.append(f"{sketch.folder}/{fname} differs from what the converter and the example give now")
    if sketch.path.is_dir():
        for p in sorted(sketch.path.iterdir()):
            if p.suffix in (".c", ".h", ".cpp") and p.name not in expected:
                out.append(f"{sketch.folder}/{p.name} is not made by this tool (a stale model?)")
    return out


def write(sketch: Sketch) -> list:
    sketch.path.mkdir(parents=True, exist_ok=True)
    written = []
    for fname, data in sorted(expected_files(sketch).items()):
        p = sketch.path / fname
        if p.is_file() and p.read_bytes() == data:
            continue
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, p)
        written.append(p)
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when anything differs")
    args = ap.parse_args(argv)
    if args.check:
        problems = [d for s in SKETCHES for d in differences(s)]
        for d in problems:
            print(f"out of date: {d}")
        if problems:
            print("run: python tools/make_arduino_examples.py")
            return 1
        print(f"{len(SKETCHES)} sketches up to date")
        return 0
    for s in SKETCHES:
        for p in write(s):
            print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

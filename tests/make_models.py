"""Regenerate the small per-operator test models in tests/models/ (needs tensorflow-cpu).

    python tests/make_models.py            # every family
    python tests/make_models.py conv pool  # only some families

Each module tests/modelgen/<family>.py has ``models() -> {name: tflite bytes}``. The files
are written as tests/models/<name>.tflite and the TensorFlow version is recorded in
tests/models/VERSIONS.txt. Tests only read the committed files: CI needs no TensorFlow.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT = os.path.join(HERE, "models")


def families() -> list:
    import modelgen
    return sorted(m.name for m in pkgutil.iter_modules(modelgen.__path__) if m.name != "common")


def main(argv) -> int:
    from modelgen.common import tf
    fams = argv or families()
    os.makedirs(OUT, exist_ok=True)
    written = {}
    for fam in fams:
        mod = importlib.import_module(f"modelgen.{fam}")
        for name, data in sorted(mod.models().items()):
            path = os.path.join(OUT, f"{name}.tflite")
            with open(path, "wb") as f:
                f.write(data)
            written[name] = len(data)
            print(f"{name}.tflite  {len(data)} bytes")
    versions = os.path.join(OUT, "VERSIONS.txt")
    lines = {}
    if os.path.exists(versions):
        for line in open(versions):
            if line.strip() and not line.startswith("#"):
                k, _, v = line.partition(" ")
                lines[k] = v.strip()
    for name in written:
        lines[name] = f"tensorflow {tf().__version__}"
    with open(versions, "w") as f:
        f.write("# model  generator (regenerate with: python tests/make_models.py)\n")
        for k in sorted(lines):
            f.write(f"{k} {lines[k]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Pack the library for the PlatformIO registry and for the Arduino IDE.

In this repository ``library/library.json`` runs ``../extra_script.py`` (the examples use the
library through ``symlink://``, so the hook and the converter of the checkout are used). A package
must carry both itself, so this tool assembles a self-contained copy:

    library/*  +  extra_script.py  +  platformio_tinyml/   (library.json: extraScript = extra_script.py)

and writes

- ``dist/platformio-tinyml-VERSION.tar.gz``: the PlatformIO package (``pio pkg pack``), for
  ``pio pkg publish`` or ``lib_deps = file://…``. Its hook imports the converter that ships beside it
  and, on first use, pip-installs the converter's Python packages (numpy, tflite, flatbuffers, jinja2;
  ``platformio_tinyml/requirements.py``) into PlatformIO's Python.
- ``dist/platformio-tinyml-arduino-VERSION.zip``: the Arduino library (library.properties, src/,
  examples/ at the top), for the IDE's "Add .ZIP Library".

    python tools/pack_library.py [-o dist]

Packing needs PlatformIO (its packer) but not the converter's packages.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from platformio_tinyml import __version__  # noqa: E402  (numpy-free: the package loads its API lazily)

IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pio", ".DS_Store")


def assemble(dest: Path) -> Path:
    """The self-contained library folder (registry layout) in ``dest``."""
    lib = dest / "platformio-tinyml"
    shutil.copytree(ROOT / "library", lib, ignore=IGNORE)
    shutil.copy(ROOT / "extra_script.py", lib / "extra_script.py")
    shutil.copytree(ROOT / "platformio_tinyml", lib / "platformio_tinyml", ignore=IGNORE)
    manifest = json.loads((lib / "library.json").read_text())
    manifest["build"]["extraScript"] = "extra_script.py"
    manifest["export"] = {"exclude": ["**/__pycache__", "**/*.pyc"]}
    (lib / "library.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return lib


def pack_platformio(lib: Path, out_dir: Path) -> Path:
    """``pio pkg pack`` through PlatformIO's own packer (it validates library.json).

    The packer checks the license against the SPDX list it downloads; with no internet it cannot,
    and then only our own license id (Apache-2.0, an SPDX id) is accepted, with a note."""
    try:
        from platformio.package.manifest.schema import ManifestSchema
        from platformio.package.pack import PackagePacker
    except ImportError as e:
        raise SystemExit(f"pack_library: error: PlatformIO's packer cannot be loaded ({e}); run this with the "
                         f"Python that runs `pio`, or install it: {sys.executable} -m pip install platformio")

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"platformio-tinyml-{__version__}.tar.gz"
    try:
        ManifestSchema.load_spdx_licenses()
    except Exception:  # offline
        print("pack_library: note: the SPDX license list cannot be downloaded; checking the license "
              "against Apache-2.0 only", file=sys.stderr)
        ManifestSchema.load_spdx_licenses = staticmethod(lambda: {"licenses": [{"licenseId": "Apache-2.0"}]})
    PackagePacker(str(lib)).pack(str(target))
    if not target.is_file():
        raise SystemExit(f"pack_library: the packer wrote no {target}")
    return target


def pack_arduino(out_dir: Path) -> Path:
    """library.properties, src/ and examples/ under one top folder, as the Arduino IDE expects."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"platformio-tinyml-arduino-{__version__}.zip"
    top = "platformio-tinyml"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(ROOT / "library" / "library.properties", f"{top}/library.properties")
        for sub in ("src", "examples"):
            for path in sorted((ROOT / "library" / sub).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    info = zipfile.ZipInfo(f"{top}/{path.relative_to(ROOT / 'library').as_posix()}",
                                           date_time=(2020, 1, 1, 0, 0, 0))
                    info.external_attr = 0o644 << 16
                    z.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return target


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    args = ap.parse_args(argv)
    out = Path(args.output)
    with tempfile.TemporaryDirectory() as tmp:
        pio_pkg = pack_platformio(assemble(Path(tmp)), out)
    zip_pkg = pack_arduino(out)
    for p in (pio_pkg, zip_pkg):
        print(f"pack_library: wrote {p} ({p.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The library as it is published: versions agree, the manifests are valid for the PlatformIO
registry and the Arduino Library Manager, and the packed PlatformIO package works on its own
(a project that installs the .tar.gz builds and runs on the emulated board, offline)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tools"))
import pack_library  # noqa: E402

from platformio_tinyml import __version__  # noqa: E402

LIB = os.path.join(ROOT, "library")
# The Arduino Library Manager's categories and required fields (library specification 1.5).
ARDUINO_CATEGORIES = {"Display", "Communication", "Signal Input/Output", "Sensors", "Device Control", "Timing",
                      "Data Storage", "Data Processing", "Other"}
ARDUINO_REQUIRED = ("name", "version", "author", "maintainer", "sentence", "paragraph", "category", "url",
                    "architectures")


def _properties() -> dict:
    props = {}
    for line in open(os.path.join(LIB, "library.properties"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            key, _, value = line.rstrip("\n").partition("=")
            props[key] = value
    return props


def test_versions_agree():
    pyproject = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    py_version = re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1)
    manifest = json.load(open(os.path.join(LIB, "library.json")))
    assert py_version == __version__ == manifest["version"] == _properties()["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)  # semver, as both registries want


def test_arduino_library_properties():
    props = _properties()
    for key in ARDUINO_REQUIRED:
        assert props.get(key), f"library.properties: {key} is required"
    assert props["category"] in ARDUINO_CATEGORIES
    assert props["name"] == json.load(open(os.path.join(LIB, "library.json")))["name"]
    assert os.path.isfile(os.path.join(LIB, "src", props["includes"]))
    # every example sketch is a folder with a .ino of the same name
    for folder in os.listdir(os.path.join(LIB, "examples")):
        assert os.path.isfile(os.path.join(LIB, "examples", folder, folder + ".ino")), folder


def test_platformio_manifest_is_valid(monkeypatch):
    from platformio.package.manifest.parser import ManifestParserFactory
    from platformio.package.manifest.schema import ManifestSchema
    # the SPDX list is downloaded by PlatformIO; offline, only our license id is known
    monkeypatch.setattr(ManifestSchema, "load_spdx_licenses",
                        staticmethod(lambda: {"licenses": [{"licenseId": "Apache-2.0"}]}))
    parsed = ManifestParserFactory.new_from_file(os.path.join(LIB, "library.json")).as_dict()
    data = ManifestSchema().load_manifest(parsed)  # raises on an invalid manifest
    assert data["name"] == "platformio-tinyml" and data["version"] == __version__
    assert parsed["build"]["extraScript"] == "../extra_script.py"


def test_packages(tmp_path):
    out = tmp_path / "dist"
    assert pack_library.main(["-o", str(out)]) == 0
    tgz = out / f"platformio-tinyml-{__version__}.tar.gz"
    with tarfile.open(tgz) as t:
        names = set(t.getnames())
        manifest = json.load(t.extractfile("library.json"))
    assert {"extra_script.py", "platformio_tinyml/pio.py", "platformio_tinyml/emit/templates/model.c.j2",
            "src/tinyml.h", "library.properties", "examples/HelloWorld/HelloWorld.ino"} <= names
    assert not [n for n in names if "__pycache__" in n]
    assert manifest["build"]["extraScript"] == "extra_script.py"
    with zipfile.ZipFile(out / f"platformio-tinyml-arduino-{__version__}.zip") as z:
        znames = set(z.namelist())
    assert {"platformio-tinyml/library.properties", "platformio-tinyml/src/tinyml.h",
            "platformio-tinyml/examples/MicroSpeech/MicroSpeech.ino"} <= znames


def test_packed_library_builds_a_project(tmp_path):
    """hello_world with `lib_deps = file://…tar.gz`: the package's own hook and converter convert the
    model, and the firmware runs on QEMU."""
    from test_pio_hook import _offline_pio_env, _pio_ready
    missing = _pio_ready()
    assert missing is None, missing
    env = _offline_pio_env()
    out = tmp_path / "dist"
    assert pack_library.main(["-o", str(out)]) == 0
    tgz = out / f"platformio-tinyml-{__version__}.tar.gz"
    project = tmp_path / "app"
    shutil.copytree(os.path.join(ROOT, "examples", "hello_world"), project,
                    ignore=shutil.ignore_patterns(".pio", "test"))
    ini = (project / "platformio.ini").read_text()
    ini = ini.replace("lib_deps = platformio-tinyml=symlink://${PROJECT_DIR}/../../library", f"lib_deps = file://{tgz}")
    ini = ini.replace("symlink://${PROJECT_DIR}/../../platform/tinyml-emulator",
                      "symlink://" + os.path.join(ROOT, "platform", "tinyml-emulator"))
    ini = ini.replace("boards_dir = ../../boards", "boards_dir = " + os.path.join(ROOT, "boards"))
    (project / "platformio.ini").write_text(ini)
    r = subprocess.run(["pio", "run", "-e", "emulator", "-t", "exec", "-d", str(project)], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "tinyml: Generating hello_world_int8.h/.c" in r.stdout
    assert re.search(r"^max error: 0\.1\d+$", r.stdout, re.M), r.stdout
    installed = list((project / ".pio" / "libdeps" / "emulator").glob("platformio-tinyml*/extra_script.py"))
    assert installed, "the package was not installed into the project"

#!/usr/bin/env python3
"""Prepare a PlatformIO core directory so that the emulator examples build with no internet.

What it installs into ``$PLATFORMIO_CORE_DIR/packages`` (idempotent, rerun at will):

- ``tool-scons``: the SCons that PlatformIO core wants (version spec read from
  ``platformio.dependencies``), backed by the pip-installed ``scons`` of PlatformIO's Python.
  A real folder with a ``.piopm`` naming owner ``platformio``: a ``symlink://`` package would
  record no owner and PlatformIO would still ask the registry.
- ``toolchain-gccarmnoneeabi``: ``bin/arm-none-eabi-*`` symlinks to Debian's cross compiler.
- ``toolchain-arc-elf32`` (when Debian's ``arc-linux-gnu-gcc`` is installed): ``bin/arc-linux-gnu-*``
  symlinks, the ARC toolchain of the Himax WE-I Plus dev-platform (platform/tinyml-himax).

It checks (and with ``--apt`` installs) the Debian packages the emulator needs:
gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm; with ``--test-tools`` also those
the tests use (g++ and clang, the Xtensa and ARC cross compilers of the board builds, and QEMU for
the Xtensa kernel tests).

    PLATFORMIO_CORE_DIR=$PWD/.pio-core python3 tools/setup_offline_pio.py [--apt] [--test-tools]

Run it with the Python that runs PlatformIO (the one where ``import platformio`` works).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEBIAN_PACKAGES = ["gcc-arm-none-eabi", "libnewlib-arm-none-eabi", "qemu-system-arm"]
ARM_PREFIX = "arm-none-eabi-"
ARC_PREFIX = "arc-linux-gnu-"
ARC_PACKAGE = "toolchain-arc-elf32"


class SetupError(Exception):
    pass


def say(msg: str) -> None:
    print(f"setup_offline_pio: {msg}")


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; True when written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def spec_to_version(spec: str) -> str:
    """The lowest version a PlatformIO/semver spec accepts.

    >>> spec_to_version("~4.41101.0")
    '4.41101.0'
    >>> spec_to_version(">=1.2.3")
    '1.2.3'
    """
    m = re.search(r"\d+\.\d+\.\d+", spec)
    if not m:
        raise SetupError(f"cannot read a version from the spec '{spec}'")
    return m.group(0)


def scons_version_to_pio(version: str) -> str:
    """SCons 4.11.1 is PlatformIO's tool-scons 4.41101.0 (major . major minor(2) patch(2)).

    >>> scons_version_to_pio("4.11.1")
    '4.41101.0'
    >>> scons_version_to_pio("4.8.1")
    '4.40801.0'
    """
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    return f"{parts[0]}.{parts[0]}{parts[1]:02d}{parts[2]:02d}.0"


def gcc_version_to_pio(version: str) -> str:
    """GCC 12.2.1 is PlatformIO's toolchain version 1.120201.0.

    >>> gcc_version_to_pio("12.2.1")
    '1.120201.0'
    """
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    return f"1.{parts[0]}{parts[1]:02d}{parts[2]:02d}.0"


def piopm(kind: str, name: str, version: str) -> str:
    return json.dumps({"type": kind, "name": name, "version": version,
                       "spec": {"owner": "platformio", "id": None, "name": name,
                                "requirements": None, "uri": None}}, indent=2) + "\n"


def package_json(name: str, version: str, description: str) -> str:
    return json.dumps({"name": name, "version": version, "description": description,
                       "system": "*"}, indent=2) + "\n"


def install_scons(packages: Path) -> None:
    try:
        from platformio.dependencies import get_core_dependencies
    except ImportError as e:
        raise SetupError(f"PlatformIO is not importable from {sys.executable}: run this script with the "
                         "Python that runs `pio` (pip install platformio scons)") from e
    spec = get_core_dependencies()["tool-scons"]
    version = spec_to_version(spec)
    try:
        import SCons
    except ImportError as e:
        raise SetupError(f"SCons is not installed for {sys.executable}; PlatformIO wants tool-scons {spec}: "
                         f"{sys.executable} -m pip install scons") from e
    have = scons_version_to_pio(SCons.__version__)
    if have.split(".")[:2] != version.split(".")[:2]:
        say(f"warning: SCons {SCons.__version__} (= {have}) may not be what tool-scons {spec} means")
    pkg = packages / "tool-scons"
    if pkg.is_symlink():
        pkg.unlink()
    changed = write_if_changed(pkg / "package.json", package_json("tool-scons", version,
                                                                   "SCons from PlatformIO's Python (offline)"))
    changed |= write_if_changed(pkg / ".piopm", piopm("tool", "tool-scons", version))
    changed |= write_if_changed(pkg / "scons.py", "import SCons.Script\n\nSCons.Script.main()\n")
    say(f"tool-scons {version} (spec {spec}, SCons {SCons.__version__}): {'installed' if changed else 'up to date'}")


def install_toolchain(packages: Path, name: str, gcc: str, description: str) -> None:
    """``$CORE/packages/<name>``: ``bin/`` symlinks to every tool next to ``gcc`` with its prefix
    (``arm-none-eabi-``), a ``package.json`` and a ``.piopm`` naming owner ``platformio``."""
    prefix = os.path.basename(gcc)[:-len("gcc")]
    version = subprocess.run([gcc, "-dumpversion"], capture_output=True, text=True, check=True).stdout.strip()
    pio_version = gcc_version_to_pio(version)
    bindir = Path(gcc).parent
    pkg = packages / name
    if pkg.is_symlink():
        pkg.unlink()
    changed = write_if_changed(pkg / "package.json", package_json(
        name, pio_version, f"{description} {version} from the system"))
    changed |= write_if_changed(pkg / ".piopm", piopm("tool", name, pio_version))
    (pkg / "bin").mkdir(parents=True, exist_ok=True)
    wanted = {}
    for tool in sorted(glob.glob(str(bindir / (prefix + "*")))):
        wanted[os.path.basename(tool)] = tool
    for entry in os.listdir(pkg / "bin"):
        if entry not in wanted:
            (pkg / "bin" / entry).unlink()
            changed = True
    for entry, target in wanted.items():
        link = pkg / "bin" / entry
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(target)
        changed = True
    say(f"{name} {pio_version} (gcc {version}, {len(wanted)} tools): "
        f"{'installed' if changed else 'up to date'}")


def install_arm_toolchain(packages: Path) -> None:
    gcc = shutil.which(ARM_PREFIX + "gcc")
    if not gcc:
        raise SetupError("arm-none-eabi-gcc not found: apt-get install --no-install-recommends "
                         + " ".join(DEBIAN_PACKAGES) + " (or rerun with --apt)")
    install_toolchain(packages, "toolchain-gccarmnoneeabi", gcc, "GNU Arm Embedded toolchain")


def install_arc_toolchain(packages: Path) -> None:
    """The Himax WE-I Plus dev-platform (platform/tinyml-himax) takes its compiler from the package
    toolchain-arc-elf32; here Debian's arc-linux-gnu-* stand in for Synopsys' arc-elf32-* (the
    platform finds either prefix). Nothing to do without gcc-arc-linux-gnu (``--test-tools``)."""
    gcc = shutil.which(ARC_PREFIX + "gcc")
    if not gcc:
        say(f"{ARC_PACKAGE}: skipped ({ARC_PREFIX}gcc not installed; --apt --test-tools installs it)")
        return
    install_toolchain(packages, ARC_PACKAGE, gcc, "ARC GNU toolchain (Debian arc-linux-gnu)")


def missing_system_tools() -> list:
    missing = []
    if not shutil.which(ARM_PREFIX + "gcc"):
        missing += ["gcc-arm-none-eabi", "libnewlib-arm-none-eabi"]  # no compiler yet: its C library neither
    else:
        res = subprocess.run([ARM_PREFIX + "gcc", "-print-file-name=libc_nano.a"], capture_output=True, text=True)
        if not os.path.isabs(res.stdout.strip()):
            missing.append("libnewlib-arm-none-eabi")
    if not shutil.which("qemu-system-arm"):
        missing.append("qemu-system-arm")
    return missing


# command (or file) -> the Debian package that provides it
TEST_TOOLS = {"g++": "g++", "clang": "clang", "xtensa-lx106-elf-gcc": "gcc-xtensa-lx106",
              "arc-linux-gnu-gcc": "gcc-arc-linux-gnu", "/usr/arc-linux-gnu/include/stdio.h": "libc6-dev-arc-cross",
              "qemu-system-xtensa": "qemu-system-misc"}


def missing_test_tools() -> list:
    return [pkg for tool, pkg in TEST_TOOLS.items()
            if not (os.path.isfile(tool) if tool.startswith("/") else shutil.which(tool))]


def apt_install(pkgs: list) -> None:
    if os.geteuid() != 0:
        raise SetupError("installing Debian packages needs root: apt-get install --no-install-recommends "
                         + " ".join(pkgs))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    base = ["apt-get", "-o", "DPkg::Lock::Timeout=600"]
    subprocess.run(base + ["update", "-qq"], check=True, env=env)
    subprocess.run(base + ["install", "-y", "-qq", "--no-install-recommends", *pkgs], check=True, env=env)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--core-dir", default=os.environ.get("PLATFORMIO_CORE_DIR") or str(REPO / ".pio-core"),
                    help="PlatformIO core directory (default: $PLATFORMIO_CORE_DIR or .pio-core in the repo)")
    ap.add_argument("--apt", action="store_true", help="apt-get install the missing Debian packages")
    ap.add_argument("--test-tools", action="store_true", help="also the compilers the tests use")
    args = ap.parse_args(argv)
    check = (lambda: missing_system_tools() + missing_test_tools()) if args.test_tools else missing_system_tools
    try:
        missing = check()
        if missing and args.apt:
            say("installing " + " ".join(missing))
            apt_install(missing)
            missing = check()
        if missing:
            raise SetupError("missing Debian packages: " + " ".join(missing)
                             + "; run apt-get install --no-install-recommends " + " ".join(missing)
                             + " (or rerun with --apt)")
        packages = Path(args.core_dir).resolve() / "packages"
        packages.mkdir(parents=True, exist_ok=True)
        install_scons(packages)
        install_arm_toolchain(packages)
        install_arc_toolchain(packages)
    except (SetupError, subprocess.CalledProcessError, OSError) as e:
        print(f"setup_offline_pio: error: {e}", file=sys.stderr)
        return 1
    say(f"ready: export PLATFORMIO_CORE_DIR={Path(args.core_dir).resolve()} "
        "PLATFORMIO_SETTING_ENABLE_TELEMETRY=No PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL=9999")
    return 0


if __name__ == "__main__":
    sys.exit(main())

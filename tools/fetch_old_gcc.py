#!/usr/bin/env python3
"""Fetch an older arm-none-eabi GCC beside the system one, for the compiler matrix of the tests.

Real boards build with older compilers than a current Debian's GCC 12: PlatformIO's nordicnrf52
platform installs GCC 7.2.1 for the Nano 33 BLE (so does the Arduino IDE's mbed core), the Apollo3
platform GCC 9.2.1. The oldest one Debian still serves is bullseye's ``gcc-arm-none-eabi``
(8-2019-q3, GCC 8.3.1): like GCC 7 it has no DSP intrinsics in ``<arm_acle.h>``.

This script never touches the system compiler. It reads the Debian mirror from the machine's own apt
sources, makes a private apt configuration for bullseye under the target folder, runs
``apt-get download`` for the compiler, binutils and newlib, and unpacks them with ``dpkg-deb -x``
into ``.toolchains/gcc-arm-none-eabi-8`` (idempotent: an unpacked compiler that runs is kept).

    python3 tools/fetch_old_gcc.py            # prints the compiler's path
"""
from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEST = REPO / ".toolchains" / "gcc-arm-none-eabi-8"
SUITE = "bullseye"
PACKAGES = ["gcc-arm-none-eabi", "binutils-arm-none-eabi", "libnewlib-arm-none-eabi", "libnewlib-dev"]
VERSION = "8.3.1"
GCC = "usr/bin/arm-none-eabi-gcc"


class FetchError(Exception):
    pass


def debian_mirror(texts: list) -> str:
    """The first Debian mirror URI named in apt source files (deb822 or one-line format).

    >>> debian_mirror(["Types: deb\\nURIs: http://deb.debian.org/debian\\nSuites: bookworm\\n"])
    'http://deb.debian.org/debian'
    >>> debian_mirror(["deb [arch=amd64] http://ftp.de.debian.org/debian bookworm main\\n"])
    'http://ftp.de.debian.org/debian'
    """
    for text in texts:
        for m in re.finditer(r"^\s*URIs:\s*(\S+)|^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)", text, re.M):
            uri = m.group(1) or m.group(2)
            if "security" not in uri and "debian" in uri:
                return uri.rstrip("/")
    raise FetchError("no Debian mirror in the apt sources (/etc/apt/sources.list*)")


def compiler_works(gcc: Path) -> bool:
    if not gcc.is_file():
        return False
    res = subprocess.run([str(gcc), "-dumpversion"], capture_output=True, text=True)
    return res.returncode == 0 and res.stdout.strip() == VERSION


def fetch(dest: Path = DEST) -> Path:
    gcc = dest / GCC
    if compiler_works(gcc):
        return gcc
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise FetchError(f"{tool} is needed (a Debian machine)")
    sources = [Path("/etc/apt/sources.list"), *map(Path, glob.glob("/etc/apt/sources.list.d/*.sources")),
               *map(Path, glob.glob("/etc/apt/sources.list.d/*.list"))]
    mirror = debian_mirror([p.read_text(errors="replace") for p in sources if p.is_file()])
    apt = dest.parent / f".apt-{SUITE}"
    for sub in ("lists/partial", "cache/archives/partial", "debs"):
        (apt / sub).mkdir(parents=True, exist_ok=True)
    (apt / "sources.list").write_text(f"deb {mirror} {SUITE} main\n")
    opts = ["-o", f"Dir::Etc::sourcelist={apt / 'sources.list'}", "-o", "Dir::Etc::sourceparts=-",
            "-o", f"Dir::State::Lists={apt / 'lists'}", "-o", f"Dir::Cache={apt / 'cache'}",
            "-o", "APT::Sandbox::User=root", "-o", "Debug::NoLocking=1"]
    run = lambda args, **kw: subprocess.run(args, capture_output=True, text=True, **kw)  # noqa: E731
    res = run(["apt-get", *opts, "update"])
    if res.returncode != 0:
        raise FetchError(f"apt-get update for {SUITE} failed: {res.stderr.strip()[-400:]}")
    for f in (apt / "debs").glob("*.deb"):
        f.unlink()
    specs = []
    for pkg in PACKAGES:  # the suite's version, not the system's (apt-get download would take the newer)
        res = run(["apt-cache", *opts, "madison", pkg])
        versions = [ln.split("|")[1].strip() for ln in res.stdout.splitlines() if f"{SUITE}/" in ln]
        if not versions:
            raise FetchError(f"{pkg} is not in {SUITE} at {mirror}")
        specs.append(f"{pkg}={versions[0]}")
    res = run(["apt-get", *opts, "download", *specs], cwd=apt / "debs")
    if res.returncode != 0:
        raise FetchError(f"apt-get download failed: {res.stderr.strip()[-400:]}")
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    for deb in sorted((apt / "debs").glob("*.deb")):
        res = run(["dpkg-deb", "-x", str(deb), str(tmp)])
        if res.returncode != 0:
            raise FetchError(f"dpkg-deb -x {deb.name} failed: {res.stderr.strip()}")
    # Debian's compiler looks for newlib's headers and libraries in <prefix>/lib/arm-none-eabi/{include,lib}
    # (alternatives links on an installed system): point them at the unpacked copies.
    base = tmp / "usr" / "lib" / "arm-none-eabi"
    for link, target in (("include", "../../include/newlib"), ("lib", "newlib")):
        if (base / link).is_symlink() or (base / link).exists():
            (base / link).unlink()
        (base / link).symlink_to(target)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    if not compiler_works(gcc):
        raise FetchError(f"{gcc} does not run or is not GCC {VERSION}")
    return gcc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dest", default=str(DEST), help=f"where to unpack (default: {DEST})")
    args = ap.parse_args(argv)
    try:
        gcc = fetch(Path(args.dest).resolve())
    except (FetchError, OSError) as e:
        print(f"fetch_old_gcc: error: {e}", file=sys.stderr)
        return 1
    print(gcc)
    return 0


if __name__ == "__main__":
    sys.exit(main())

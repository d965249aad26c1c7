"""Differential kernel tests on an Xtensa core: tests/kernels/diff_kernels.c (the dispatching kernels
against the reference kernels on random cases, exact comparison) and tests/kernels/fixedpoint.c,
compiled with xtensa-lx106-elf-gcc at -O2 and -Os and run under QEMU (qemu-system-xtensa -M sim -cpu
lx106); plus the integer helpers and printf of the bare-metal run-time (tests/xtensa) against the host."""
import os
import random
import subprocess
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "xtensa"))
import xtensa_run  # noqa: E402

XTENSA = os.path.join(ROOT, "tests", "xtensa")
DIFF = os.path.join(ROOT, "tests", "kernels", "diff_kernels.c")
FIXEDPOINT = os.path.join(ROOT, "tests", "kernels", "fixedpoint.c")
KERNELS = ["fully_connected_s8", "fully_connected_s8 packed", "conv_s8", "conv_s8 packed", "depthwise_conv_s8", "pool_s8", "depthwise_conv_s8 pixels", "conv_s8 packed shapes", "depthwise_conv_s8 pairs"]  # no float kernels: no soft-float helpers
OPTS = ["-O2", "-Os"]


def need_tools():
    missing = xtensa_run.missing_tools()
    assert not missing, f"{' and '.join(missing)} not found: run {xtensa_run.SETUP_HINT}"


def summary_lines(out):
    return [ln for ln in out.splitlines() if " cases, " in ln]


@pytest.mark.parametrize("opt", OPTS)
def test_kernels_equal_reference_xtensa(opt, tmp_path):
    need_tools()
    rc, out = xtensa_run.build_and_run([DIFF], cflags=[opt, "-DDIFF_NO_FLOAT"], workdir=tmp_path)
    assert "path: xtensa" in out, out  # the library's Xtensa path is what ran
    lines = summary_lines(out)
    assert [ln.split(":")[0] for ln in lines] == KERNELS, out
    for line in lines:
        assert line.endswith(" 0 differ") and not line.split(":")[1].strip().startswith("0 cases"), out
    assert rc == 0, out


def test_forced_reference_is_reference_xtensa(tmp_path):
    need_tools()
    rc, out = xtensa_run.build_and_run([DIFF], cflags=["-O2", "-DDIFF_NO_FLOAT", "-DTML_FORCE_REFERENCE",
                                                       "-DCASES=20"], workdir=tmp_path)
    assert "path: reference" in out and len(summary_lines(out)) == len(KERNELS) and rc == 0, out


@pytest.mark.parametrize("opt", OPTS)
def test_fixed_point_primitives_xtensa(opt, tmp_path):
    need_tools()
    rc, out = xtensa_run.build_and_run([FIXEDPOINT], cflags=[opt], workdir=tmp_path)
    assert rc == 0 and out.strip() == "fixedpoint: 2000400 cases, 0 differ", out


# ------------------------------------------------------------ the run-time itself

def test_integer_helpers_host(tmp_path):
    """intops.c compiled for the host under other names against the host's arithmetic."""
    exe = str(tmp_path / "intops_check")
    build = subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-DXT_HOST_CHECK",
                            os.path.join(XTENSA, "intops.c"), os.path.join(XTENSA, "intops_check.c"), "-o", exe],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([exe], capture_output=True, text=True, timeout=300)
    lines = summary_lines(run.stdout)
    assert len(lines) == 9 and all(ln.endswith(" 0 differ") for ln in lines), run.stdout
    assert run.returncode == 0, run.stdout


def _operand(rng, bits):
    """Edge values (powers of two, their neighbours, the extremes) or random ones of any magnitude."""
    mask = (1 << bits) - 1
    if rng.random() < 0.3:
        v = rng.choice([0, 1, 2, 3, mask, mask - 1, 1 << (bits - 1), (1 << (bits - 1)) - 1,
                        (1 << rng.randrange(bits)) + rng.choice([-1, 0, 1])])
    else:
        v = rng.getrandbits(bits) >> rng.randrange(bits)
    if rng.random() < 0.3:
        v = -v
    return v & mask


def _signed(v, bits):
    return v - (1 << bits) if v >> (bits - 1) else v


def _cdiv(a, b):
    """C's division (truncation toward zero) and remainder."""
    q = abs(a) // abs(b)
    q = q if (a < 0) == (b < 0) else -q
    return q, a - q * b


def write_arith_cases(path, seed=2024, count=1500):
    rng = random.Random(seed)
    m32, m64 = (1 << 32) - 1, (1 << 64) - 1
    c32, c64, cw = [], [], []
    while len(c32) < count:
        a, b = _operand(rng, 32), _operand(rng, 32)
        if b == 0 or (a == 1 << 31 and b == m32):  # undefined in C
            continue
        sq, sr = _cdiv(_signed(a, 32), _signed(b, 32))
        c32.append(f"{{0x{a:x}u, 0x{b:x}u, 0x{a // b:x}u, 0x{a % b:x}u, 0x{sq & m32:x}u, 0x{sr & m32:x}u}}")
    while len(c64) < count:
        a = _operand(rng, 64)
        b = _operand(rng, rng.choice([64, 32, 16]))
        if b == 0 or (a == 1 << 63 and b == m64):
            continue
        sq, sr = _cdiv(_signed(a, 64), _signed(b, 64))
        c64.append(f"{{0x{a:x}ull, 0x{b:x}ull, 0x{a // b:x}ull, 0x{a % b:x}ull, 0x{sq & m64:x}ull, "
                   f"0x{sr & m64:x}ull, 0x{(a * b) & m64:x}ull}}")
    while len(cw) < count:
        a, b = _operand(rng, 32), _operand(rng, 32)
        sp = (_signed(a, 32) * _signed(b, 32)) & m64
        cw.append(f"{{0x{a:x}u, 0x{b:x}u, 0x{sp:x}ull, 0x{a * b:x}ull}}")
    path.write_text("/* generated by tests/test_kernels_xtensa.py */\n"
                    "struct c32 { uint32_t a, b, q, r, sq, sr; };\n"
                    "struct c64 { uint64_t a, b, q, r, sq, sr, prod; };\n"
                    "struct cw { uint32_t a, b; uint64_t sprod, uprod; };\n"
                    "static const struct c32 c32s[] = {\n" + ",\n".join(c32) + "};\n"
                    "static const struct c64 c64s[] = {\n" + ",\n".join(c64) + "};\n"
                    "static const struct cw cws[] = {\n" + ",\n".join(cw) + "};\n")
    return 3 * count


@pytest.mark.parametrize("opt", OPTS)
def test_integer_arithmetic_and_printf_xtensa(opt, tmp_path):
    """/ % * on the lx106 (intops.c, libgcc) against host results; printf against the host's printf."""
    need_tools()
    n = write_arith_cases(tmp_path / "arith_cases.h")
    src = os.path.join(XTENSA, "arith_selfcheck.c")
    host = str(tmp_path / "arith_host")
    build = subprocess.run(["cc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(tmp_path), src,
                            "-o", host], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    expected = subprocess.run([host], capture_output=True, text=True, timeout=60)
    assert expected.returncode == 0 and f"arith: {n} cases, 0 differ" in expected.stdout, expected.stdout
    assert "fmt:[   42][42   ][-0042][+7][ 7][05][0000beef][009][][0x1f][010]" in expected.stdout
    rc, out = xtensa_run.build_and_run([src], cflags=[opt], workdir=tmp_path / "xtensa", include_dirs=[tmp_path])
    assert out == expected.stdout and rc == 0, out


@pytest.mark.parametrize("mode, status, text", [(0, 3, "mode 0\n"),
                                                (1, 99, "xtensa fault: exception, EXCCAUSE 9 "),  # alignment
                                                (2, 99, "xtensa fault: exception, EXCCAUSE 0 at pc 0x40000000")],
                         ids=["exit-status", "unaligned-load", "wild-jump"])
def test_exit_status_and_faults_xtensa(mode, status, text, tmp_path):
    """main's return value is QEMU's exit status; an unaligned load or a wild jump is reported, not a hang."""
    need_tools()
    rc, out = xtensa_run.build_and_run([os.path.join(XTENSA, "fault_check.c")], cflags=["-O2", f"-DMODE={mode}"],
                                       workdir=tmp_path, timeout=60)
    assert rc == status and text in out, (rc, out)

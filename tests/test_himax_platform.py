"""The Himax WE-I Plus dev-platform (platform/tinyml-himax), as far as this machine can check it.

(a) `pio run -e himax` of the three examples, offline, on copies of them (relative paths kept), with
    Debian's arc-linux-gnu toolchain as the package toolchain-arc-elf32 (tools/setup_offline_pio.py):
    the firmware links with no library but the platform's runtime (the link map), is an ARCv2 EM
    executable whose entry is the reset code the .ivt points to, every allocated section lies in a
    region of the linker script's memory map (code in ICCM1, weights in the system SRAM, arena and
    stack in the DCCM), and the build prints the memory map report, PlatformIO's RAM/Flash check
    against the board's limits and the Himax image command; the builder's options (toolchain folder,
    image tool) are honoured.
(b) The runtime's C compiles warning-free for the EM9D at -O0/-O2/-O3/-Os and needs no symbol from
    outside itself (main and the linker script's symbols aside): no libgcc, no C library.
(c) The same C compiled for the host, every symbol prefixed hx_, against the host: printf formatting
    (glibc's snprintf), the double and 64-bit helpers bit for bit, the math functions within 1 ulp.
Nothing runs on an ARC core: there is no board here and no ARC emulator (QEMU 7.2 has none).
"""
import os
import re
import shutil
import struct
import subprocess

import pytest

from conftest import ROOT
from test_pio_hook import _copy_example, _pio_runner  # noqa: E402  (pytest puts tests/ on sys.path)

PLATFORM = os.path.join(ROOT, "platform", "tinyml-himax")
RUNTIME = os.path.join(PLATFORM, "runtime")
LDSCRIPT = os.path.join(PLATFORM, "ldscripts", "himax_we1_evb.ld")
ARC_GCC = "arc-linux-gnu-gcc"
EM_ARCV2 = 195  # ELF e_machine of ARCv2 (EM_ARC_COMPACT2)
EF_ARC_CPU_ARCV2EM = 0x05
SHF_ALLOC = 0x2
SHT_NOBITS = 8
EM9D_FLAGS = ["-mcpu=em4_fpus", "-mlittle-endian", "-mcode-density", "-mdiv-rem", "-mswap", "-mnorm",
              "-mmpy-option=6", "-mbarrel-shifter", "-mfpu=fpus_all", "-mxy"]

# example, the models the hook converts, the ones the program uses (what --gc-sections keeps), and the
# program's own static RAM (micro_speech: its feature_stream, 30 ms of audio + 49x40 features + counters)
EXAMPLES = [("hello_world", ["hello_world_int8", "hello_world_float"], ["hello_world_int8"], 0),
            ("micro_speech", ["audio_preprocessor", "micro_speech"], ["audio_preprocessor", "micro_speech"],
             4 + 480 * 2 + 4 + 4 + 49 * 40),
            ("person_detection", ["person_detect"], ["person_detect"], 0)]


def _tools_missing():
    return [t for t in ("pio", ARC_GCC, "arc-linux-gnu-readelf") if shutil.which(t) is None]


def memory_regions():
    """{name: (origin, length)} of the linker script's MEMORY block."""
    text = re.sub(r"/\*.*?\*/", "", open(LDSCRIPT).read(), flags=re.S)
    block = re.search(r"MEMORY\s*{(.*?)}", text, re.S).group(1)
    return {m.group(1): (int(m.group(2), 0), int(m.group(3), 0)) for m in
            re.finditer(r"(\w+)\s*\([^)]*\)\s*:\s*ORIGIN\s*=\s*(\w+)\s*,\s*LENGTH\s*=\s*(\w+)", block)}


def read_elf(path):
    """ELF32 little-endian: (header fields, {section name: (type, flags, addr, size, file offset)})."""
    data = open(path, "rb").read()
    assert data[:4] == b"\x7fELF" and data[4] == 1 and data[5] == 1, "not a 32-bit little-endian ELF"
    (e_type, e_machine, _, e_entry, _, e_shoff, e_flags, _, _, _, e_shentsize, e_shnum,
     e_shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
    raw = [struct.unpack_from("<IIIIIIIIII", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    strtab = raw[e_shstrndx][4]
    sections = {}
    for name, type_, flags, addr, offset, size, *_ in raw:
        end = data.index(b"\0", strtab + name)
        sections[data[strtab + name:end].decode()] = (type_, flags, addr, size, offset)
    header = dict(type=e_type, machine=e_machine, entry=e_entry, flags=e_flags)
    return header, sections, data


@pytest.mark.parametrize("example,models,used_models,app_bss", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_firmware_links_into_the_memory_map(example, models, used_models, app_bss, tmp_path):
    missing = _tools_missing()
    assert not missing, f"missing {missing}: tools/setup_offline_pio.py --apt --test-tools installs them"
    project = _copy_example(tmp_path / "repo", example)
    out = _pio_runner(project)("run", "-e", "himax")

    assert re.search(r"tinyml-himax: toolchain arc-linux-gnu-gcc \S+ in \S+ \(package toolchain-arc-elf32\)",
                     out), out
    report = {}
    for model in models:
        assert f"tinyml: Generating {model}.h/.c from models/{model}.tflite (arch arc-em)" in out
        m = re.search(rf"tinyml:   {model}: .*weights ([\d,]+) bytes, arena ([\d,]+) bytes", out)
        report[model] = tuple(int(v.replace(",", "")) for v in m.groups())

    build = project / ".pio" / "build" / "himax"
    elf = build / "program.elf"
    header, sections, data = read_elf(str(elf))
    assert header["type"] == 2 and header["machine"] == EM_ARCV2
    assert header["flags"] & 0xFF == EF_ARC_CPU_ARCV2EM  # "ARC EM" (readelf -h)

    # every allocated section inside one region; each kind of content in its region
    regions = memory_regions()
    assert set(regions) == {"ICCM1", "SYSTEM", "DCCM"}
    placed = {}
    for name, (type_, flags, addr, size, _) in sections.items():
        if not flags & SHF_ALLOC or size == 0:
            continue
        inside = [r for r, (origin, length) in regions.items() if origin <= addr and addr + size <= origin + length]
        assert len(inside) == 1, f"{name} at 0x{addr:08x} (+{size}) is outside the memory map"
        placed[name] = inside[0]
    assert placed == {".ivt": "ICCM1", ".vector": "ICCM1", ".text": "ICCM1", ".read_only_data": "SYSTEM",
                      ".data": "SYSTEM", ".stack": "DCCM", ".bss_all": "DCCM"}, placed
    assert sections[".ivt"][2] == 0x10000004 and sections[".vector"][2] % 1024 == 0
    assert sections[".stack"][2] == regions["DCCM"][0]  # an overflow leaves the DCCM
    assert sections[".bss_all"][0] == sections[".stack"][0] == SHT_NOBITS
    # the .ivt's first word is the reset entry, which is the ELF's entry point
    ivt_offset = sections[".ivt"][4]
    assert struct.unpack_from("<I", data, ivt_offset)[0] == header["entry"] == sections[".ivt"][2] + 4
    weights = sum(report[m][0] for m in used_models)
    arenas = sum(report[m][1] for m in used_models) + app_bss
    assert sections[".read_only_data"][3] >= weights  # the weights are constants in the system SRAM
    assert arenas <= sections[".bss_all"][3] <= arenas + 2048  # the arenas, the program's, the runtime's buffers

    # the link map: our memory regions, and no archive of the toolchain (libgcc, libc) pulled in
    link_map = (build / "program.map").read_text()
    assert re.search(r"ICCM1\s+0x0*10000000\s+0x0*50000", link_map)
    assert re.search(r"DCCM\s+0x0*80000000\s+0x0*40000", link_map)
    loaded = re.findall(r"^LOAD (\S+)", link_map, re.M)
    assert loaded and not [f for f in loaded if f.endswith(".a") or "libgcc" in f], loaded

    # the builder's report agrees with the ELF; PlatformIO's check uses the board's limits
    for region, (origin, length) in regions.items():
        m = re.search(rf"^  {region}\s+0x{origin:08x}\s+{length:,} B  used\s+([\d,]+) B", out, re.M)
        assert m, out
        used = sum(size for name, (_, _, addr, size, _) in sections.items() if placed.get(name) == region)
        assert int(m.group(1).replace(",", "")) == used
    ram = sections[".stack"][3] + sections[".bss_all"][3]
    flash = sections[".read_only_data"][3] + sections[".data"][3]
    assert "RAM:   " in out and f"(used {ram} bytes from 262144 bytes)" in out
    assert f"(used {flash} bytes from 957168 bytes)" in out
    assert "./image_gen_gnu -e program.elf -s 1024 -o program.img" in out


FAKE_IMAGE_GEN = """#!/bin/sh
# stands in for Himax's image_gen_gnu: records how it is called, writes <-o name>_0.img from the ELF
echo "$@" > args.txt
while [ $# -gt 0 ]; do case "$1" in -e) elf="$2"; shift;; -o) out="$2"; shift;; esac; shift; done
cp "$elf" "${out%.img}_0.img"
"""


def test_builder_options(tmp_path, monkeypatch):
    """$TINYML_ARC_TOOLCHAIN (custom_arc_toolchain) is taken instead of the package, a folder without an
    ARC compiler is an error that says so, and with $HIMAX_IMAGE_GEN (custom_himax_image_gen) the build
    runs the image tool in its folder as Himax's Makefiles do and collects the image (a stand-in tool
    here: Himax's is not available)."""
    missing = _tools_missing()
    assert not missing, missing
    project = _copy_example(tmp_path / "repo", "hello_world")
    tool_dir = tmp_path / "image_gen_linux"
    tool_dir.mkdir()
    (tool_dir / "image_gen_gnu").write_text(FAKE_IMAGE_GEN)
    (tool_dir / "image_gen_gnu").chmod(0o755)
    bin_dir = os.path.dirname(shutil.which(ARC_GCC))
    monkeypatch.setenv("TINYML_ARC_TOOLCHAIN", bin_dir)
    monkeypatch.setenv("HIMAX_IMAGE_GEN", str(tool_dir))
    out = _pio_runner(project)("run", "-e", "himax")
    assert f"tinyml-himax: toolchain {ARC_GCC} " in out and f" in {bin_dir} (custom_arc_toolchain)" in out
    assert (tool_dir / "args.txt").read_text().split() == ["-e", "program.elf", "-s", "1024", "-o", "program.img"]
    image = project / ".pio" / "build" / "himax" / "program_0.img"
    assert image.read_bytes() == (project / ".pio" / "build" / "himax" / "program.elf").read_bytes()
    assert "Flash image: .pio/build/himax/program_0.img" in out
    assert not (tool_dir / "program.elf").exists()  # the copy for the tool is removed again
    monkeypatch.setenv("TINYML_ARC_TOOLCHAIN", str(tmp_path))
    with pytest.raises(AssertionError, match="no ARC GNU toolchain"):
        _pio_runner(project)("run", "-e", "himax")


RUNTIME_SOURCES = sorted(f for f in os.listdir(RUNTIME) if f.endswith(".c"))
LINKER_SYMBOLS = {"main", "__SDATA_BEGIN__", "__bss_start", "__bss_end", "__stack_top", "__init_array_start",
                  "__init_array_end"}


@pytest.mark.parametrize("opt", ["-O0", "-O2", "-O3", "-Os"])
def test_runtime_compiles_for_em9d_and_is_self_contained(opt, tmp_path):
    assert shutil.which(ARC_GCC), f"{ARC_GCC} missing: tools/setup_offline_pio.py --apt --test-tools"
    objects = []
    for src in RUNTIME_SOURCES:
        obj = tmp_path / (src[:-2] + ".o")
        res = subprocess.run([ARC_GCC, *EM9D_FLAGS, opt, "-std=gnu11", "-Wall", "-Wextra", "-Werror",
                              "-ffunction-sections", "-fdata-sections", "-mno-sdata", "-mno-millicode",
                              "-I", os.path.join(RUNTIME, "include"), "-c", os.path.join(RUNTIME, src),
                              "-o", str(obj)], capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        objects.append(str(obj))
    nm = subprocess.run(["arc-linux-gnu-nm", *objects], capture_output=True, text=True, check=True).stdout
    defined = set(re.findall(r"^[0-9a-f]+ [TDRB] (\S+)$", nm, re.M))
    undefined = set(re.findall(r"^\s+U (\S+)$", nm, re.M))
    assert undefined - defined - LINKER_SYMBOLS == set()
    # what GCC calls for double arithmetic and 64-bit division on this core is all there
    assert {"__adddf3", "__subdf3", "__muldf3", "__divdf3", "__extendsfdf2", "__truncdfsf2", "__ltdf2",
            "__fixdfsi", "__floatsidf", "__udivdi3", "__divdi3", "__umoddi3", "__moddi3", "__ashldi3"} <= defined


HOST_CHECK_C = r'''/* Host check of the tinyml-himax runtime: its objects, compiled for the host with every symbol
 * prefixed hx_, against the host's libc and arithmetic. Prints one line per part; exits 1 on any
 * difference. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hx_snprintf(char *buf, size_t size, const char *fmt, ...);
int hx_printf(const char *fmt, ...);
int hx_fflush(void *stream);
int hx_puts(const char *s);
int hx_fputs(const char *s, void *stream);
extern void *hx_stdout;
double hx___adddf3(double, double), hx___subdf3(double, double);
double hx___muldf3(double, double), hx___divdf3(double, double);
int hx___eqdf2(double, double), hx___nedf2(double, double), hx___ltdf2(double, double), hx___ledf2(double, double);
int hx___gtdf2(double, double), hx___gedf2(double, double), hx___unorddf2(double, double);
double hx___extendsfdf2(float);
float hx___truncdfsf2(double);
double hx___floatsidf(int32_t), hx___floatunsidf(uint32_t), hx___floatdidf(int64_t), hx___floatundidf(uint64_t);
float hx___floatdisf(int64_t), hx___floatundisf(uint64_t);
int32_t hx___fixdfsi(double);
uint32_t hx___fixunsdfsi(double);
int64_t hx___fixdfdi(double), hx___fixsfdi(float);
uint64_t hx___fixunsdfdi(double), hx___fixunssfdi(float);
uint64_t hx___udivdi3(uint64_t, uint64_t), hx___umoddi3(uint64_t, uint64_t);
int64_t hx___divdi3(int64_t, int64_t), hx___moddi3(int64_t, int64_t);
int64_t hx___ashldi3(int64_t, int), hx___ashrdi3(int64_t, int);
uint64_t hx___lshrdi3(uint64_t, int);
float hx_sinf(float), hx_cosf(float), hx_expf(float), hx_tanhf(float), hx_sqrtf(float);
float hx_floorf(float), hx_ceilf(float), hx_roundf(float), hx_truncf(float), hx_fabsf(float);
float hx_fminf(float, float), hx_fmaxf(float, float);
void *hx_memcpy(void *, const void *, size_t), *hx_memmove(void *, const void *, size_t);
void *hx_memset(void *, int, size_t);
int hx_memcmp(const void *, const void *, size_t);
size_t hx_strlen(const char *);

static char console[1 << 16];
static size_t console_len;
void hx_himax_uart_write(const char *s, size_t n)
{
    memcpy(console + console_len, s, n);
    console_len += n;
}

static long failures;
static void fail(const char *what, const char *detail)
{
    if (failures++ < 30) printf("FAIL %s: %s\n", what, detail);
}

static uint64_t state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double d_of(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint64_t u_of(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static float f_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static uint32_t uf_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* a double of every kind: random bits, with exponents biased to the interesting ends */
static double any_double(void)
{
    uint64_t u = rnd();
    switch (rnd() % 8) {
    case 0: u &= 0x800FFFFFFFFFFFFFull; break;                       /* subnormal / zero */
    case 1: u = (u & 0x800FFFFFFFFFFFFFull) | 0x7FF0000000000000ull; break; /* inf / nan */
    case 2: u = (u & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(1023 + (int)(rnd() % 80) - 40) << 52); break;
    case 3: u &= ~0xFFFFFFFFull; break;                               /* short significands: ties */
    case 4: u = (u & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(rnd() % 60 + 1) << 52); break; /* tiny */
    default: break;
    }
    return d_of(u);
}

#define SAME_BITS(a, b) (u_of(a) == u_of(b) || (isnan(a) && isnan(b)))
#define SAME_F(a, b) SAME_BITS((double)(a), (double)(b))

/* glibc 2.36 drops the zeros that '#' keeps in %#g when rounding carries into a new power of ten
 * ("1.e+03" for %#.3g of 999.5; C, and Python, give "1.00e+03"): equal up to those zeros */
static int same_output(const char *fmt, const char *ours, const char *host)
{
    char squeezed[2048];
    size_t i = 0, j = 0;
    if (strcmp(ours, host) == 0) return 1;
    if (!strchr(fmt, '#') || !(strchr(fmt, 'g') || strchr(fmt, 'G'))) return 0;
    while (ours[i]) {
        if (ours[i] == '.') {
            size_t z = i + 1;
            while (ours[z] == '0') z++;
            if (ours[z] == 'e' || ours[z] == 'E') {
                squeezed[j++] = '.';
                i = z;
                continue;
            }
        }
        squeezed[j++] = ours[i++];
    }
    squeezed[j] = 0;
    return strcmp(squeezed, host) == 0;
}

#define CHECK_FMT(fmt_expr, ...)                                                                    \
    do {                                                                                            \
        const char *fmt_ = (fmt_expr);                                                              \
        char ours[2048], host[2048], msg[4300];                                                     \
        int n1 = hx_snprintf(ours, sizeof ours, fmt_, __VA_ARGS__);                                 \
        int n2 = snprintf(host, sizeof host, fmt_, __VA_ARGS__);                                    \
        formats++;                                                                                  \
        if ((n1 != n2 && strcmp(ours, host) == 0) || !same_output(fmt_, ours, host)) {              \
            snprintf(msg, sizeof msg, "format \"%s\": ours [%s] (%d), host [%s] (%d)", fmt_, ours, n1, host, n2); \
            fail("printf", msg);                                                                    \
        }                                                                                           \
    } while (0)

static void test_format(void)
{
    long formats = 0;
    int i;
    static const char *const dfmts[] = {"%.17g", "%g", "%e", "%.3e", "%.0e", "%#.0e", "%G", "%E", "%+.12g",
                                        "%-16.9g|", "%.9g", "%#g", "%#.3g", "% .5g", "%.0g", "%.1g", "%25.15e",
                                        "%010.3g", "%-12.4G|", "%.40e", "%.25g", "%.30g"};
    static const char *const ffmts[] = {"%f", "%.4f", "%.1f", "%.0f", "%#.0f", "%12.3f", "%-12.3f|", "%+.2f",
                                        "%012.5f", "% f", "%.20f", "%F", "%.60f"};
    static const double specials[] = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1e23, 9.5, 99.5, 999.5,
                                      0.05, 0.15, 0.25, 0.35, 1e-5, 1e-4, 9.9999e-5, 123456789.0, 1e15, 1e16,
                                      1e17, 4.35, 0.1, 1.0 / 3, 2.0 / 3, 1e300, 1e-300, 5e-324, 2.2250738585072014e-308,
                                      1.7976931348623157e308, 100.0, 1e-10, 0.000123456, 999999.5, 9999995.0,
                                      INFINITY, -INFINITY, NAN, 6.28318531f, 0.0543f, 0.1161f};
    for (i = 0; i < (int)(sizeof specials / sizeof specials[0]); i++) {
        size_t k;
        for (k = 0; k < sizeof dfmts / sizeof dfmts[0]; k++) CHECK_FMT(dfmts[k], specials[i]);
        for (k = 0; k < sizeof ffmts / sizeof ffmts[0]; k++) CHECK_FMT(ffmts[k], specials[i]);
    }
    for (i = 0; i < 20000; i++) {
        const double d = any_double();
        const float f = f_of((uint32_t)rnd());
        CHECK_FMT(dfmts[rnd() % (sizeof dfmts / sizeof dfmts[0])], d);
        CHECK_FMT("%.9g %-16.9g %.4f %.1f %e", (double)f, (double)f, (double)f, (double)f, (double)f);
        if (fabs(d) < 1e30 || isnan(d)) CHECK_FMT(ffmts[rnd() % (sizeof ffmts / sizeof ffmts[0])], d);
    }
    CHECK_FMT("%.1000f", 5e-324);
    CHECK_FMT("%f", 1.7976931348623157e308);
    CHECK_FMT("%.767e", 5e-324);
    CHECK_FMT("[%d][%i][%ld][%u][%lu][%x][%X][%lx][%o]", -123, 0, (long)INT32_MIN, 4294967295u,
              (unsigned long)UINT32_MAX, 0xdeadbeefu, 0xabcdefu, (unsigned long)0x1234abcd, 8u);
    CHECK_FMT("[%5d][%-5d][%05d][%+d][% d][%02x][%08lx][%.3d][%.0d][%#x][%#o][%#.0o][%#X]", 42, 42, -42, 7, 7, 5u,
              (unsigned long)0xbeefu, 9, 0, 0x1fu, 8u, 0u, 0xabu);
    CHECK_FMT("[%s][%6s][%-6s][%.2s][%c][%3c][%%][%*d][%-*d][%.*f][%*.*s]", "str", "ab", "ab", "xyz", 'z', 'q', 4, 1,
              4, 1, 3, 3.14159, 6, 2, "hello");
    CHECK_FMT("[%lld][%llu][%llx][%lld][%hhd][%hd][%hhu][%hu][%zu][%jd][%td]", (long long)INT64_MIN,
              (unsigned long long)UINT64_MAX, (unsigned long long)0x123456789abcdef0ull, (long long)-1000000000000ll,
              300, 70000, 300, 70000, (size_t)12345, (intmax_t)-5, (ptrdiff_t)-7);
    CHECK_FMT("[%p][%10.4d][%-+6d][%+.0d][% 05d][%-8d]", (void *)0x1234, -12, 5, 0, 3, -3);
    CHECK_FMT("%s=%d (%.1f%%) -> %s%s\n", "yes", -128, 100.0 * 0.99609375, "yes", "");
    for (i = 0; i < 20000; i++) {
        const uint64_t u = rnd() >> (rnd() % 64);
        const int64_t s = (int64_t)rnd() >> (rnd() % 64);
        CHECK_FMT("%llu %lld %llx %llo %u %d %x", (unsigned long long)u, (long long)s, (unsigned long long)u,
                  (unsigned long long)u, (unsigned)u, (int)s, (unsigned)s);
    }
    {   /* truncation */
        char small[8];
        int n = hx_snprintf(small, sizeof small, "%s-%d", "abcdef", 12345);
        if (n != 12 || strcmp(small, "abcdef-")) fail("snprintf truncation", small);
        n = hx_snprintf(NULL, 0, "%d", 123456);
        if (n != 6) fail("snprintf size 0", "length");
    }
    {   /* the console */
        console_len = 0;
        hx_printf("x=%.4f %s\n", 0.5, "ok");
        hx_fputs("no newline", hx_stdout);
        if (console_len != 12) fail("printf line buffering", "line not flushed at \\n");
        hx_fflush(hx_stdout);
        hx_puts("!");
        console[console_len] = 0;
        if (strcmp(console, "x=0.5000 ok\nno newline!\n")) fail("console", console);
    }
    printf("format: %ld cases\n", formats);
}

static void test_softfloat(void)
{
    long i, n = 0;
    char msg[256];
    for (i = 0; i < 400000; i++) {
        const double a = any_double(), b = (rnd() & 3) ? any_double() : a * (double)(int)(rnd() % 5 - 2);
        const float f = f_of((uint32_t)rnd());
        double r;
#define OP(name, expr, ours)                                                                        \
        r = ours;                                                                                   \
        if (!SAME_BITS(r, expr)) {                                                                  \
            snprintf(msg, sizeof msg, "%a %s %a: ours %a, host %a", a, name, b, r, expr);           \
            fail("softfloat", msg);                                                                 \
        }
        OP("+", a + b, hx___adddf3(a, b));
        OP("-", a - b, hx___subdf3(a, b));
        OP("*", a * b, hx___muldf3(a, b));
        OP("/", a / b, hx___divdf3(a, b));
        if ((hx___eqdf2(a, b) == 0) != (a == b) || (hx___nedf2(a, b) != 0) != (a != b) ||
            (hx___ltdf2(a, b) < 0) != (a < b) || (hx___ledf2(a, b) <= 0) != (a <= b) ||
            (hx___gtdf2(a, b) > 0) != (a > b) || (hx___gedf2(a, b) >= 0) != (a >= b) ||
            (hx___unorddf2(a, b) != 0) != (isnan(a) || isnan(b))) {
            snprintf(msg, sizeof msg, "compare %a %a", a, b);
            fail("softfloat", msg);
        }
        if (!SAME_BITS(hx___extendsfdf2(f), (double)f)) fail("softfloat", "extendsfdf2");
        {
            const float t = hx___truncdfsf2(a);
            if (!(uf_of(t) == uf_of((float)a) || (isnan(t) && isnan(a)))) {
                snprintf(msg, sizeof msg, "truncdfsf2 %a: ours %a host %a", a, (double)t, (double)(float)a);
                fail("softfloat", msg);
            }
        }
        {
            const int64_t s = (int64_t)rnd() >> (rnd() % 64);
            const int32_t s32 = (int32_t)s;
            const uint64_t us = (uint64_t)s;
            if (!SAME_BITS(hx___floatsidf(s32), (double)s32) || !SAME_BITS(hx___floatunsidf((uint32_t)s), (double)(uint32_t)s) ||
                !SAME_BITS(hx___floatdidf(s), (double)s) || !SAME_BITS(hx___floatundidf(us), (double)us) ||
                uf_of(hx___floatdisf(s)) != uf_of((float)s) || uf_of(hx___floatundisf(us)) != uf_of((float)us)) {
                snprintf(msg, sizeof msg, "int to float %lld", (long long)s);
                fail("softfloat", msg);
            }
        }
        if (!isnan(a) && fabs(a) < 2147483647.0 && hx___fixdfsi(a) != (int32_t)a) fail("softfloat", "fixdfsi");
        if (!isnan(a) && a > -1.0 && a < 4294967295.0 && hx___fixunsdfsi(a) != (uint32_t)a)
            fail("softfloat", "fixunsdfsi");
        if (!isnan(a) && fabs(a) < 9.2e18 && hx___fixdfdi(a) != (int64_t)a) fail("softfloat", "fixdfdi");
        if (!isnan(a) && a > -1.0 && a < 1.8e19 && hx___fixunsdfdi(a) != (uint64_t)a) fail("softfloat", "fixunsdfdi");
        if (!isnan(f) && fabsf(f) < 9.2e18f && hx___fixsfdi(f) != (int64_t)f) fail("softfloat", "fixsfdi");
        if (!isnan(f) && f > -1.0f && f < 1.8e19f && hx___fixunssfdi(f) != (uint64_t)f)
            fail("softfloat", "fixunssfdi");
        n++;
    }
    printf("softfloat: %ld cases\n", n);
}

static void test_int64(void)
{
    long i;
    char msg[200];
    for (i = 0; i < 400000; i++) {
        const uint64_t a = rnd() >> (rnd() % 64), b = (rnd() >> (rnd() % 64)) | 1u;
        const int64_t sa = (int64_t)rnd() >> (rnd() % 64), sb = ((int64_t)rnd() >> (rnd() % 64)) | 1;
        const int sh = (int)(rnd() % 64);
        if (hx___udivdi3(a, b) != a / b || hx___umoddi3(a, b) != a % b || hx___divdi3(sa, sb) != sa / sb ||
            hx___moddi3(sa, sb) != sa % sb || hx___ashldi3(sa, sh) != (int64_t)((uint64_t)sa << sh) ||
            hx___ashrdi3(sa, sh) != sa >> sh || hx___lshrdi3(a, sh) != a >> sh) {
            snprintf(msg, sizeof msg, "%llu %llu %lld %lld %d", (unsigned long long)a, (unsigned long long)b,
                     (long long)sa, (long long)sb, sh);
            fail("int64", msg);
        }
    }
    printf("int64: %ld cases\n", i);
}

static long ulps(float a, float b)
{
    int32_t x = (int32_t)uf_of(a), y = (int32_t)uf_of(b);
    if (x < 0) x = INT32_MIN - x;
    if (y < 0) y = INT32_MIN - y;
    return labs((long)x - (long)y);
}

static void test_math(void)
{
    long i, worst_sin = 0, worst_cos = 0, worst_exp = 0, worst_tanh = 0;
    char msg[200];
    for (i = 0; i < 300000; i++) {
        const float x = (float)((double)(int64_t)(rnd() % 2000001 - 1000000) * 1e-1 * ((rnd() & 1) ? 1.0 : 1e-3));
        const float y = f_of((uint32_t)rnd());
        const float e = (float)((double)(int64_t)(rnd() % 1940001 - 1040000) * 1e-4);
        const float t = (float)((double)(int64_t)(rnd() % 2400001 - 1200000) * 1e-5);
        long u;
        u = ulps(hx_sinf(x), (float)sin((double)x)); if (u > worst_sin) worst_sin = u;
        u = ulps(hx_cosf(x), (float)cos((double)x)); if (u > worst_cos) worst_cos = u;
        u = ulps(hx_expf(e), (float)exp((double)e)); if (u > worst_exp) worst_exp = u;
        u = ulps(hx_tanhf(t), (float)tanh((double)t)); if (u > worst_tanh) worst_tanh = u;
        if (!SAME_F(hx_sqrtf(y), sqrtf(y)) || !SAME_F(hx_floorf(y), floorf(y)) || !SAME_F(hx_ceilf(y), ceilf(y)) ||
            !SAME_F(hx_roundf(y), roundf(y)) || !SAME_F(hx_truncf(y), truncf(y)) || !SAME_F(hx_fabsf(y), fabsf(y))) {
            snprintf(msg, sizeof msg, "%a: sqrt %a %a floor %a ceil %a round %a %a", (double)y, (double)hx_sqrtf(y),
                     (double)sqrtf(y), (double)hx_floorf(y), (double)hx_ceilf(y), (double)hx_roundf(y), (double)roundf(y));
            fail("math", msg);
        }
    }
    {
        static const float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, -1e-40f, 0.5f, -0.5f, 2.5f,
                                        88.7f, 89.5f, -103.9f, -105.0f, 1e6f, 1.5e6f, 3.14159265f, 1.57079633f};
        size_t k;
        for (k = 0; k < sizeof special / sizeof special[0]; k++) {
            const float s = special[k];
            if (ulps(hx_sinf(s), sinf(s)) > 1 && !(isnan(hx_sinf(s)) && isnan(sinf(s)))) fail("math", "sinf special");
            if (ulps(hx_cosf(s), cosf(s)) > 1 && !(isnan(hx_cosf(s)) && isnan(cosf(s)))) fail("math", "cosf special");
            if (ulps(hx_expf(s), expf(s)) > 1 && !(isnan(hx_expf(s)) && isnan(expf(s)))) fail("math", "expf special");
            if (ulps(hx_tanhf(s), tanhf(s)) > 1 && !(isnan(hx_tanhf(s)) && isnan(tanhf(s))))
                fail("math", "tanhf special");
            if (!SAME_BITS((double)hx_sqrtf(s), (double)sqrtf(s))) fail("math", "sqrtf special");
            if (!SAME_BITS((double)hx_roundf(s), (double)roundf(s))) fail("math", "roundf special");
        }
        if (hx_fminf(NAN, 2.0f) != 2.0f || hx_fmaxf(1.0f, NAN) != 1.0f || hx_fminf(-1.0f, 2.0f) != -1.0f ||
            hx_fmaxf(-1.0f, 2.0f) != 2.0f)
            fail("math", "fminf/fmaxf");
    }
    printf("math: worst ulps sinf %ld cosf %ld expf %ld tanhf %ld\n", worst_sin, worst_cos, worst_exp, worst_tanh);
    if (worst_sin > 1 || worst_cos > 1 || worst_exp > 1 || worst_tanh > 1) fail("math", "more than 1 ulp");
}

static void test_string(void)
{
    int i, k;
    for (i = 0; i < 20000; i++) {
        unsigned char x[300], y[300], src[300];
        const int so = (int)(rnd() % 8), dof = (int)(rnd() % 8), n = (int)(rnd() % 200), c = (int)(rnd() & 255);
        for (k = 0; k < 300; k++) x[k] = y[k] = (unsigned char)k, src[k] = (unsigned char)rnd();
        hx_memcpy(x + dof, src + so, (size_t)n);
        memcpy(y + dof, src + so, (size_t)n);
        if (memcmp(x, y, 300)) fail("string", "memcpy");
        hx_memmove(x + dof, x + so, (size_t)n);
        memmove(y + dof, y + so, (size_t)n);
        if (memcmp(x, y, 300)) fail("string", "memmove");
        hx_memset(x + so, c, (size_t)n);
        memset(y + so, c, (size_t)n);
        if (memcmp(x, y, 300)) fail("string", "memset");
        if ((hx_memcmp(x, src, (size_t)n) > 0) != (memcmp(x, src, (size_t)n) > 0)) fail("string", "memcmp");
    }
    if (hx_strlen("hello") != 5 || hx_strlen("") != 0) fail("string", "strlen");
    printf("string: ok\n");
}

int main(void)
{
    test_format();
    test_softfloat();
    test_int64();
    test_math();
    test_string();
    printf("failures: %ld\n", failures);
    return failures != 0;
}
'''


def test_runtime_against_the_host(tmp_path):
    """The runtime's portable C (everything but the start-up code and the UART driver), compiled for
    the host with its symbols prefixed hx_, checked against the host's own libc and arithmetic."""
    cc = os.environ.get("CC", "cc")
    objects = []
    for src in RUNTIME_SOURCES:
        if src in ("startup.c", "uart.c"):  # ARC instructions: nothing to run them here
            continue
        obj = tmp_path / (src[:-2] + ".o")
        subprocess.run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror", "-fno-stack-protector", "-fno-pie",
                        "-I", os.path.join(RUNTIME, "include"), "-c", os.path.join(RUNTIME, src), "-o", str(obj)],
                       check=True)
        subprocess.run(["objcopy", "--prefix-symbols=hx_", str(obj)], check=True)
        objects.append(str(obj))
    (tmp_path / "check.c").write_text(HOST_CHECK_C)
    exe = tmp_path / "check"
    subprocess.run([cc, "-std=gnu11", "-O2", "-fno-pie", "-no-pie", str(tmp_path / "check.c"), *objects, "-lm",
                    "-o", str(exe)], check=True)
    res = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "failures: 0" in res.stdout
    m = re.search(r"math: worst ulps sinf (\d+) cosf (\d+) expf (\d+) tanhf (\d+)", res.stdout)
    assert m and max(int(v) for v in m.groups()) <= 1, res.stdout

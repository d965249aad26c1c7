"""Builder of the tinyml-himax dev-platform: a bare-metal program.elf for the Himax WE-I Plus EVB
(HX6537-A, ARC EM9D) with an ARC GNU toolchain, the platform's start-up code, linker script and C
runtime (runtime/), a size report against the chip's memory map, and the flash image made with
Himax's image_gen_gnu (or the command to make it).

The toolchain, first found of:
  1. `custom_arc_toolchain` in platformio.ini, or $TINYML_ARC_TOOLCHAIN: a folder (its bin/ is
     searched too) or a tool prefix such as /opt/arc_gnu/bin/arc-elf32-
  2. the package toolchain-arc-elf32 (platform_packages = toolchain-arc-elf32 @ <its folder>, or the
     one tools/setup_offline_pio.py installs)
  3. $PATH
with, in each, the prefixes arc-elf32- (Synopsys' bare-metal GNU toolchain), arc-linux-gnu- (Debian's
gcc-arc-linux-gnu; only its compiler, assembler and linker are used) and arc-snps-linux-gnu-, in
this order.
No C library or libgcc of the toolchain is linked: the runtime has its own (runtime/softfloat.c
tells why).
"""
import os
import re
import shutil
import subprocess

from SCons.Script import AlwaysBuild, Default, DefaultEnvironment

env = DefaultEnvironment()
platform = env.PioPlatform()
board = env.BoardConfig()

PREFIXES = ("arc-elf32-", "arc-linux-gnu-", "arc-snps-linux-gnu-")
PACKAGE = "toolchain-arc-elf32"
IMAGE_TOOL = "image_gen_gnu"
IMAGE_TOOL_ZIP = "https://www.himax.com.tw/we-i/image_gen_linux_v2_1_12.zip"


def fail(message):
    print("tinyml-himax: error: " + message)
    env.Exit(1)


def find_toolchain():
    """(bin folder, prefix, where it came from) of the first ARC GNU toolchain found."""
    given = env.GetProjectOption("custom_arc_toolchain", "") or os.environ.get("TINYML_ARC_TOOLCHAIN", "")
    if given:
        given = os.path.expanduser(given)
        if os.path.isfile(given + "gcc"):  # a prefix: /path/to/bin/arc-elf32-
            return os.path.dirname(given), os.path.basename(given), "custom_arc_toolchain"
        for prefix in PREFIXES:
            for folder in (os.path.join(given, "bin"), given):
                if os.path.isfile(os.path.join(folder, prefix + "gcc")):
                    return folder, prefix, "custom_arc_toolchain"
        fail("no ARC GNU toolchain (%s) in %s (custom_arc_toolchain / $TINYML_ARC_TOOLCHAIN)"
             % ("gcc, ".join(PREFIXES) + "gcc", given))
    package_dir = platform.get_package_dir(PACKAGE)
    sources = [("package " + PACKAGE, [os.path.join(package_dir, "bin"), package_dir] if package_dir else []),
               ("$PATH", env["ENV"].get("PATH", os.environ.get("PATH", "")).split(os.pathsep))]
    for origin, folders in sources:
        for prefix in PREFIXES:
            for folder in folders:
                if folder and os.path.isfile(os.path.join(folder, prefix + "gcc")):
                    return folder, prefix, origin
    fail("no ARC GNU toolchain found. Install Synopsys' arc-elf32 GNU toolchain "
         "(https://github.com/foss-for-synopsys-dwc-arc-processors/toolchain/releases) and set "
         "custom_arc_toolchain = <its folder> (or put its bin/ on $PATH), or on Debian/Ubuntu "
         "apt-get install gcc-arc-linux-gnu")
    return None


bin_dir, PREFIX, origin = find_toolchain()
env.PrependENVPath("PATH", bin_dir)
try:
    gcc_version = subprocess.run([os.path.join(bin_dir, PREFIX + "gcc"), "-dumpversion"], capture_output=True,
                                 text=True, check=True).stdout.strip()
except (OSError, subprocess.CalledProcessError) as e:
    fail("%sgcc in %s does not run: %s" % (PREFIX, bin_dir, e))
print("tinyml-himax: toolchain %sgcc %s in %s (%s)" % (PREFIX, gcc_version, bin_dir, origin))

env.Replace(
    AR=PREFIX + "ar",
    AS=PREFIX + "as",
    CC=PREFIX + "gcc",
    CXX=PREFIX + "g++",
    GDB=PREFIX + "gdb",
    OBJCOPY=PREFIX + "objcopy",
    RANLIB=PREFIX + "ranlib",
    READELF=PREFIX + "readelf",
    SIZETOOL=PREFIX + "size",
    ARFLAGS=["rc"],
    PROGSUFFIX=".elf",
    # PlatformIO's size check: "Flash" = what the image puts in the system SRAM (constants and
    # data, upload.maximum_size), "RAM" = the DCCM (stack and .bss, upload.maximum_ram_size).
    # The code's region (ICCM1) is checked by the linker and shown in the memory map report.
    SIZEPROGREGEXP=r"^(?:\.read_only_data|\.data)\s+(\d+).*",
    SIZEDATAREGEXP=r"^(?:\.stack|\.bss_all)\s+(\d+).*",
    SIZECHECKCMD="$SIZETOOL -A -d $SOURCES",
    SIZEPRINTCMD="$SIZETOOL -B -d $SOURCES",
)

# The core's options (-mcpu=em4_fpus ... -mfpu=fpus_all) come from the board's build.extra_flags.
env.Append(
    CCFLAGS=["-O2", "-Wall", "-ffunction-sections", "-fdata-sections", "-fno-common",
             "-mno-sdata",       # no gp-relative small data
             "-mno-millicode",   # -Os would call libgcc's register save/restore routines
             "-fno-unwind-tables", "-fno-asynchronous-unwind-tables"],
    CFLAGS=["-std=gnu11"],
    CXXFLAGS=["-fno-exceptions", "-fno-rtti"],
    CPPDEFINES=["TINYML_HIMAX", ("F_CPU", "$BOARD_F_CPU")],
    LINKFLAGS=["-nostdlib", "-nostartfiles", "-static", "-Wl,--gc-sections", "-Wl,--build-id=none",
               "-Wl,-Map," + os.path.join("$BUILD_DIR", "${PROGNAME}.map")],
)
stack_size = env.GetProjectOption("custom_himax_stack_size", "")
if stack_size:
    env.Append(LINKFLAGS=["-Wl,--defsym=__stack_size=%d" % int(str(stack_size), 0)])

ldscript = os.path.join(platform.get_dir(), "ldscripts", board.get("build.ldscript", "himax_we1_evb.ld"))
if not os.path.isfile(ldscript):
    fail("linker script %s not found" % ldscript)
env.Replace(LDSCRIPT_PATH=ldscript)

# Start-up code, UART console and C runtime: part of every firmware, like a framework's core. Its
# headers (stdio.h, string.h, math.h, stdlib.h) come before the toolchain's.
runtime_dir = os.path.join(platform.get_dir(), "runtime")
env.Prepend(CPPPATH=[os.path.join(runtime_dir, "include")])
env.BuildSources(os.path.join("$BUILD_DIR", "himax-runtime"), runtime_dir, src_filter="+<*.c>")

target_elf = env.BuildProgram()
AlwaysBuild(env.Alias("nobuild", target_elf))
target_size = env.AddPlatformTarget(
    "size", target_elf, env.VerboseAction("$SIZEPRINTCMD", "Calculating size $SOURCE"),
    "Program Size", "Calculate program size")


# ---------------------------------------------------------------- memory map report
def memory_regions(path):
    """[(name, origin, length)] of the linker script's MEMORY block."""
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    block = re.search(r"MEMORY\s*{(.*?)}", text, re.S).group(1)
    return [(m.group(1), int(m.group(2), 0), int(m.group(3), 0)) for m in
            re.finditer(r"(\w+)\s*(?:\([^)]*\))?\s*:\s*ORIGIN\s*=\s*(\w+)\s*,\s*LENGTH\s*=\s*(\w+)", block)]


def allocated_sections(elf):
    """[(name, address, size)] of the ELF's sections that occupy target memory."""
    out = subprocess.run([env.subst("$READELF"), "-S", "-W", elf], capture_output=True, text=True,
                         env={"PATH": env["ENV"]["PATH"]}, check=True).stdout
    sections = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)", line)
        if m and "A" in m.group(4) and int(m.group(3), 16):
            sections.append((m.group(1), int(m.group(2), 16), int(m.group(3), 16)))
    return sections


def report_memory(target, source, env):  # pylint: disable=unused-argument
    elf = str(source[0])
    regions = memory_regions(ldscript)
    sections = allocated_sections(elf)
    lines = ["Memory map of %s (%s):" % (os.path.relpath(elf), board.get("name", ""))]
    placed = set()
    for name, origin, length in regions:
        inside = [s for s in sections if origin <= s[1] and s[1] + s[2] <= origin + length]
        used = sum(s[2] for s in inside)
        placed.update(s[0] for s in inside)
        lines.append("  %-7s 0x%08x %9s B  used %9s B (%5.1f%%)  %s" % (
            name, origin, "{:,}".format(length), "{:,}".format(used), 100.0 * used / length,
            " ".join("%s %s" % (s[0], "{:,}".format(s[2])) for s in inside) or "-"))
    print("\n".join(lines))  # one print: SCons may run other actions meanwhile
    stray = [s[0] for s in sections if s[0] not in placed]
    if stray:
        print("tinyml-himax: error: sections outside the memory map: " + ", ".join(stray))
        return 1
    return 0


target_map = env.Alias("memorymap", target_elf, env.VerboseAction(report_memory, "Checking memory map $SOURCE"))
AlwaysBuild(target_map)
env.Depends(target_map, "checkprogsize")  # after PlatformIO's RAM/Flash lines, not between them


# ---------------------------------------------------------------- flash image
def image_gen_dir():
    given = env.GetProjectOption("custom_himax_image_gen", "") or os.environ.get("HIMAX_IMAGE_GEN", "")
    return os.path.abspath(os.path.expanduser(given)) if given else ""


def make_image(target, source, env):  # pylint: disable=unused-argument
    """Himax's image_gen_gnu (from image_gen_linux_v2_1_12.zip) turns the ELF into the image the boot
    loader flashes over XMODEM, split into <name>_0.img, _1.img, ... of at most 1 MB (-s 1024). Like
    Himax's Makefiles, run it in its own folder (it finds its helper tools and keys there)."""
    elf = os.path.abspath(str(source[0]))
    name = os.path.splitext(os.path.basename(elf))[0]
    build_dir = os.path.dirname(elf)
    tool_dir = image_gen_dir()
    command = "cd %s && cp %s . && ./%s -e %s -s 1024 -o %s.img" % (
        tool_dir or "<image_gen_linux>", elf, IMAGE_TOOL, os.path.basename(elf), name)
    if not tool_dir:
        print("Flash image: not made (Himax's %s is not part of this platform). With Himax's image tool "
              "(%s, unpacked into a folder image_gen_linux), run:\n  %s\nor set custom_himax_image_gen = "
              "<that folder> (or $HIMAX_IMAGE_GEN) and pio run makes it. Then send %s_0.img (and _1, ... "
              "if there are more) with XMODEM from the boot loader's menu (platform/tinyml-himax/README.md)."
              % (IMAGE_TOOL, IMAGE_TOOL_ZIP, command, name))
        return 0
    if not os.path.isfile(os.path.join(tool_dir, IMAGE_TOOL)):
        print("tinyml-himax: error: no %s in %s (custom_himax_image_gen / $HIMAX_IMAGE_GEN)" % (IMAGE_TOOL, tool_dir))
        return 1
    print(command)
    shutil.copy(elf, tool_dir)
    try:
        res = subprocess.run(["./" + IMAGE_TOOL, "-e", os.path.basename(elf), "-s", "1024", "-o", name + ".img"],
                             cwd=tool_dir, check=False)
    except OSError as e:
        print("tinyml-himax: error: %s does not run: %s" % (IMAGE_TOOL, e))
        return 1
    finally:
        os.remove(os.path.join(tool_dir, os.path.basename(elf)))
    images = sorted(f for f in os.listdir(tool_dir) if f.startswith(name) and f.endswith(".img"))
    for f in images:
        shutil.move(os.path.join(tool_dir, f), os.path.join(build_dir, f))
    if res.returncode != 0 or not images:
        print("tinyml-himax: error: %s failed (exit status %d)" % (IMAGE_TOOL, res.returncode))
        return 1
    print("Flash image: " + ", ".join(os.path.join(os.path.relpath(build_dir), f) for f in images))
    return 0


target_image = env.Alias("image", target_elf, env.VerboseAction(make_image, "Making the flash image of $SOURCE"))
AlwaysBuild(target_image)
env.Depends(target_image, target_map)

Default([target_elf, target_size, target_map, target_image])

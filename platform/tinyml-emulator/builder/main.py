"""Builder of the tinyml-emulator dev-platform: arm-none-eabi-gcc for Cortex-M4F, firmware.elf,
and the `exec` target that runs it on QEMU's mps2-an386 with semihosting on stdout."""
import os

from SCons.Script import AlwaysBuild, Default, DefaultEnvironment

env = DefaultEnvironment()
platform = env.PioPlatform()
board = env.BoardConfig()

CPU_FLAGS = ["-mcpu=%s" % board.get("build.cpu", "cortex-m4"), "-mthumb",
             "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"]

env.Replace(
    AR="arm-none-eabi-gcc-ar",
    AS="arm-none-eabi-as",
    CC="arm-none-eabi-gcc",
    CXX="arm-none-eabi-g++",
    GDB="arm-none-eabi-gdb",
    OBJCOPY="arm-none-eabi-objcopy",
    RANLIB="arm-none-eabi-gcc-ranlib",
    SIZETOOL="arm-none-eabi-size",
    ARFLAGS=["rc"],
    SIZEPROGREGEXP=r"^(?:\.text|\.data|\.ARM\.exidx|\.ARM\.extab|\.init_array|\.fini_array|\.preinit_array)\s+(\d+).*",
    SIZEDATAREGEXP=r"^(?:\.data|\.bss)\s+(\d+).*",
    SIZECHECKCMD="$SIZETOOL -A -d $SOURCES",
    SIZEPRINTCMD="$SIZETOOL -B -d $SOURCES",
    PROGSUFFIX=".elf",
    QEMU="qemu-system-arm",
    QEMU_MACHINE=board.get("build.qemu_machine", "mps2-an386"),
)

env.Append(
    ASFLAGS=CPU_FLAGS,
    CCFLAGS=CPU_FLAGS + ["-O2", "-Wall", "-ffunction-sections", "-fdata-sections"],
    CFLAGS=["-std=gnu11"],
    CXXFLAGS=["-fno-exceptions", "-fno-rtti"],
    CPPDEFINES=["TINYML_EMULATOR", ("F_CPU", "$BOARD_F_CPU")],
    LINKFLAGS=CPU_FLAGS + ["-Wl,--gc-sections", "--specs=nano.specs", "--specs=nosys.specs",
                           "-u", "_printf_float"],
    LIBS=["m"],
)

if not board.get("build.ldscript", ""):
    env.Exit("tinyml-emulator: the board has no build.ldscript")
env.Replace(LDSCRIPT_PATH=os.path.join(platform.get_dir(), "ldscripts", board.get("build.ldscript")))

# Start-up code and semihosting system calls: part of every firmware, like a framework's core.
runtime_dir = os.path.join(platform.get_dir(), "runtime")
env.Append(CPPPATH=[runtime_dir])
env.BuildSources(os.path.join("$BUILD_DIR", "emulator-runtime"), runtime_dir)

target_elf = env.BuildProgram()
AlwaysBuild(env.Alias("nobuild", target_elf))
target_size = env.AddPlatformTarget(
    "size", target_elf, env.VerboseAction("$SIZEPRINTCMD", "Calculating size $SOURCE"),
    "Program Size", "Calculate program size")

# `pio run -t exec`: run the firmware; its printf goes to stdout, its exit code becomes pio's.
# A firmware that never exits is stopped after `custom_exec_timeout` seconds (default 600).
env.Replace(EXEC_TIMEOUT=str(env.GetProjectOption("custom_exec_timeout", "600")))
env.AddPlatformTarget(
    "exec", target_elf,
    env.VerboseAction([["timeout", "$EXEC_TIMEOUT", "$QEMU", "-M", "$QEMU_MACHINE", "-cpu", "cortex-m4",
                        "-display", "none", "-monitor", "none", "-serial", "none", "-chardev", "stdio,id=sh0",
                        "-semihosting-config", "enable=on,target=native,chardev=sh0",
                        "-kernel", "$SOURCE"]],
                      "Running $SOURCE on QEMU $QEMU_MACHINE"),
    "Execute", "Run the firmware on QEMU")

Default([target_elf, target_size])

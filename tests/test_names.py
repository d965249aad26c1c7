"""Model names that would collide with C, the kernel library or each other.

The rule (cfmt.c_identifier, used for file names, ``--name`` and the PlatformIO hook alike): a name
that starts with a digit or with the library's tml / tinyml gets ``m_`` in front; one that is a C or
C++ keyword or a header's base name (math, string, stdint, stddef, Arduino, ...) gets ``_model``
appended, ignoring case; two models whose names are equal ignoring case are a one-line error.

Checked by building: the hook (through test_pio_hook.run_script) converts the models, then its
generated sources and a program including the system headers and every model header compile
warning-free with gcc and clang, and link.
"""
import os
import random
import re
import shutil
import subprocess

import pytest

from test_errors import tinyml
from test_pio_hook import INT8_MODEL, run_script

from platformio_tinyml.api import default_name, library_dir
from platformio_tinyml.emit import cfmt

STRICT = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"]
SYSTEM = ["math", "string", "stdint", "stddef", "stdlib", "stdio", "assert", "limits"]


def project(tmp_path, *files):
    proj = tmp_path / "proj"
    (proj / "models").mkdir(parents=True)
    for f in files:
        shutil.copy(INT8_MODEL, proj / "models" / f)
    return proj


def build(env, tmp_path, cc: str) -> None:
    """Compile what the hook added to the build, and a program that includes the system headers
    and every generated header, with the hook's include path; link and run it."""
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (.ci/run installs it)")
    names = env["TINYML_HOOK_STATE"]["models"]
    incs = [f"-I{d}" for d in env["CPPPATH"]]
    main = tmp_path / "main.c"
    main.write_text("".join(f"#include <{h}.h>\n" for h in SYSTEM)
                    + "".join(f'#include "{n}.h"\n' for n in names)
                    + "int main(void)\n{\n    char buf[8];\n    size_t n;\n    int32_t sum = 0;\n"
                    + '    memcpy(buf, "tinyml", 7);\n    n = strlen(buf);\n'
                    + "".join(f"    sum += (int32_t){n}_model.arena_bytes + {n.upper()}_INPUT_COUNT;\n"
                              for n in names)
                    + "    assert(sum > 0 && n == 6 && INT32_MAX > 0);\n"
                    + '    printf("%d %s\\n", (int)(sqrtf(16.0f) + (float)sum * 0.0f), buf);\n'
                    + "    return EXIT_SUCCESS;\n}\n")
    sources = [str(main)] + [src for _, src in env.objects]
    res = subprocess.run([cc, *STRICT, *incs, *sources, "-o", str(tmp_path / "prog"), "-lm"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[:3000]
    run = subprocess.run([str(tmp_path / "prog")], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout == "4 tinyml\n"


@pytest.mark.parametrize("cc", ["gcc", "clang"])
@pytest.mark.parametrize("stems, names", [
    (["tinyml"], ["m_tinyml"]),                  # tinyml.h would shadow the library's header
    (["tml", "TML_net"], ["m_TML_net", "m_tml"]),     # tml_model is the library's type
    (SYSTEM + ["Arduino", "int"], sorted(s + "_model" for s in SYSTEM + ["Arduino", "int"])),
], ids=["tinyml", "tml", "system"])
def test_reserved_model_names_build(stems, names, cc, tmp_path, capsys):
    proj = project(tmp_path, *(s + ".tflite" for s in stems))
    env = run_script(str(proj))
    build(env, tmp_path, cc)
    assert sorted(env["TINYML_HOOK_STATE"]["models"]) == names


@pytest.mark.parametrize("files, line", [
    (["kws.tflite", "KWS.tflite"],
     "models/kws.tflite and models/KWS.tflite would generate 'kws.h' and 'KWS.h', which differ only in "
     "case (one header guard TINYML_MODEL_KWS_H, one set of macros KWS_*); rename one of them"),
    (["math.tflite", "math_model.tflite"],
     "models/math_model.tflite and models/math.tflite would both generate 'math_model.h'; rename one of them"),
    (["a-b.tflite", "a b.tflite"],
     "models/a-b.tflite and models/a b.tflite would both generate 'a_b.h'; rename one of them"),
])
def test_colliding_model_names_stop_the_build(files, line, tmp_path, capsys):
    proj = project(tmp_path, *files)
    with pytest.raises(SystemExit) as exc:
        run_script(str(proj))
    assert exc.value.code == 1
    assert capsys.readouterr().err.splitlines() == ["tinyml: error: " + line]
    assert not (proj / ".pio" / "build" / "fake" / "tinyml").exists()    # nothing generated


@pytest.mark.parametrize("given, name", [("tinyml", "m_tinyml"), ("math", "math_model"), ("tml", "m_tml")])
def test_command_line_name_follows_the_rule(given, name, tmp_path):
    out = tmp_path / "out"
    res = tinyml("convert", INT8_MODEL, "-o", str(out), "--name", given)
    assert res.returncode == 0, res.stderr
    (c_file,) = out.glob("*.c")
    res = subprocess.run(["gcc", *STRICT, "-I", str(out), "-I", str(library_dir() / "src"), "-c",
                          str(c_file), "-o", str(tmp_path / "m.o")], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[:3000]
    assert sorted(os.listdir(out)) == [f"{name}.c", f"{name}.h"]


def test_identifier_rule_over_random_text():
    """Any text gives a C identifier outside the reserved names, the library's prefixes and C's
    reserved _X / __ forms; the rule is idempotent (the hook passes its names through it again);
    ordinary names are kept."""
    c_identifier, reserved = cfmt.c_identifier, cfmt.C_KEYWORDS | cfmt.HEADER_NAMES
    rng = random.Random(4)
    alphabet = "aZ_09-. /*?\\\u00e9\u4e2d" + "".join(chr(c) for c in range(0x20))
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    texts += sorted(reserved) + [w.upper() for w in reserved] + \
        ["tml", "TML", "tml_x", "Tinyml", "tinyml_x", "tinyml2", "0", "_", "__x"]
    for t in texts:
        n = c_identifier(t)
        low = n.lower()
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n), (t, n)
        assert c_identifier(n) == n, (t, n)
        assert low not in reserved, (t, n)
        assert not re.match(r"(tml|tinyml)(_|$)", low), (t, n)
    for ok in ("hello_world_int8", "magic_wand", "KWS", "m_sine", "tmlx", "mathx", "person_detect"):
        assert c_identifier(ok) == ok
    assert cfmt.name_key("KWS") == cfmt.name_key("kws") != cfmt.name_key("kws2")
    assert default_name("/p/models/stdint.tflite") == "stdint_model"

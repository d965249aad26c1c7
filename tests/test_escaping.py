"""Strings from a model reach the generated C only through cfmt.c_comment and cfmt.c_string.

A .tflite can come from anywhere: its tensor names, its file name and the banner's note must not be
able to end a comment early, splice a line (backslash-newline, or the trigraph ??/ under -std=c99),
open a nested comment (-Wcomment), form a trigraph (-Wtrigraphs) or carry bidirectional controls
(-Wbidi-chars) into the files, and a string literal must hold exactly the UTF-8 of the name.

(a) Property tests over thousands of seeded random texts of arbitrary Unicode (control characters,
    NUL, CR, newline, backslash, '?', '*', '/', quotes, every plane but the surrogates): the
    literals, compiled by gcc and clang at -std=c99 -pedantic -Wall -Wextra -Werror and run, print
    exactly the UTF-8 bytes; the comments compile (as C99 and as C++98, which the header meets too)
    and the preprocessor leaves exactly the declarations around each of them.
(b) End to end: models whose tensor names (variable, constant, input, output), file name and note
    try to inject a declaration compile warning-free, the object has no injected symbol, and the
    descriptor's names are the names.
"""
import os
import random
import re
import shutil
import subprocess

import pytest

from conftest import TEST_MODELS

from platformio_tinyml.api import generate, library_dir
from platformio_tinyml.emit import cfmt
from platformio_tinyml.read.reader import read_model
from platformio_tinyml.read.writer import write_model

STRICT = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wcomment", "-Wtrigraphs"]
LANGS = {"gcc": STRICT, "clang": STRICT,
         "g++": ["-x", "c++", "-std=c++98", "-Wall", "-Wextra", "-Werror", "-Wcomment", "-Wtrigraphs"],
         "clang++": ["-x", "c++", "-std=c++98", "-Wall", "-Wextra", "-Werror", "-Wcomment", "-Wtrigraphs"]}
LSTM = os.path.join(TEST_MODELS, "lstm_int8_small.tflite")    # has variable tensors (the LSTM state)

PIECES = ["\\", "?", "??", "??/", "??=", "*", "/", "*/", "/*", "//", "\n", "\r", "\r\n", "\0", '"', "'",
          "\\\n", "\\ \n", "??/\n", "*\\\n/", "*??/\n/", "\t", "\x0b", "\x0c", "\x7f", "\x1b", "x", "7", "f",
          "A", " ", "#", "%:", "\u202e", "\u2066", "\ufeff", "\u00e9", "\u0100", "\uffff", "\U0001f600",
          "\U0010ffff", "\\x41", "\\101", "\\u00e9"]


# what c_string may give: printable ASCII, simple escapes, three-digit octal escapes (no hex
# escape, which would take in a following hex digit; no '?' that could start a trigraph)
LITERAL = re.compile(r'"(?:[ !#-\x3e@-\[\]-~]|\\[0-7]{3}|\\["\\?])*"')


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(PIECES))
        elif r < 0.6:
            parts.append(chr(rng.randint(0, 0x7F)))
        elif r < 0.7:
            parts.append(chr(rng.randint(0x80, 0x7FF)))
        elif r < 0.85:      # the rest of the BMP, without the surrogates
            parts.append(chr(rng.choice((rng.randint(0x800, 0xD7FF), rng.randint(0xE000, 0xFFFF)))))
        else:
            parts.append(chr(rng.randint(0x10000, 0x10FFFF)))
    return "".join(parts)


def cases(n: int = 3000, seed: int = 20240611) -> list:
    rng = random.Random(seed)
    fixed = ["", "x*/ int INJ_close = 1; /*", "x*\\\n/ int INJ = 1; /*", "x*??/\n/ int INJ = 1; /*",
             "a/*b", "a??/", "??/", "?", "*", "/", "\\", "caf\u00e9", "\u4e2d\u6587", "\x41B", "\0" "1"]
    return fixed + [random_text(rng) for _ in range(n)]


def need(cc: str) -> None:
    if shutil.which(cc) is None:
        pytest.fail(f"{cc} is not installed (.ci/run installs it)")


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


# ---------------------------------------------------------------- (a) the two functions

@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_string_literals_are_exactly_the_utf8(cc, tmp_path):
    need(cc)
    texts = cases()
    lines = ["#include <stdio.h>"]
    for i, t in enumerate(texts):
        lines.append(f"static const char s{i}[] = {cfmt.c_string(t)};")
    lines += ["static const char *const text[] = {" + ", ".join(f"s{i}" for i in range(len(texts))) + "};",
              "static const unsigned long len[] = {"
              + ", ".join(f"sizeof s{i} - 1" for i in range(len(texts))) + "};",
              "int main(void)", "{", "    unsigned long i, j;",
              "    for (i = 0; i < sizeof len / sizeof len[0]; i++) {",
              '        printf("%lu:", len[i]);',
              '        for (j = 0; j < len[i]; j++) printf("%02x", (unsigned char)text[i][j]);',
              '        printf("\\n");', "    }", "    return 0;", "}"]
    src = tmp_path / "strings.c"
    src.write_text("\n".join(lines) + "\n", encoding="ascii")
    res = run([cc, *STRICT, src, "-o", tmp_path / "strings"])
    assert res.returncode == 0, res.stderr[:3000]
    out = run([tmp_path / "strings"]).stdout.splitlines()
    want = [f"{len(b)}:{b.hex()}" for b in (t.encode("utf-8") for t in texts)]
    bad = [(t, got, exp) for t, got, exp in zip(texts, out, want) if got != exp]
    assert len(out) == len(want) and not bad, bad[:5]
    bad = [(t, cfmt.c_string(t)) for t in texts if not LITERAL.fullmatch(cfmt.c_string(t))]
    assert not bad, bad[:5]


@pytest.mark.parametrize("cc", list(LANGS))
def test_comments_cannot_end_early_or_splice(cc, tmp_path):
    need(cc)
    texts = cases()
    lines, want = [], []
    for i, t in enumerate(texts):
        com = cfmt.c_comment(t)
        assert com.isascii() and com.isprintable() and "??" not in com, (t, com)
        # spaced as the templates do, and pressed against the delimiters
        lines += [f"int b{i}; /* {com} */ int a{i};", f"int c{i};/*{com}*/int d{i};"]
        want += ["int", f"b{i};", "int", f"a{i};", "int", f"c{i};", "int", f"d{i};"]
    src = tmp_path / "comments.c"
    src.write_text("\n".join(lines) + "\n", encoding="ascii")
    res = run([cc, *LANGS[cc], "-c", src, "-o", tmp_path / "comments.o"])
    assert res.returncode == 0, res.stderr[:3000]
    pre = run([cc, *LANGS[cc], "-E", "-P", src])
    assert pre.returncode == 0, pre.stderr[:3000]
    got = pre.stdout.split()
    assert got == want, next((want[k:k + 8], got[k:k + 8]) for k in range(len(want)) if got[k] != want[k])


# ---------------------------------------------------------------- (b) end to end

INJECT = ["x*/ int INJ_close{} = 1; /*",        # ends the comment
          "x*\\\n/ int INJ_splice{} = 1; /*",    # backslash-newline: '*' and '/' joined
          "x*??/\n/ int INJ_tri{} = 1; /*",      # the trigraph of a backslash (C99), then newline
          "a/*b{}", "a??/{}", "\u4e2d\u6587 caf\u00e9 {} \U0001F600", "q\"\\{}\"\x01\x7f?"]


def hostile_model(tmp_path, fname="net.tflite", names=None) -> str:
    """The LSTM model with every tensor renamed (``names(index)``), written to ``fname``."""
    g = read_model(LSTM)
    for t in g.tensors:
        t.name = names(t.index) if names else INJECT[t.index % len(INJECT)].format(t.index)
    path = tmp_path / fname
    path.write_bytes(write_model(g))
    return str(path)


def assert_clean(cc: str, tmp_path, rep) -> None:
    """NAME.c (and so NAME.h) compiles warning-free as C99, declares nothing injected, and the files
    are plain ASCII."""
    need(cc)
    obj = tmp_path / "net.o"
    res = run([cc, *STRICT, "-O1", "-I", library_dir() / "src", "-c", tmp_path / "gen" / "net.c", "-o", obj])
    assert res.returncode == 0, res.stderr[:3000]
    syms = run(["nm", obj]).stdout
    assert "INJ" not in syms and "net_model" in syms
    for f in rep.files:
        assert open(f, "rb").read().isascii(), f


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_variable_tensor_name_cannot_inject(cc, tmp_path):
    """The issue's case: the LSTM state tensors' names went into a comment as they were."""
    model = hostile_model(tmp_path, names=lambda i: f"x*/ int INJ_close{i} = 1; /*" if i in (13, 14) else f"t{i}")
    rep = generate(model, str(tmp_path / "gen"), name="net")
    assert "initial state of tensor 13" in (tmp_path / "gen" / "net.c").read_text()
    assert_clean(cc, tmp_path, rep)


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_hostile_tensor_names(cc, tmp_path):
    """Every tensor (variable, constant, input, output) named to end a comment, splice a line with a
    backslash or a trigraph, nest a comment, form a trigraph, or with code points >= 256."""
    assert_clean(cc, tmp_path, generate(hostile_model(tmp_path), str(tmp_path / "gen"), name="net"))


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_file_name_and_note_in_the_banner(cc, tmp_path):
    """The model's file name (a bidirectional control, a backslash-newline) and the note."""
    model = hostile_model(tmp_path, fname="net\u202e \\\n.tflite", names=lambda i: f"t{i}")
    assert_clean(cc, tmp_path, generate(model, str(tmp_path / "gen"), name="net",
                                        note="x*\\\n/ int INJ_note = 1; /* ??/\n \u202e"))


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_descriptor_names_are_the_utf8_of_the_tensor_names(cc, tmp_path):
    need(cc)
    names = {0: "in \u00e9\u4e2d\U0001F600 ??/ \\x41B \"q\" \\ \x01\x1b\x7f ?? end",
             20: "out*/ /* \\\n??= \u0100\u07ff\uffff\U0010FFFF"}
    model = hostile_model(tmp_path, names=lambda i: names.get(i, f"t{i}"))
    generate(model, str(tmp_path / "gen"), name="net")
    main = tmp_path / "main.c"
    main.write_text('#include <stdio.h>\n#include "net.h"\n'
                    "static void dump(const char *s)\n{\n"
                    '    while (*s) printf("%02x", (unsigned char)*s++);\n    printf("\\n");\n}\n'
                    "int main(void)\n{\n    dump(net_model.inputs[0].name);\n"
                    "    dump(net_model.outputs[0].name);\n    dump(net_model.name);\n    return 0;\n}\n")
    res = run([cc, *STRICT, "-I", library_dir() / "src", "-I", tmp_path / "gen", main, tmp_path / "gen" / "net.c",
               "-o", tmp_path / "main", "-lm"])
    assert res.returncode == 0, res.stderr[:3000]
    out = run([tmp_path / "main"]).stdout.split()
    assert out == [names[0].encode().hex(), names[20].encode().hex(), b"net".hex()]

"""README's operator table names every operator the converter lowers, and no other."""
import os
import re

from conftest import ROOT

from platformio_tinyml.lower.lower import supported_ops


def _table() -> str:
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    m = re.search(r"^Supported operators: (\d+) .*?(?=^## )", text, re.S | re.M)
    assert m, "README.md has no 'Supported operators: N' section"
    return m.group(0)


def test_every_operator_is_in_the_readme_table():
    table, ops = _table(), supported_ops()
    missing = [o for o in ops if not re.search(rf"(?<![A-Za-z_0-9]){o}(?![A-Za-z_0-9])", table)]
    assert not missing, f"README.md's operator table lacks {missing}"
    assert int(re.match(r"Supported operators: (\d+)", table).group(1)) == len(ops)


def test_readme_table_names_no_unsupported_operator():
    rows = [ln for ln in _table().splitlines() if ln.startswith("| ") and not ln.startswith("| operators")]
    named = set()
    for row in rows:
        first = row.split("|")[1]
        named |= set(re.findall(r"\b(?:[A-Z][A-Z0-9_]{2,}|Signal[A-Za-z]+|TFLite_Detection_PostProcess)\b", first))
    named -= {"TFLM", "SSD"}
    assert named <= set(supported_ops()), f"README.md lists {sorted(named - set(supported_ops()))}"

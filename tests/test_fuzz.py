"""The short fuzz run of ``make test``: about a minute of mutated models (tests/fuzz/fuzz_models.py) on
2 workers, fixed seed. Any internal error, hang (10 s per input), crash, or converted model whose C
does not compile with -Werror fails it; the failing inputs are kept under the test's tmp_path.
The long run is ``python tests/fuzz/fuzz_models.py --seed 1 --count 100000 --jobs 2``."""
import os
import sys

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "fuzz"))
import fuzz_models  # noqa: E402

SECONDS = float(os.environ.get("TINYML_FUZZ_SECONDS", "60"))


def test_fuzz_short_run(tmp_path):
    tried, counts, sigs = fuzz_models.fuzz(seed=1, seconds=SECONDS, jobs=2, out=str(tmp_path), echo=None)
    text = fuzz_models.report(tried, counts, sigs, SECONDS)
    print(text)
    assert tried > 500, text   # the harness itself works: most inputs are tried, not stuck
    assert counts["compiled"] > 0 and counts["refused"] > 0, text
    assert not sigs, f"failing inputs saved in {tmp_path}\n{text}"

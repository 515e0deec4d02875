"""Hostile input, fuzzed: every PDF the verifier is given and every envelope the parser is
given ends in a report or a typed error, within 10 seconds and 1 GiB (``tests/fuzz/run.py``);
taken the whole way (stored at a node, shown on its pages, counted by the audit), it never
makes a page fail or lose the document (``tests/fuzz/path.py``).

CI runs each fuzzer for a short while; the inputs that once crashed edoc are kept in
``tests/fuzz/crashes/`` and replayed here, so a fixed crash stays fixed.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.run import PEER_CORPUS, TARGETS, kept_inputs

ROOT = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("EDOC_FUZZ_SECONDS", "50"))
#: The short runs share twice SECONDS, so the whole-path targets cost CI no more time than
#: the verifier-only ones did; pdf-path, slowest per input, needs most to get past its seeds.
SHARE = {"pdf": SECONDS // 2, "envelope": SECONDS // 2, "pdf-path": SECONDS * 3 // 4}
SHARE["envelope-path"] = 2 * SECONDS - sum(SHARE.values())


def fuzz(target: str, *arguments: str, work: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "tests.fuzz.run", target, "--work", str(work), *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=SECONDS + 600)


def verdict(run: subprocess.CompletedProcess, work: Path) -> str:
    """What went wrong, for the failure message: the end of libFuzzer's log and the inputs
    it kept (copy them to tests/fuzz/crashes/<target>/ once the cause is fixed)."""
    crashes = sorted((work / "crashes").glob("*")) if (work / "crashes").is_dir() else []
    tail = "\n".join(run.stderr.splitlines()[-40:])
    return f"exit {run.returncode}; inputs kept: {[str(c) for c in crashes]}\n{tail}"


@pytest.mark.parametrize("target", TARGETS)
def test_inputs_that_once_crashed_end_in_a_report_or_a_typed_error(target, tmp_path):
    kept = kept_inputs(target)
    if not kept:
        pytest.skip(f"no {target} input has crashed edoc yet")
    run = fuzz(target, *map(str, kept), work=tmp_path)
    assert run.returncode == 0, verdict(run, tmp_path)
    assert len(re.findall(r"^Executed ", run.stderr, re.M)) == len(kept), run.stderr[-2000:]


@pytest.mark.parametrize("target", TARGETS)
def test_a_short_fuzzing_run_finds_no_crash_hang_or_blow_up(target, tmp_path):
    if target.startswith("pdf") and not PEER_CORPUS.is_dir() and os.environ.get("CI") == "true":
        pytest.fail(f"the peer corpus {PEER_CORPUS} is missing, and CI must fuzz from it")
    seconds = max(1, SHARE[target])  # 0 would be libFuzzer's "no limit"
    run = fuzz(target, f"-max_total_time={seconds}", "-print_final_stats=1", work=tmp_path)
    assert run.returncode == 0, verdict(run, tmp_path)
    runs = int(re.search(r"^Done (\d+) runs", run.stderr, re.M).group(1))
    seeds = int(re.search(r"seed corpus: files: (\d+)", run.stderr).group(1))
    assert runs > seeds  # past the seeds: mutated inputs were tried too
    peak = re.search(r"stat::peak_rss_mb:\s+(\d+)", run.stderr).group(1)
    print(f"{target}: {runs} inputs in {seconds} s from {seeds} seeds, peak RSS {peak} MB")

"""The golden baseline: fixed-seed runs of every form give bit-identical tables.

A change meant to keep results must pass this unchanged. A change meant to change the
model regenerates tests/golden.json (`python -m tests.golden --write`) in its own commit.
The runs read frozen scenario copies (tests/scenarios/), not the shipped files.
"""

import json

import pytest

from . import golden

BASELINE = json.loads(golden.BASELINE.read_text())
CASES = golden.cases()


def test_baseline_covers_every_run():
    assert sorted(BASELINE) == sorted(CASES)


def test_baseline_runs_exercise_queues_and_every_form():
    forms = {sc.designs[d].form for sc, d in CASES.values()}
    assert forms == {"integral", "split", "multi_problem", "village", "network"}
    assert BASELINE["kleindorp-integraal-queue-builds-up"]["mean_queue_length"] > 5
    assert BASELINE["queue-only-queue"]["n_cases"] > 40 and BASELINE["queue-only-queue"]["mean_queue_length"] > 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_run_matches_the_baseline(name):
    scenario, design = CASES[name]
    assert golden.fingerprint(scenario, design) == BASELINE[name]

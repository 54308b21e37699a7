"""The default-size report, run whole on seeds 0 and 1, and every headline claim of every
experiment it runs checked (slow: about twice the default report's time; run with
`python -m pytest -m slow`).

The claims are the experiments' own (report.CLAIMS: experiments 1 to 6 in
analysis/claims.py, each newer experiment's module registers its `claims`), so the report's
text and this test judge a run by the same rule.
"""

import pytest

from minigrad.analysis.report import CLAIMS, ORDER, run

SEEDS = (0, 1)


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed {s}" for s in SEEDS])
def summaries(request, tmp_path_factory):
    return run(list(ORDER), size="default", seed=request.param,
               out=str(tmp_path_factory.mktemp(f"report_seed{request.param}")),
               show_progress=False)


@pytest.mark.slow
def test_every_experiment_of_the_report_has_claims():
    assert set(ORDER) <= set(CLAIMS), set(ORDER) - set(CLAIMS)


@pytest.mark.slow
@pytest.mark.parametrize("name", ORDER)
def test_every_headline_claim_holds(summaries, name):
    claims = CLAIMS[name](summaries[name])
    assert claims, f"{name} made no claims"
    failed = [(c["claim"], c["value"]) for c in claims if not c["holds"]]
    assert not failed, failed

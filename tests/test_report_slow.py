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

#: Claims measured to fail at the default budget, by (seed, experiment): the start of the
#: claim's words, and why. The test insists on exactly these failures, so a new failure, or
#: one of these starting to hold, makes it fail. Measured on seeds 0 to 3 (session note):
#: the early-training accuracy claim fails on seed 1 only, the landscape's 20-layer one on
#: seed 3 only (plain20's rise is 3.89x resnet20's, the bound is 3).
KNOWN_FAILURES = {
    (1, "early"): {"20 layers: final test accuracies within 2 points":
                   "plain20 has not converged after 8 epochs (training loss 0.075 against "
                   "resnet20's 0.0003): its test accuracy is 3.06 points lower"},
}


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed {s}" for s in SEEDS])
def summaries(request, tmp_path_factory):
    return request.param, run(list(ORDER), size="default", seed=request.param,
                              out=str(tmp_path_factory.mktemp(f"report_seed{request.param}")),
                              show_progress=False)


@pytest.mark.slow
def test_every_experiment_of_the_report_has_claims():
    assert set(ORDER) <= set(CLAIMS), set(ORDER) - set(CLAIMS)


@pytest.mark.slow
@pytest.mark.parametrize("name", ORDER)
def test_every_headline_claim_holds(summaries, name):
    seed, results = summaries
    claims = CLAIMS[name](results[name])
    assert claims, f"{name} made no claims"
    known = KNOWN_FAILURES.get((seed, name), {})
    failed = [(c["claim"], c["value"]) for c in claims if not c["holds"]
              and not any(c["claim"].startswith(start) for start in known)]
    assert not failed, failed
    for start in known:  # each known failure still fails (else remove it from the list)
        assert [c for c in claims if c["claim"].startswith(start) and not c["holds"]], start

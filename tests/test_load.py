"""The load test of issue 9 at CI size (``bench/load.py``, bounded): a node served by
gunicorn's workers over PostgreSQL, 50 clients at once on its inbox list, its document pages
and its receive endpoint; no error, no document lost or kept twice."""

import pytest

from bench.load import MIX, Plan, load


@pytest.mark.slow
@pytest.mark.parametrize("new_database", ["postgresql"], indirect=True)
def test_fifty_clients_at_once_get_no_error_and_lose_or_duplicate_no_document(
    new_database, pki, pki_server, tmp_path
):
    plan = Plan(clients=50, requests=400, seconds=60, documents=60)

    outcome = load(new_database("node"), tmp_path / "node", pki, plan)

    print("\n".join(outcome.lines()))  # the figures, for the CI log (no timing is asserted)
    assert outcome.errors == []
    tally = outcome.tally
    assert tally.lost == tally.duplicated == tally.unexpected == 0
    assert tally.created_wrong == tally.arrivals_wrong == 0
    assert tally.expected == tally.stored > plan.documents  # the new envelopes were kept
    assert [row.endpoint for row in outcome.endpoints] == list(MIX)
    assert all(row.requests > 0 for row in outcome.endpoints)
    assert outcome.logins.requests == plan.clerks
    assert outcome.overall.requests == sum(row.requests for row in outcome.endpoints)

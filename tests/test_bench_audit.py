"""The audit benchmark (bench/audit.py) at a tiny size, so that it cannot rot unnoticed: its
fill still makes a database edoc migrates and audits, with the mix it claims."""

import datetime as dt

from bench.audit import Plan, audit, fill, total


def test_the_audit_counts_every_document_the_bench_fills(tmp_path):
    plan = Plan(documents=2_000, agencies=6, months=3, now=dt.datetime(2026, 11, 23, tzinfo=dt.UTC))
    url = f"sqlite:///{tmp_path / 'edoc.sqlite'}"

    filled = fill(url, plan)
    report = audit(url)

    assert filled.documents == filled.entries == total(report) == 2_000
    assert report.months == [202608, 202609, 202610]  # whole months before now's, Vietnam time
    assert {row.organ_id for row in report.totals} == set(plan.organ_ids())
    overall = report.overall
    assert set(overall) == {"sent", "received"}
    compliant = sum(figures.compliant for figures in overall.values())
    assert 0.25 < compliant / filled.documents < 0.35
    assert sum(report.codes.values()) == filled.codes > 0

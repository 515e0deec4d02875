"""The verification report as users and other programs read it, pinned byte for byte: the
JSON of ``edoc verify --json`` and the audit, the terminal text and the HTML page.

The expected outputs are in ``tests/report_json/``; the moments that change from run to
run (signing times, certificate validity) are set to fixed ones first. Regenerate them with
``EDOC_PIN_REPORTS=1`` only when a change of the reports is intended.
"""

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import pytest

from edoc.bilingual import Text
from edoc.errors import EdocError
from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from fixtures.images import seal_image
from signing.sign.pades import sign_organisation
from signing.validation.batch import VerifyOutcome
from signing.validation.policy import DEFAULT_POLICY
from signing.validation.render import html_report, text_report
from signing.validation.verify import unreadable_report, verify_document
from tests.support.letters import signed_letter

PINNED = Path(__file__).parent / "report_json"
MOMENT = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
TIMES = ("valid_from", "valid_until", "signing_time", "timestamp_time")


def _fixed_times(report):
    signatures = [
        dataclasses.replace(s, **{n: MOMENT for n in TIMES if getattr(s, n)})
        for s in report.signatures
    ]
    return dataclasses.replace(report, signatures=signatures)


@pytest.fixture(scope="module")
def reports(pki):
    letter = cong_van(HA_NOI)
    _, both = signed_letter(pki)
    seal_only = sign_organisation(
        letter.pdf, pki.signing_key("h26-org"), seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    trusted = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    untrusted = DEFAULT_POLICY.with_options((), "off")
    damaged = unreadable_report(EdocError("Hỏng.", "Damaged."))
    return {
        "both": _fixed_times(verify_document(both, trusted)),
        "untrusted": _fixed_times(verify_document(both, untrusted)),
        "seal_only": _fixed_times(verify_document(seal_only, trusted)),
        "unsigned": verify_document(letter.pdf, trusted),
        "damaged": damaged,
    }


def _pinned(name: str, text: str) -> None:
    path = PINNED / name
    if os.environ.get("EDOC_PIN_REPORTS"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


@pytest.mark.parametrize("name", ["both", "untrusted", "seal_only", "unsigned", "damaged"])
def test_the_json_of_a_report_is_pinned(reports, name):
    report = reports[name]
    _pinned(f"{name}.json", json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_text_and_html_of_reports_are_pinned(reports, lang):
    outcomes = [VerifyOutcome(f"{name}.pdf", report) for name, report in reports.items()]
    outcomes.append(VerifyOutcome("broken.pdf", None, Text("Hỏng.", "Damaged.")))
    text = "".join(text_report(outcome, lang) for outcome in outcomes)
    lines = "".join(json.dumps(o.to_json(), ensure_ascii=False) + "\n" for o in outcomes)
    _pinned("outcomes.jsonl", lines)
    _pinned(f"reports.{lang}.txt", text)
    _pinned(f"reports.{lang}.html", html_report(outcomes, lang, MOMENT))

"""``edoc verify`` checks PDF signatures; ``edoc recheck`` verifies again the stored PDFs whose
revocation status was unknown."""

import json
import sys
from pathlib import Path

import click

from cli import CliContext, chosen_policy, home_option, say, verification_options
from edoc.files import write_atomic


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--recursive", is_flag=True, help="Verify the PDFs of sub-folders too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
@verification_options
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False), help="Also write an HTML report."
)
@click.pass_obj
def verify(
    run: CliContext, inputs, recursive, as_json, policy, trust, revocation, jobs, html_out
) -> None:
    """Check the signatures of PDF documents against Nghị định 30 and the policy.

    Exit code 0: every document compliant; 3: some non-compliant or indeterminate;
    1: some file could not be read (it is reported and the others still verified).
    """
    import datetime as dt

    from signing.sign.batch import pdf_files
    from signing.validation.batch import verify_batch
    from signing.validation.render import html_report, text_report

    lang = run.lang
    chosen = chosen_policy(policy, trust, revocation)
    paths = [path for path, _ in pdf_files([Path(p) for p in inputs], recursive)]
    outcomes = []
    with click.progressbar(length=len(paths), file=sys.stderr, label="edoc verify") as bar:
        for outcome in verify_batch(paths, chosen, jobs):
            bar.update(1)
            outcomes.append(outcome)
            if as_json:
                click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))
            else:
                click.echo(text_report(outcome, lang))
    if html_out:
        page = html_report(outcomes, lang, dt.datetime.now(dt.UTC))
        write_atomic(Path(html_out), page.encode("utf-8"))
    verdicts = [o.report.verdict.value if o.report else "error" for o in outcomes]
    counts = {
        v: verdicts.count(v) for v in ("compliant", "non_compliant", "indeterminate", "error")
    }
    say(
        f"{len(outcomes)} văn bản: {counts['compliant']} đạt, {counts['non_compliant']} không đạt, "
        f"{counts['indeterminate']} chưa xác định, {counts['error']} không đọc được",
        f"{len(outcomes)} documents: {counts['compliant']} compliant, "
        f"{counts['non_compliant']} non-compliant, {counts['indeterminate']} indeterminate, "
        f"{counts['error']} unreadable",
    )
    if counts["error"]:
        sys.exit(1)
    if counts["non_compliant"] or counts["indeterminate"]:
        sys.exit(3)


@click.command()
@home_option
@click.option("--policy", default="default", show_default=True, help="Verification policy.")
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every PDF whose revocation status is unknown, not only due ones.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def recheck(home, policy, every, as_json) -> None:
    """Verify again a node's or hub's stored PDFs whose revocation status was unknown (the
    CA's OCSP and CRL servers unreachable), as a running node does by itself.

    Exit code 0: every one now has its status; 3: some are still unknown (tried again later).
    """
    import datetime as dt

    from edoc.exchange.recheck import recheck_due
    from edoc.exchange.runtime import AGENCY, open_hub, open_node
    from edoc.workspace import open_workspace
    from signing.validation.policy import load_policy

    workspace = open_workspace(home)
    organ_id, chosen = workspace.get_setting(AGENCY), load_policy(policy)
    service = open_node(workspace, organ_id, chosen) if organ_id else open_hub(workspace, chosen)
    done = recheck_due(service, dt.datetime.max.replace(tzinfo=dt.UTC) if every else None)
    unknown = done.verified - done.settled
    if as_json:
        click.echo(json.dumps({"verified": done.verified, "settled": done.settled}))
    say(
        f"Đã kiểm tra lại {done.verified} tệp PDF: {done.settled} đã rõ tình trạng thu hồi, "
        f"{unknown} vẫn chưa rõ (sẽ thử lại sau)",
        f"Verified {done.verified} PDF(s) again: {done.settled} now with their revocation "
        f"status, {unknown} still unknown (tried again later)",
    )
    if unknown:
        sys.exit(3)

"""``edoc audit``: the signing-rate and compliance audit, of a workspace or of exports."""

import json
import sys
from pathlib import Path

import click

from cli import chosen_policy, current, home_option, pick, verification_options
from edoc.files import write_atomic


@click.command()
@home_option
@click.option(
    "--from", "exports", multiple=True, type=click.Path(exists=True),
    help="Exported envelopes or PDFs (folders, .zip, .tar.gz) to verify and audit instead "
    "of a workspace (repeatable).",
)  # fmt: skip
@click.option(
    "--agency", "agencies", multiple=True,
    help="An agency id, or a pattern over the Decision 20 code such as H* (repeatable; "
    "default: every agency). With --from, a bare PDF's agency.",
)  # fmt: skip
@click.option(
    "--period", type=click.Choice(["month", "quarter", "year", "custom"]), default="month",
    show_default=True, help="Periods of the report (custom: the whole --start/--end range).",
)  # fmt: skip
@click.option("--start", help="First day (or time) counted, Vietnam time: 2026-01-01.")
@click.option("--end", help="First day (or time) not counted, Vietnam time: 2027-01-01.")
@click.option(
    "--direction", type=click.Choice(["sent", "received", "both"]), default="both",
    show_default=True, help="Documents sent, received, or both (each counted apart).",
)  # fmt: skip
@click.option(
    "--list", "figure",
    help="List the documents behind a figure (signed, unsigned, compliant, overdue, …) or "
    "a check code (VN_MISSING_PERSONAL, …) instead of the report.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="The report (or list) as JSON.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), help="Write a CSV file.")
@click.option("--xlsx", "xlsx_out", type=click.Path(dir_okay=False), help="Write a workbook.")
@click.option(
    "--html", "html_out", type=click.Path(dir_okay=False), help="Write an HTML page with charts."
)
@verification_options
@click.pass_context
def audit(
    ctx, home, exports, agencies, period, start, end, direction, figure, as_json, csv_out,
    xlsx_out, html_out, policy, trust, revocation, jobs,
) -> None:  # fmt: skip
    """Signing-rate and compliance audit, from the verifications a node or the hub stored
    (--home), or of exported envelopes and PDFs verified now (--from).

    Exit code 0: no non-compliant document in the scope; 3: some found; 1: an error.
    """
    from contextlib import ExitStack

    from edoc.audit.output import csv_file, listing_table, table, xlsx_file
    from edoc.audit.periods import Range, parse_moment
    from edoc.audit.report import Scope, build_report, list_documents
    from edoc.audit.sources import workspace_sources
    from edoc.storage.models import Direction

    lang = current().lang
    if home and exports:
        raise click.UsageError(
            pick("Dùng --home hoặc --from, không cả hai.", "Use --home or --from, not both.")
        )
    if not exports and (trust or revocation or jobs or policy != "default"):
        raise click.UsageError(
            pick(
                "--policy, --trust, --revocation và --jobs chỉ dùng với --from (kết quả kiểm "
                "tra đã lưu không kiểm tra lại).",
                "--policy, --trust, --revocation and --jobs go with --from (stored "
                "verifications are not verified again).",
            )
        )
    if period == "custom" and not (start or end):
        raise click.UsageError(
            pick("Kỳ custom cần --start hoặc --end.", "A custom period needs --start or --end.")
        )
    scope = Scope(
        tuple(agencies),
        period,
        Range(
            parse_moment(start, "--start") if start else None,
            parse_moment(end, "--end") if end else None,
        ),
        None if direction == "both" else Direction(direction),
    )
    with ExitStack() as stack:
        if exports:
            from edoc.audit.exports import exported_source, read_exports

            found = read_exports(
                [Path(p) for p in exports], agencies[0] if len(agencies) == 1 else None
            )
            chosen = chosen_policy(policy, trust, revocation)
            bar = stack.enter_context(
                click.progressbar(length=len(found.to_verify), file=sys.stderr, label="edoc audit")
            )
            sources = [stack.enter_context(exported_source(found, chosen, jobs, bar.update))]
            for problem in found.problems:
                click.echo(problem.message(current().lang), err=True)
        else:
            sources = workspace_sources(home)
        if figure:
            listed = list_documents(sources, scope, figure)
            if as_json:
                for source, item in listed:
                    click.echo(json.dumps({**item.to_json(), "source": source}, ensure_ascii=False))
            else:
                click.echo(listing_table(listed, lang), nl=False)
            ctx.exit(3 if any(item.verdict == "non_compliant" for _, item in listed) else 0)
        report = build_report(sources, scope)
    if csv_out:
        write_atomic(Path(csv_out), csv_file(report, lang))
    if xlsx_out:
        write_atomic(Path(xlsx_out), xlsx_file(report, lang))
    if html_out:
        from edoc.audit.page import render_html

        write_atomic(Path(html_out), render_html(report, lang).encode("utf-8"))
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        click.echo(table(report, lang), nl=False)
    ctx.exit(3 if any(f.non_compliant for f in report.overall.values()) else 0)

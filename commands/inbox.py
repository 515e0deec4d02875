"""``edoc inbox``: a node's received documents, and the clerk's statuses for them."""

import json

import click

from cli import home_option, say


@click.group()
def inbox() -> None:
    """A node's received documents, and the clerk's statuses for them."""


@inbox.command("list")
@home_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
def inbox_list(home, as_json) -> None:
    """The documents this node received, newest first, each with the verdict on its PDFs
    (compliant, non_compliant, indeterminate, or unverified when it has none)."""
    from edoc.audit.entries import verdict_of
    from edoc.exchange.runtime import node_settings
    from edoc.storage.database import sessions
    from edoc.storage.listing import received_documents
    from edoc.timezone import to_vietnam
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    settings = node_settings(workspace)
    with sessions(workspace.engine)() as session:
        rows = received_documents(session, settings.organ_id)
    for row in rows:
        shown = to_vietnam(row.received_at).strftime("%d/%m/%Y %H:%M")
        verdict = verdict_of([a.report.verdict for a in row.attachments if a.report])
        if as_json:
            record = {
                "id": row.id, "received_at": to_vietnam(row.received_at).isoformat(),
                "code": f"{row.number}/{row.notation}", "from": row.sender_organ_id,
                "subject": row.subject, "status": row.status_code, "verdict": verdict,
                "folder": row.folder,
            }  # fmt: skip
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            code = f"{row.number}/{row.notation}"
            click.echo(
                f"{row.id:>5}  {shown}  {code:<20} {row.sender_organ_id}  {row.status_code}  "
                f"{verdict:<13} {row.subject}"
            )


@inbox.command("act")
@home_option
@click.argument("document", type=int)
@click.option(
    "--code",
    type=click.Choice(["02", "03", "04", "05", "06"]),
    required=True,
    help="02 return (needs --reason), 03 accept, 04 assign, 05 in progress, 06 complete.",
)
@click.option("--reason", default="", help="Why (required to return).")
@click.option("--assignee", default="", help="The person or department assigned (required for 04).")
@click.option(
    "--despite-failed-check",
    is_flag=True,
    help="Accept (03) a document whose signature check failed, confirmed and recorded.",
)
@click.option("--staff", default="", help="The clerk acting.")
def inbox_act(home, document, code, reason, assignee, despite_failed_check, staff) -> None:
    """Record the clerk's status on a received document, in the processing order; the
    sender is told."""
    from edoc.envelope.model import StatusCode
    from edoc.exchange.actions import act
    from edoc.exchange.runtime import node_settings, open_node
    from edoc.workspace import open_workspace
    from signing.validation.policy import DEFAULT_POLICY

    workspace = open_workspace(home)
    node = open_node(workspace, node_settings(workspace).organ_id, DEFAULT_POLICY)
    recorded = act(
        node, document, StatusCode(code), staff=staff, reason=reason, assignee=assignee,
        despite_failed_check=despite_failed_check,
    )  # fmt: skip
    if not recorded.created:
        say(
            f"Văn bản {document}: trạng thái {code} đã được ghi trước đó, không ghi lại",
            f"Document {document}: status {code} was recorded already, not again",
        )
        return
    say(
        f"Văn bản {document}: đã ghi trạng thái {code}",
        f"Document {document}: status {code} recorded",
    )

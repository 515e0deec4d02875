"""``edoc send`` queues an envelope; ``edoc outbox`` lists the deliveries given up and puts
one back in the queue."""

import json
from pathlib import Path

import click

from cli import home_option, say


@click.command()
@home_option
@click.argument("envelope", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "recipients", multiple=True, help="Only to these of its recipients.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def send(home, envelope, recipients, as_json) -> None:
    """Queue an envelope for its recipients; the node's outbox delivers it, retrying."""
    from edoc.agency import AgencyId
    from edoc.exchange.runtime import node_settings, open_node
    from edoc.exchange.send import send_envelope
    from edoc.files import read_input
    from edoc.workspace import open_workspace
    from signing.validation.policy import DEFAULT_POLICY

    workspace = open_workspace(home)
    settings = node_settings(workspace)
    node = open_node(workspace, settings.organ_id, DEFAULT_POLICY)
    only = [str(AgencyId.parse(r)) for r in recipients]
    queued = send_envelope(node, read_input(Path(envelope)), only or None)
    if as_json:
        click.echo(json.dumps({"document": queued.document_pk, "queued": queued.created}))
    elif queued.created:
        say(f"{envelope}: đã xếp hàng gửi", f"{envelope}: queued for delivery")
    else:
        say(f"{envelope}: đã gửi trước đó, không gửi lại", f"{envelope}: already sent, not again")


@click.group()
def outbox() -> None:
    """A node's deliveries: those given up (undeliverable), and putting one back in the queue."""


@outbox.command("list")
@home_option
def outbox_list(home) -> None:
    """The deliveries this node gave up: their id, when, the recipient and why."""
    from edoc.exchange.outbox import undeliverable
    from edoc.exchange.runtime import node_settings
    from edoc.storage.database import sessions
    from edoc.timezone import to_vietnam
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    organ_id = node_settings(workspace).organ_id
    for row in undeliverable(sessions(workspace.engine), organ_id):
        stopped = to_vietnam(row.updated_at).strftime("%d/%m/%Y %H:%M")
        click.echo(f"{row.id:>5}  {stopped}  {row.recipient_organ_id}  {row.last_error}")


@outbox.command("retry")
@home_option
@click.argument("delivery", type=int)
def outbox_retry(home, delivery) -> None:
    """Put an undeliverable delivery back in the queue, tried again for a fresh window."""
    from edoc.exchange.outbox import retry
    from edoc.storage.database import sessions
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    if retry(sessions(workspace.engine), delivery):
        say(
            f"Lần chuyển {delivery}: đã xếp hàng gửi lại",
            f"Delivery {delivery}: queued to be sent again",
        )
    else:
        say(
            f"Lần chuyển {delivery}: đã xếp hàng gửi lại trước đó",
            f"Delivery {delivery}: already queued again",
        )

"""``edoc hub``: the hub's registry of agency nodes and of the systems of the SDK API."""

import click

from cli import home_option, say
from edoc.environment import read_secret


@click.group()
def hub() -> None:
    """The hub's registry of agencies, their nodes, and the systems of the SDK API."""


@hub.command()
@home_option
@click.argument("agency")
@click.option("--url", required=True, help="The agency node's URL.")
@click.option("--name", default="", help="The agency's name (default: from the directory).")
@click.option(
    "--token-env", required=True, help="Variable holding the token this node will present."
)
def register(home, agency, url, name, token_env) -> None:
    """Register an agency's node at the hub (again: update it)."""
    from edoc.agency import AgencyDirectory, AgencyId
    from edoc.envelope.metadata import organization
    from edoc.exchange.runtime import open_hub
    from edoc.workspace import open_workspace
    from signing.validation.policy import DEFAULT_POLICY

    organ_id = str(AgencyId.parse(agency))
    name = name or organization(organ_id, AgencyDirectory.builtin(), "agency").organ_name
    hub = open_hub(open_workspace(home), DEFAULT_POLICY)
    hub.register(organ_id, name, url, read_secret(token_env, "mã của nút", "the node's token"))
    say(f"Đã đăng ký {organ_id} tại {url}", f"Registered {organ_id} at {url}")


@hub.command("register-system")
@home_option
@click.argument("system_id")
@click.option(
    "--agency",
    "agencies",
    multiple=True,
    required=True,
    help="An agency the system sends and fetches for (repeatable; either id form).",
)
@click.option("--name", default="", help="The system's name, e.g. the DMS and its owner.")
@click.option(
    "--secret-env", required=True, help="Variable holding the secret shared with the system."
)
def register_system(home, system_id, agencies, name, secret_env) -> None:
    """Register a system that speaks the national hub's SDK API (a document management system,
    a province's platform, an edoc node with --hub-api vdxp) and the agencies it speaks for
    (again: update it). What the hub routes to them waits until the system fetches it."""
    from edoc.agency import AgencyDirectory, AgencyId
    from edoc.exchange.runtime import open_hub
    from edoc.workspace import open_workspace
    from signing.validation.policy import DEFAULT_POLICY

    secret = read_secret(secret_env, "khóa bí mật của hệ thống", "the system's secret")
    if len(secret) < 16:
        raise click.UsageError(f"the secret in {secret_env} is too short: 16 characters or more")
    directory = AgencyDirectory.builtin()
    ids = [AgencyId.parse(agency) for agency in agencies]
    named = {str(i): known.name if (known := directory.get(i)) else "" for i in ids}
    hub = open_hub(open_workspace(home), DEFAULT_POLICY)
    taken = hub.register_system(system_id, name, secret, named)
    listed = ", ".join(named)
    say(
        f"Đã đăng ký hệ thống {system_id} cho {listed}",
        f"Registered system {system_id} for {listed}",
    )
    if taken:
        others = ", ".join(taken)
        say(
            f"{others} trước do nút hoặc hệ thống khác gửi, nhận: nay chỉ {system_id} được.",
            f"{others} had another node or system: now only {system_id} sends and fetches for "
            "them.",
        )

"""``edoc user``: the people who use a node's inbox, and the leaders' keys it holds."""

from pathlib import Path

import click

from cli import home_option, say
from edoc.environment import read_secret


@click.group()
def user() -> None:
    """The people who use a node's inbox."""


@user.command("add")
@home_option
@click.argument("username")
@click.option("--role", type=click.Choice(["clerk", "leader", "auditor", "admin"]), required=True)
@click.option("--agency", help="Their agency (default: the node's).")
@click.option("--full-name", default="", help="Their full name, as the inbox shows it.")
@click.option("--password-env", required=True, help="Variable holding the password.")
def user_add(home, username, role, agency, full_name, password_env) -> None:
    """Add a user to this node's inbox."""
    from edoc.accounts import add_user
    from edoc.agency import AgencyId
    from edoc.exchange.runtime import node_settings
    from edoc.storage.database import sessions
    from edoc.storage.models import UserRole
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    organ_id = str(AgencyId.parse(agency)) if agency else node_settings(workspace).organ_id
    password = read_secret(password_env, "mật khẩu", "the password")
    add_user(sessions(workspace.engine), username, password, organ_id, UserRole(role), full_name)
    say(f"Đã thêm {username} ({role}, {organ_id})", f"Added {username} ({role}, {organ_id})")


@user.command("key")
@home_option
@click.argument("username")
@click.option(
    "--pkcs12", "pkcs12_path", type=click.Path(dir_okay=False), required=True,
    help="Their personal PKCS#12 (kept as it is, under its own password).",
)  # fmt: skip
@click.option(
    "--image", type=click.Path(dir_okay=False), required=True,
    help="Their handwritten signature (PNG or JPEG).",
)  # fmt: skip
@click.option("--password-env", required=True, help="Variable holding the PKCS#12 password.")
def user_key(home, username, pkcs12_path, image, password_env) -> None:
    """Hold a leader's personal key on the server, to sign in the inbox with its password
    (checked now, never stored)."""
    from edoc.accounts import hold_key
    from edoc.exchange.runtime import blob_store
    from edoc.files import read_input
    from edoc.storage.database import sessions
    from edoc.workspace import open_workspace

    workspace = open_workspace(home)
    password = read_secret(password_env, "mật khẩu PKCS#12", "the PKCS#12 password")
    hold_key(
        sessions(workspace.engine), blob_store(workspace), username,
        read_input(Path(pkcs12_path)), password, read_input(Path(image)),
        key_file=pkcs12_path, image_file=image,
    )  # fmt: skip
    say(
        f"Máy chủ giữ khóa cá nhân của {username}.",
        f"The server holds {username}'s personal key.",
    )

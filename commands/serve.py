"""``edoc serve``: serve an agency's node or the hub until interrupted."""

from typing import TYPE_CHECKING

import click

from cli import home_option, say, wait_forever
from edoc.exchange.outbox import MOST_RETRY_HOURS

if TYPE_CHECKING:
    from web.service import Service


@click.command()
@home_option
@click.option("--role", type=click.Choice(["node", "hub"]), default="node", show_default=True)
@click.option("--agency", help="The agency of this node (either id form); role node.")
@click.option("--hub", "hub_url", help="The hub's URL, e.g. http://127.0.0.1:18500; role node.")
@click.option(
    "--hub-api",
    type=click.Choice(["edoc", "vdxp"]),
    help="The API the hub speaks: edoc's own (the default), or the national hub's SDK API "
    "(vdxp); role node.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=18500, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Serve with gunicorn, in this many processes (production: 2 x cores + 1); "
    "without it, one process.",
)
@click.option(
    "--token-env",
    default="EDOC_NODE_TOKEN",
    show_default=True,
    help="Variable holding this node's token at the hub; role node.",
)
@click.option(
    "--hub-token-env",
    default="EDOC_HUB_TOKEN",
    show_default=True,
    help="Variable holding the token the hub presents to nodes.",
)
@click.option(
    "--system-id-env",
    default="EDOC_VDXP_SYSTEM_ID",
    show_default=True,
    help="Variable holding this node's system id at an SDK API hub; role node, --hub-api vdxp.",
)
@click.option(
    "--secret-env",
    default="EDOC_VDXP_SECRET",
    show_default=True,
    help="Variable holding this node's secret at an SDK API hub; role node, --hub-api vdxp.",
)
@click.option("--policy", default="default", show_default=True, help="Verification policy.")
@click.option(
    "--org-key",
    type=click.Path(exists=True, dir_okay=False),
    help="The agency's PKCS#12, for clerks to sign what they send.",
)
@click.option("--org-key-password-env", default="EDOC_ORG_KEY_PASSWORD", show_default=True)
@click.option("--seal", type=click.Path(exists=True, dir_okay=False), help="The agency's seal PNG.")
@click.option(
    "--trusted-proxies",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    envvar="EDOC_TRUSTED_PROXIES",
    help="How many reverse proxies are in front (their X-Forwarded-For gives the client's "
    "address); 0: the header is ignored.",
)
@click.option(
    "--retry-hours",
    type=click.FloatRange(0, MOST_RETRY_HOURS),
    default=72,
    show_default=True,
    envvar="EDOC_RETRY_HOURS",
    help="How long a message is retried before it is marked undeliverable.",
)
def serve(
    home, role, agency, hub_url, hub_api, host, port, workers, token_env, hub_token_env,
    system_id_env, secret_env, policy, org_key, org_key_password_env, seal, trusted_proxies,
    retry_hours,
) -> None:  # fmt: skip
    """Serve an agency's node (its inbox and exchange API) or the hub until interrupted,
    delivering its outbox, clearing files of transactions that never committed and
    verifying again the PDFs whose revocation status was unknown."""
    from web.service import ServeOptions, build_service

    options = ServeOptions(
        home=home, role=role, agency=agency, hub_url=hub_url, hub_api=hub_api, policy=policy,
        hub_token_env=hub_token_env, node_token_env=token_env, system_id_env=system_id_env,
        secret_env=secret_env, org_key=org_key, org_key_password_env=org_key_password_env,
        seal=seal, trusted_proxies=trusted_proxies, retry_hours=retry_hours,
    )  # fmt: skip
    service = build_service(options)  # checks the options, migrates, keeps the settings
    if service.role == "node" and not service.delivers:
        say(
            "Chưa có trục: văn bản gửi đi được xếp hàng đến khi có --hub.",
            "No hub yet: documents sent are queued until --hub is given.",
        )
    if workers:
        from web.production import serve_with_gunicorn

        service.close()  # each worker builds its own
        url = f"http://{host}:{port}"
        serve_with_gunicorn(options, host, port, workers, ready=lambda: say(
            f"edoc {role} phục vụ tại {url} ({workers} tiến trình gunicorn)",
            f"edoc {role} serving at {url} ({workers} gunicorn workers)",
        ))  # fmt: skip
    else:
        _serve_in_process(service, host, port)


def _serve_in_process(service: "Service", host: str, port: int) -> None:
    """werkzeug's threads in this process, and the background workers, until Ctrl+C."""
    from edoc.server import BackgroundServer, port_refused

    try:
        server = BackgroundServer(service.app, host, port).start()
    except OSError as error:
        service.close()
        raise port_refused(port, error) from error
    service.start()
    say(
        f"edoc {service.role} phục vụ tại {server.url}",
        f"edoc {service.role} serving at {server.url}",
    )
    try:
        wait_forever()
    finally:
        server.stop()
        service.close()

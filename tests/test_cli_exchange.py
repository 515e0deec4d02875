"""``edoc serve``, ``edoc hub register`` and ``edoc send`` as separate processes, the way
agencies run them: a queued document survives its node not running, and arrives once."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import select

from edoc.accounts import add_user, held_key
from edoc.exchange.runtime import blob_store
from edoc.server import free_port
from edoc.storage.database import DATABASE_URL_ENV, connect, sessions
from edoc.storage.models import (
    Delivery,
    DeliveryState,
    Direction,
    Document,
    StatusEvent,
    UserRole,
)
from edoc.workspace import open_workspace
from fixtures.agencies import HA_NOI, NGHE_AN, VPCP
from fixtures.export import pkcs12_bytes
from fixtures.images import signature_image
from web.lockout import LoginRules
from web.users import authenticate

EDOC = [sys.executable, "-c", "from cli import main; main()"]


def edoc(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([*EDOC, "--lang", "en", *args], env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def serve(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([*EDOC, "serve", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def eventually(check, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.2)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def arrived(sender) -> bool:
    """Whether the sender's one delivery was acknowledged by the recipient's 01."""
    with sender.connect() as connection:
        states = connection.scalars(select(Delivery.state)).all()
        statuses = connection.scalars(select(StatusEvent.status_code)).all()
    return states == [DeliveryState.ACKNOWLEDGED.value] and statuses == ["01"]


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        process.kill()
        process.wait()


def test_a_document_queued_while_its_node_is_down_arrives_once(
    tmp_path, envelope, processes, new_database
):
    base = {**os.environ, "EDOC_HUB_TOKEN": "hub-secret", "PYTHONPATH": os.getcwd()}
    homes = {name: tmp_path / name for name in ("hub", "h26", "g22")}
    databases = {name: new_database(name) for name in homes}
    environments = {name: {**base, DATABASE_URL_ENV: databases[name]} for name in homes}
    ports = {name: free_port() for name in homes}
    hub_url = f"http://127.0.0.1:{ports['hub']}"
    tokens = {"h26": "token-of-ha-noi", "g22": "token-of-the-government-office"}
    for key, agency in (("h26", HA_NOI), ("g22", VPCP)):
        registered = edoc("hub", "register", agency.organ_id, "--home", str(homes["hub"]),
                          "--url", f"http://127.0.0.1:{ports[key]}", "--token-env", "TOKEN",
                          env={**environments["hub"], "TOKEN": tokens[key]})  # fmt: skip
        assert registered.returncode == 0, registered.stderr
    processes.append(serve("--role", "hub", "--home", str(homes["hub"]), "--port",
                           str(ports["hub"]), env=environments["hub"]))  # fmt: skip
    node = {
        key: ["--role", "node", "--agency", agency.organ_id, "--home", str(homes[key]),
              "--port", str(ports[key]), "--hub", hub_url]
        for key, agency in (("h26", HA_NOI), ("g22", VPCP))
    }  # fmt: skip
    g22_env = {**environments["g22"], "EDOC_NODE_TOKEN": tokens["g22"]}
    # the Government Office's node as in production: gunicorn's workers, an outbox each
    processes.append(serve(*node["g22"], "--workers", "2", env=g22_env))

    # Hà Nội's node has been set up once, and is not running when the clerk sends.
    h26_env = {**environments["h26"], "EDOC_NODE_TOKEN": tokens["h26"]}
    first = serve(*node["h26"], env=h26_env)
    eventually(lambda: listening(ports["h26"]))
    first.kill()
    first.wait()
    letter = tmp_path / "letter.edxml"
    letter.write_bytes(envelope)
    queued = edoc("send", str(letter), "--home", str(homes["h26"]), "--json", env=h26_env)
    assert queued.returncode == 0, queued.stderr
    again = edoc("send", str(letter), "--home", str(homes["h26"]), "--json", env=h26_env)
    assert '"queued": false' in again.stdout

    processes.append(serve(*node["h26"], env=h26_env))
    sender, receiver = (connect(databases[n]) for n in ("h26", "g22"))

    eventually(lambda: arrived(sender))
    with receiver.connect() as connection:
        received = connection.scalars(
            select(Document.document_id).where(Document.direction == Direction.RECEIVED)
        ).all()
    assert len(received) == 1

    login_page = requests.get(f"http://127.0.0.1:{ports['g22']}/login", timeout=10)
    assert login_page.status_code == 200 and "Đăng nhập" in login_page.text  # the inbox too
    added = edoc("user", "add", "vanthu", "--role", "clerk", "--home", str(homes["g22"]),
                 "--password-env", "PW", env={**g22_env, "PW": "mật-khẩu-dài"})  # fmt: skip
    assert added.returncode == 0, added.stderr

    listed = edoc("inbox", "list", "--home", str(homes["g22"]), "--json", env=g22_env)
    (entry,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert entry["from"] == HA_NOI.organ_id and entry["status"] == "01"
    no_reason = edoc("inbox", "act", str(entry["id"]), "--code", "02", "--home",
                     str(homes["g22"]), env=g22_env)  # fmt: skip
    assert no_reason.returncode == 1 and "reason" in no_reason.stderr
    reason = "Thiếu chữ ký số cá nhân"
    returned = edoc("inbox", "act", str(entry["id"]), "--code", "02", "--reason", reason,
                    "--home", str(homes["g22"]), env=g22_env)  # fmt: skip
    assert returned.returncode == 0, returned.stderr

    def told() -> bool:
        with sender.connect() as connection:
            return "02" in connection.scalars(select(StatusEvent.status_code)).all()

    eventually(told)
    sender.dispose()
    receiver.dispose()


def test_sending_from_a_workspace_that_is_no_node_says_how_to_make_it_one(tmp_path, envelope):
    letter = tmp_path / "letter.edxml"
    letter.write_bytes(envelope)
    result = edoc("send", str(letter), "--home", str(tmp_path / "plain"),
                  env={**os.environ, "PYTHONPATH": os.getcwd()})  # fmt: skip
    assert result.returncode == 1
    assert "edoc serve --role node" in result.stderr and "Traceback" not in result.stderr


def test_one_agency_serves_its_inbox_without_a_hub(tmp_path, processes, pki):
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDOC_")}
    env["PYTHONPATH"] = os.getcwd()
    port = free_port()
    home = str(tmp_path / "h41")
    node = serve("--home", home, "--agency", "H41", "--port", str(port), env=env)
    processes.append(node)
    eventually(lambda: listening(port))
    page = requests.get(f"http://127.0.0.1:{port}/login", timeout=10)
    assert page.status_code == 200 and "Đăng nhập" in page.text
    posted = requests.post(f"http://127.0.0.1:{port}/api/v1/messages", data=b"<x/>", timeout=10)
    assert posted.status_code == 401  # no hub: nobody may post to this node
    added = edoc("user", "add", "vanthu", "--role", "clerk", "--home", home, "--password-env",
                 "PW", env={**env, "PW": "mật-khẩu-dài"})  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "000.00.00.H41" in added.stderr

    leader = NGHE_AN.deputy  # a leader, and the personal key the server holds for them
    added = edoc("user", "add", "lanhdao", "--role", "leader", "--full-name", leader.full_name,
                 "--home", home, "--password-env", "PW",
                 env={**env, "PW": "mật-khẩu-dài"})  # fmt: skip
    assert added.returncode == 0, added.stderr
    p12, image = tmp_path / "lanhdao.p12", tmp_path / "chu-ky.png"
    p12.write_bytes(pkcs12_bytes(pki[leader.key], "khoa-ca-nhan"))
    image.write_bytes(signature_image(leader))
    key = ["user", "key", "lanhdao", "--pkcs12", str(p12), "--image", str(image), "--home", home,
           "--password-env", "P12"]  # fmt: skip
    wrong = edoc(*key, env={**env, "P12": "sai"})
    assert wrong.returncode == 1 and f"{p12}: Wrong password" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    held = edoc(*key, env={**env, "P12": "khoa-ca-nhan"})
    assert held.returncode == 0, held.stderr
    stranger = edoc(
        *[a.replace("lanhdao", "ai-do") for a in key], env={**env, "P12": "khoa-ca-nhan"}
    )
    assert stranger.returncode == 1 and "ai-do" in stranger.stderr
    workspace = open_workspace(home)
    factory = sessions(workspace.engine)
    account = authenticate(factory, "lanhdao", "mật-khẩu-dài", NGHE_AN.organ_id, LoginRules())
    assert account.has_key
    signing_key, _ = held_key(factory, blob_store(workspace), account, "khoa-ca-nhan")
    assert signing_key.certificate == pki[leader.key].certificate


def test_a_node_served_by_gunicorn_workers_shares_its_sessions_and_stops_on_sigterm(
    tmp_path, processes
):
    env = {key: value for key, value in os.environ.items() if not key.startswith("EDOC_")}
    env["PYTHONPATH"] = os.getcwd()
    home, port = str(tmp_path / "h41"), free_port()
    hub = edoc("serve", "--role", "hub", "--home", home, "--workers", "2", env=env)
    assert hub.returncode == 1 and "EDOC_HUB_TOKEN" in hub.stderr  # before any worker starts
    assert "Traceback" not in hub.stderr

    node = serve("--home", home, "--agency", "H41", "--port", str(port), "--workers", "3",
                 env=env)  # fmt: skip
    processes.append(node)
    eventually(lambda: listening(port))
    workspace = open_workspace(home)
    add_user(sessions(workspace.engine), "vanthu", "mật-khẩu-dài", NGHE_AN.organ_id,
             UserRole.CLERK)  # fmt: skip
    workspace.engine.dispose()
    base = f"http://127.0.0.1:{port}"
    with requests.Session() as clerk:
        form = clerk.get(f"{base}/login", timeout=10).text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        login = {"csrf_token": token, "username": "vanthu", "password": "mật-khẩu-dài"}
        assert clerk.post(f"{base}/login", data=login, timeout=10).status_code == 200
        cookies = clerk.cookies
    # a new connection each time, so the workers take them in turn: each knows the session
    pages = [requests.get(base, cookies=cookies, allow_redirects=False, timeout=10)
             for _ in range(12)]  # fmt: skip
    assert {page.status_code for page in pages} == {200}
    node.send_signal(signal.SIGTERM)
    assert node.wait(timeout=60) == 0


def test_nodes_exchange_through_the_hubs_sdk_api_as_processes(
    tmp_path, envelope, processes, new_database
):
    """``edoc hub register-system`` and ``edoc serve --hub-api vdxp``: each node a system of
    the hub's SDK API, one of them served by gunicorn's workers (each fetching)."""
    base = {**os.environ, "EDOC_HUB_TOKEN": "hub-secret", "PYTHONPATH": os.getcwd()}
    homes = {name: tmp_path / name for name in ("hub", "h26", "g22")}
    environments = {name: {**base, DATABASE_URL_ENV: new_database(name)} for name in homes}
    ports = {name: free_port() for name in homes}
    secrets = {"h26": "secret-of-ha-noi-0123456789", "g22": "secret-of-the-office-0123456789"}
    short = edoc("hub", "register-system", "vxp.short", "--agency", "H26", "--secret-env",
                 "S", "--home", str(homes["hub"]),
                 env={**environments["hub"], "S": "short"})  # fmt: skip
    assert short.returncode == 2 and "16 characters" in short.stderr
    for key, agency in (("h26", HA_NOI), ("g22", VPCP)):
        registered = edoc("hub", "register-system", f"vxp.edoc.{key}", "--agency",
                          agency.organ_id, "--secret-env", "S", "--home", str(homes["hub"]),
                          env={**environments["hub"], "S": secrets[key]})  # fmt: skip
        assert registered.returncode == 0, registered.stderr
    processes.append(serve("--role", "hub", "--home", str(homes["hub"]), "--port",
                           str(ports["hub"]), env=environments["hub"]))  # fmt: skip
    hub_url = f"http://127.0.0.1:{ports['hub']}"
    node = {
        key: ["--role", "node", "--agency", agency.organ_id, "--home", str(homes[key]),
              "--port", str(ports[key]), "--hub", hub_url, "--hub-api", "vdxp"]
        for key, agency in (("h26", HA_NOI), ("g22", VPCP))
    }  # fmt: skip
    unconfigured = edoc("serve", *node["h26"], env=environments["h26"])
    assert unconfigured.returncode == 1 and "EDOC_VDXP_SYSTEM_ID" in unconfigured.stderr
    env = {
        key: {**environments[key], "EDOC_VDXP_SYSTEM_ID": f"vxp.edoc.{key}",
              "EDOC_VDXP_SECRET": secrets[key]}
        for key in secrets
    }  # fmt: skip
    processes.append(serve(*node["g22"], "--workers", "2", env=env["g22"]))
    processes.append(serve(*node["h26"], env=env["h26"]))
    letter = tmp_path / "letter.edxml"
    letter.write_bytes(envelope)
    eventually(lambda: listening(ports["h26"]))
    queued = edoc("send", str(letter), "--home", str(homes["h26"]), "--json", env=env["h26"])
    assert queued.returncode == 0, queued.stderr

    sender, receiver = (connect(environments[n][DATABASE_URL_ENV]) for n in ("h26", "g22"))

    eventually(lambda: arrived(sender))
    with receiver.connect() as connection:
        received = connection.scalars(
            select(Document.sender_organ_id).where(Document.direction == Direction.RECEIVED)
        ).all()
    assert received == [HA_NOI.organ_id]  # once: one of the two workers fetches at a time
    sender.dispose()
    receiver.dispose()

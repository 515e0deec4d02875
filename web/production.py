"""``edoc serve --workers N``: gunicorn, run in the ``edoc`` process itself.

``edoc serve`` first builds the service once, and closes it: a missing token or a wrong seal
is then one error message rather than workers failing to boot one after the other, and the
database is migrated and the node's settings kept before any worker starts. gunicorn's
master then forks; each worker builds its own service (its own database connections and
outbox worker) and serves it with ``threads`` threads: a slow request (a large envelope being
verified) does not hold up the quick ones, and connections are kept alive.
"""

import socket
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

from edoc.server import port_refused
from web.service import ServeOptions, Service, build_service

THREADS = 4


class _Gunicorn(BaseApplication):
    """gunicorn with these settings, serving what ``load`` builds in each worker."""

    def __init__(self, load: Callable[[], Flask], settings: dict) -> None:
        self._load, self._settings = load, settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._settings.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._load()


def check_port(host: str, port: int) -> None:
    """EdocError when ``host:port`` cannot be listened on (gunicorn would retry, then exit)."""
    try:
        socket.create_server((host, port)).close()
    except OSError as error:
        raise port_refused(port, error) from error


def serve_with_gunicorn(
    options: ServeOptions,
    host: str,
    port: int,
    workers: int,
    threads: int = THREADS,
    ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve ``options``'s workspace (options known to build) until interrupted (SIGINT,
    SIGTERM), then exit; ``ready`` is called once it listens."""
    check_port(host, port)
    services: list[Service] = []  # this worker's, once forked

    def load() -> Flask:
        service = build_service(options)
        service.start()
        services.append(service)
        return service.app

    def worker_exit(_server, _worker) -> None:
        for service in services:
            service.close()

    settings = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "proc_name": f"edoc-{options.role}",
        "accesslog": None,  # no line per request, as with one process
        "loglevel": "warning",
        "control_socket_disable": True,  # one per user by default: servers would share it
        "when_ready": lambda _server: ready(),
        "worker_exit": worker_exit,
    }
    _Gunicorn(load, settings).run()

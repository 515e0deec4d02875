"""Serving a WSGI application from a background thread: the nodes, the hub, the test PKI.

A busy port is an OSError naming the port (werkzeug's own server would call sys.exit).
"""

import socket
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from edoc.errors import EdocError


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_refused(port: int, error: OSError) -> EdocError:
    """The error to show when ``port`` cannot be listened on."""
    return EdocError(
        f"Không mở được cổng {port}: {error.strerror}.",
        f"Cannot listen on port {port}: {error.strerror}.",
    )


class _QuietHandler(WSGIRequestHandler):
    """Leaves the terminal to the program: no line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class BackgroundServer:
    """``app`` answering on ``host:port`` from a thread; a context manager."""

    def __init__(self, app, host: str, port: int, name: str = "edoc-server") -> None:
        self.url = f"http://{host}:{port}"
        with socket.create_server((host, port)) as listener:
            self._server: BaseWSGIServer = make_server(
                host, port, app, threaded=True, request_handler=_QuietHandler,
                fd=listener.fileno(),
            )  # fmt: skip
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)

    def start(self) -> "BackgroundServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

"""What a running node or hub does besides answering requests, each job in a thread of its
own so that a slow one (verifying again while a CA's server times out) holds up no other:
delivering its outbox, fetching from a hub that does not post to it, removing the files of
transactions that never committed, verifying again the PDFs whose revocation status was
unknown.

A failing round (the database away) is logged and tried again at the job's next turn,
never fatal: the node carries on once the database is back.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from edoc.errors import EdocError
from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from edoc.exchange.outbox import Backoff, Transport, deliver_due
from edoc.exchange.recheck import recheck_due
from edoc.storage.database import dialect_insert
from edoc.storage.models import Setting

logger = logging.getLogger(__name__)

#: Seconds between two looks for files left by transactions that never committed.
SETTLE_EVERY = 10.0
#: Seconds between two looks for PDFs due to be verified again.
RECHECK_EVERY = 30.0
#: Seconds between two looks for what waits at a hub the node fetches from.
FETCH_EVERY = 5.0
#: How long a process's turn at a job lasts unless it ends it first (one that dies while
#: fetching holds the others up this long).
TURN = dt.timedelta(minutes=10)
_MOMENT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so that moments compare as text


def take_turn(
    sessions: sessionmaker[Session], job: str, lasting: dt.timedelta = TURN
) -> str | None:
    """This process's turn at ``job``, one that only one process of a node may run at a
    time (several gunicorn workers share a node): the turn's token, or None while another
    process has it. A turn ends with :func:`end_turn`, or by itself after ``lasting``."""
    now = dt.datetime.now(dt.UTC)
    key, until = f"turn.{job}", (now + lasting).strftime(_MOMENT)
    with sessions() as session:
        insert = dialect_insert(session.get_bind())
        session.execute(insert(Setting).values(key=key, value="").on_conflict_do_nothing())
        taken = session.execute(
            update(Setting)
            .where(Setting.key == key, Setting.value < now.strftime(_MOMENT))
            .values(value=until),
            execution_options={"synchronize_session": False},
        ).rowcount
        session.commit()
    return until if taken else None


def end_turn(sessions: sessionmaker[Session], job: str, token: str) -> None:
    """End this process's turn at ``job`` (``token`` from :func:`take_turn`)."""
    with sessions() as session:
        session.execute(
            update(Setting)
            .where(Setting.key == f"turn.{job}", Setting.value == token)
            .values(value=""),
            execution_options={"synchronize_session": False},
        )
        session.commit()


def in_turn(sessions: sessionmaker[Session], job: str, run: Callable[[], object]):
    """``run`` as a job only one process runs at a time: a round in which another process
    has the turn does nothing."""

    def round_in_turn() -> object:
        token = take_turn(sessions, job)
        if token is None:
            return None
        try:
            return run()
        finally:
            end_turn(sessions, job, token)

    return round_in_turn


class Worker:
    """A thread that runs ``job`` at once and then every ``interval`` seconds until stopped."""

    def __init__(self, name: str, job: Callable[[], object], interval: float) -> None:
        self.name = name
        self._job = job
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._job()
            except EdocError as error:  # the database away, the disk full: said in a line
                logger.warning("%s: %s (retrying)", self.name, error.message("en"))
            except Exception:  # any other failing round is retried too, never fatal
                logger.exception("%s: round failed; retrying", self.name)
            self._stop.wait(self._interval)

    def start(self) -> "Worker":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current round (a worker never started has nothing to stop)."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join()


def background(
    service: Node | Hub,
    transport: Transport | None,
    backoff: Backoff = Backoff(),  # noqa: B008 - frozen
    interval: float = 0.5,
    fetch: Callable[[], object] | None = None,
    fetch_every: float = FETCH_EVERY,
) -> list[Worker]:
    """The workers of ``service`` (a node or the hub), not started: its outbox delivered
    with ``transport`` every ``interval`` seconds (none without a transport: a node with no
    hub keeps its queue), what waits for it at its hub fetched with ``fetch`` every
    ``fetch_every`` seconds by one of its processes at a time (for a hub that does not post
    to it), its files settled, its PDFs verified again when due."""
    workers = [
        Worker("edoc-files", service.blobs.settle, SETTLE_EVERY),
        Worker("edoc-recheck", lambda: recheck_due(service), RECHECK_EVERY),
    ]
    if fetch is not None:
        fetching = in_turn(service.sessions, "fetch", fetch)
        workers.insert(0, Worker("edoc-fetch", fetching, fetch_every))
    if transport is not None:
        outbox = lambda: deliver_due(service.sessions, service.blobs, transport, backoff)  # noqa: E731
        workers.insert(0, Worker("edoc-outbox", outbox, interval))
    return workers

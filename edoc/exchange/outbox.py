"""The outbox: every message leaves from the database, and is retried until it is taken,
for a bounded time.

Sending never happens inside the transaction that decides to send: the decision is a
Delivery row (queued), committed with the document. A worker then posts what is due, marks
it done when the other side has taken it, and otherwise tries again later, waiting twice as
long each time (up to a ceiling). A message not taken within ``give_up_after`` of being
queued, or refused for good by the other side (a 4xx answer other than 408 and 429: asking
again gets the same answer), becomes undeliverable, with the reason, and is tried again only
by hand (:func:`retry`). A node that restarts finds its queue where it left it.

Several workers may share a queue (one per gunicorn worker process): each claims a delivery
just before posting it, by moving its next attempt past a lease in one UPDATE, so one worker
posts it. A worker that dies while posting leaves it to be posted again once the lease is
over (a node killed and started again too).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, contains_eager, sessionmaker

from edoc.errors import EdocError, NotFoundError
from edoc.storage.blobs import BlobStore
from edoc.storage.models import Delivery, DeliveryState, Document
from edoc.timezone import as_utc

#: How long a claimed delivery is left to the worker posting it: longer than a post may take
#: (twice the transport's timeout); a worker killed while posting holds it up this long.
LEASE = dt.timedelta(seconds=60)


class DeliveryError(EdocError):
    """The other side did not take a message (unreachable, refused, or an error there).
    ``final``: it refused it for good (asking again would get the same answer)."""

    def __init__(self, message_vi: str, message_en: str, *, final: bool = False):
        super().__init__(message_vi, message_en)
        self.final = final


def refused_for_good(http_status: int) -> bool:
    """Whether an HTTP answer refuses a message for good: a client error other than a
    timeout (408) or too many requests (429), which a later attempt may get past."""
    return 400 <= http_status < 500 and http_status not in (408, 429)


class NotRetriable(EdocError):
    """A delivery put back in the queue by hand that is not undeliverable (it is queued,
    on its way, or taken)."""


#: How long a node keeps trying a message before it gives up (``edoc serve --retry-hours``).
GIVE_UP_AFTER = dt.timedelta(days=3)
#: The longest it may be told to keep trying (ten years: beyond, no date can hold the end).
MOST_RETRY_HOURS = 24 * 365 * 10


@dataclass(frozen=True)
class Backoff:
    """How long to wait before the next attempt: ``first`` seconds, doubling, at most ``most``;
    and after how long since a message was queued it is not tried again (``give_up_after``)."""

    first: float = 1.0
    most: float = 3600.0
    give_up_after: dt.timedelta = GIVE_UP_AFTER

    def after(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.first * 2 ** max(attempts - 1, 0), self.most))


@dataclass(frozen=True)
class Outgoing:
    """A message due to leave: to whom, what, and what its delivery becomes once taken."""

    delivery_pk: int
    recipient: str
    kind: str
    data: bytes
    trace: list = field(default_factory=list)  # the document's route so far


#: Posts one message; raises DeliveryError when it was not taken. Returns the final state.
Transport = Callable[[Outgoing], DeliveryState]


def _due(now: dt.datetime) -> tuple:
    return (
        or_(Delivery.state == DeliveryState.QUEUED, Delivery.state == DeliveryState.FAILED),
        Delivery.next_attempt_at <= now,
    )


def _claim(
    sessions: sessionmaker[Session], blobs: BlobStore, delivery_pk: int
) -> tuple[Outgoing, dt.datetime] | None:
    """Delivery ``delivery_pk`` as a message to post, claimed for LEASE, and when the lease
    ends; None when it is no longer due (another worker claimed it, or it was done
    meanwhile)."""
    now = dt.datetime.now(dt.UTC)
    lease = now + LEASE
    with sessions() as session:
        claimed = session.scalar(
            update(Delivery)
            .where(Delivery.id == delivery_pk, *_due(now))
            .values(next_attempt_at=lease)
            .returning(Delivery.id),
            execution_options={"synchronize_session": False},
        )
        session.commit()
        if claimed is None:
            return None
        delivery = session.get(Delivery, delivery_pk)
        trace = list(delivery.document.trace) if delivery.kind == "document" else []
        message = Outgoing(
            delivery.id,
            delivery.recipient_organ_id,
            delivery.kind,
            blobs.read(delivery.message_sha256),
            trace,
        )
        return message, lease


def _settle(
    sessions: sessionmaker[Session],
    delivery_pk: int,
    lease: dt.datetime,
    state: DeliveryState,
    error: str,
    backoff: Backoff,
) -> bool:
    """Record what became of a posted delivery, unless something else settled it while it
    was posted (the answer came first, its recipient said done or fail): only a delivery
    still under this worker's lease is written. Whether it was."""
    with sessions() as session:
        delivery = session.get(Delivery, delivery_pk)
        if delivery is None:
            return False
        attempts = delivery.attempts + (state is not DeliveryState.HELD)  # held: not posted
        now = dt.datetime.now(dt.UTC)
        waited = now - as_utc(delivery.created_at)
        if state is DeliveryState.FAILED and waited >= backoff.give_up_after:
            state = DeliveryState.UNDELIVERABLE
        values = {"state": state, "last_error": error, "attempts": attempts, "updated_at": now}
        if state is DeliveryState.FAILED:
            values["next_attempt_at"] = now + backoff.after(attempts)
        written = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_pk,
                Delivery.state.in_([DeliveryState.QUEUED, DeliveryState.FAILED]),
                Delivery.next_attempt_at == lease,
            )
            .values(**values),
            execution_options={"synchronize_session": False},
        ).rowcount
        session.commit()
        return bool(written)


def deliver_due(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    transport: Transport,
    backoff: Backoff = Backoff(),
    limit: int = 100,
) -> int:
    """Try each due delivery once, each claimed just before it is posted (those another
    worker claims first are left to it); how many were taken."""
    with sessions() as session:
        due = session.scalars(
            select(Delivery.id)
            .where(*_due(dt.datetime.now(dt.UTC)))
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        ).all()
    taken = 0
    for delivery_pk in due:
        claimed = _claim(sessions, blobs, delivery_pk)
        if claimed is None:
            continue
        message, lease = claimed
        try:
            state, error = transport(message), ""
        except DeliveryError as problem:
            final = DeliveryState.UNDELIVERABLE if problem.final else DeliveryState.FAILED
            state, error = final, problem.message_en
        settled = _settle(sessions, delivery_pk, lease, state, error, backoff)
        taken += settled and state not in (DeliveryState.FAILED, DeliveryState.UNDELIVERABLE)
    return taken


def undeliverable(sessions: sessionmaker[Session], organ_id: str) -> list[Delivery]:
    """The deliveries of ``organ_id``'s documents that were given up, the latest first, each
    with its document (for an admin's list and ``edoc outbox list``)."""
    with sessions() as session:
        return list(
            session.scalars(
                select(Delivery)
                .join(Delivery.document)
                .where(Delivery.state == DeliveryState.UNDELIVERABLE)
                .where(Document.owner_organ_id == organ_id)
                .options(contains_eager(Delivery.document))
                .order_by(Delivery.updated_at.desc(), Delivery.id)
            )
        )


def retry(sessions: sessionmaker[Session], delivery_pk: int, organ_id: str | None = None) -> bool:
    """Put an undeliverable delivery back in the queue, with a fresh window (it counts from
    now, as if just queued). False when it was already put back (a second click); a
    delivery that was never given up is NotRetriable, one that does not exist NotFoundError.
    Given ``organ_id``, only a delivery of that agency's own documents is touched: another's
    is NotFoundError too, so that a page never tells whether it exists."""
    now = dt.datetime.now(dt.UTC)
    with sessions() as session:
        delivery = session.get(Delivery, delivery_pk)
        if delivery is None or (organ_id and delivery.document.owner_organ_id != organ_id):
            raise NotFoundError(
                f"Không có lần chuyển số {delivery_pk}.", f"No delivery {delivery_pk}."
            )
        put_back = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_pk, Delivery.state == DeliveryState.UNDELIVERABLE)
            .values(
                state=DeliveryState.QUEUED,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if put_back:
            return True
        if delivery.state in (DeliveryState.QUEUED, DeliveryState.FAILED):
            return False
        raise NotRetriable(
            f"Lần chuyển số {delivery_pk} không bị ngừng gửi: không cần gửi lại.",
            f"Delivery {delivery_pk} was not given up: there is nothing to retry.",
        )

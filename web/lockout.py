"""Wrong passwords: they lock the account, and slow down the address, never the office.

An account is locked for ``lock_for`` after ``lock_after`` wrong passwords in a row, none
more than ``lock_for`` after the one before (its right password included, until then); the
count and the lock are kept in the database, so that they hold across restarts and across
the server's processes, and an admin may unlock it sooner (:func:`edoc.accounts.clear_lockout`).
An address that keeps failing, whatever the names, only waits before each further attempt
(``pause_step`` more seconds per failure past ``slow_after``, at most ``pause_cap``): the
colleagues behind the same address (an office, a proxy) still log in.
Tests give their own ``clock`` and ``pause``, so that nothing waits in real time.
"""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from edoc.errors import AccountLockedError
from edoc.storage.models import User, utc_now
from edoc.timezone import as_utc


@dataclass(frozen=True)
class LoginRules:
    """How an inbox answers wrong passwords, per account and per address."""

    lock_after: int = 5
    lock_for: dt.timedelta = dt.timedelta(minutes=15)
    slow_after: int = 5
    pause_step: float = 1.0
    pause_cap: float = 5.0
    clock: Callable[[], dt.datetime] = utc_now
    pause: Callable[[float], None] = time.sleep

    def pause_for(self, failures: int) -> float:
        """How many seconds an attempt waits from an address with ``failures`` recent ones."""
        if failures < self.slow_after:
            return 0.0
        return min(self.pause_cap, self.pause_step * (failures - self.slow_after + 1))


def locked_until(user: User, now: dt.datetime) -> dt.datetime | None:
    """Until when ``user``'s account is locked at ``now`` (UTC), or None."""
    if user.locked_until is None or as_utc(user.locked_until) <= now:
        return None
    return as_utc(user.locked_until)


def check_open(user: User, rules: LoginRules) -> None:
    """AccountLockedError while ``user``'s account is locked."""
    until = locked_until(user, rules.clock())
    if until is not None:
        raise AccountLockedError(until)


def record_failure(session: Session, user_pk: int, rules: LoginRules) -> None:
    """Count a wrong password for user ``user_pk`` (in one statement: the server's other
    processes count too) and commit; AccountLockedError when it locks the account."""
    now = rules.clock()
    quiet = User.last_failed_at < now - rules.lock_for  # the last one long ago: a new count
    session.execute(
        update(User)
        .where(User.id == user_pk)
        .values(failed_logins=case((quiet, 1), else_=User.failed_logins + 1), last_failed_at=now)
    )
    failures = session.scalar(select(User.failed_logins).where(User.id == user_pk))
    if failures < rules.lock_after:
        session.commit()
        return
    until = now + rules.lock_for
    session.execute(
        update(User).where(User.id == user_pk).values(failed_logins=0, locked_until=until)
    )
    session.commit()
    raise AccountLockedError(until)

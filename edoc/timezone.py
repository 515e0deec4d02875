"""Times as edoc keeps and shows them: stored in UTC, shown in Vietnam time (Asia/Ho_Chi_Minh)."""

import datetime as dt
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def to_vietnam(moment: dt.datetime) -> dt.datetime:
    """``moment`` in Vietnam time; a naive datetime is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(VIETNAM)


def to_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC, for storage; a naive datetime is taken to be Vietnam time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time read back from storage, in UTC: SQLite returns stored UTC times without a zone."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight opening ``day`` in Vietnam time, in UTC."""
    return to_utc(dt.datetime.combine(day, dt.time()))


def shown(moment: dt.datetime | dt.date | None) -> str:
    """A stored time as pages show it: day/month/year hour:minute, Vietnam time; a date
    (a due date, a promulgation date) as day/month/year."""
    if moment is None:
        return ""
    if not isinstance(moment, dt.datetime):
        return moment.strftime("%d/%m/%Y")
    return to_vietnam(moment).strftime("%d/%m/%Y %H:%M")

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

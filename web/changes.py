"""What an admin's change did to a user, said in words once saved: the admin sees that the
change they meant is the one made (and nothing else)."""

import datetime as dt

from edoc.accounts import Account
from web.text import labels


def was_locked_out(account: Account, now: dt.datetime) -> bool:
    """Whether wrong passwords keep ``account`` locked at ``now``."""
    return account.locked_until is not None and account.locked_until > now


def what_changed(
    before: Account, after: Account, lang: str, now: dt.datetime, *, password_set: bool = False
) -> str:
    """The changes from ``before`` to ``after`` (and a new password, which no account
    shows), in ``lang``; that nothing changed when nothing did."""
    t = labels(lang)
    said = []
    if before.full_name != after.full_name:
        said.append(t["changed_full_name"].format(old=before.full_name, new=after.full_name))
    if before.role != after.role:
        roles = (t[f"user_role_{account.role.value}"] for account in (before, after))
        said.append(t["changed_role"].format(*roles))
    if before.active != after.active:
        said.append(t["changed_unlocked"] if after.active else t["changed_locked"])
    elif was_locked_out(before, now) and not was_locked_out(after, now):
        said.append(t["changed_lock_lifted"])
    if password_set:
        said.append(t["changed_password"])
    return "; ".join(said) if said else t["changed_nothing"]

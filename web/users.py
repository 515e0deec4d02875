"""Logging in to an agency's inbox: the account a name and password open, wrong passwords
counted (:mod:`web.lockout`), and the account a session's user id stands for. Adding and
changing accounts is the core's (:mod:`edoc.accounts`)."""

from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash

from edoc.accounts import Account, clear_lockout, named_user
from edoc.storage.models import User
from web.lockout import LoginRules, check_open, record_failure


def authenticate(
    sessions: sessionmaker[Session], username: str, password: str, organ_id: str, rules: LoginRules
) -> Account | None:
    """The account of agency ``organ_id`` whose name and password these are, or None;
    AccountLockedError while the account is locked (whatever the password), or when this
    wrong password locks it (:mod:`web.lockout`)."""
    with sessions() as session:
        user = named_user(session, username)
        if user is None or not user.active or user.organ_id != organ_id:
            return None
        check_open(user, rules)
        if not check_password_hash(user.password_hash, password):
            record_failure(session, user.id, rules)
            return None
        if user.failed_logins or user.locked_until is not None:
            clear_lockout(user)
            session.commit()
        return Account.of(user)


def load(sessions: sessionmaker[Session], user_id: str, organ_id: str) -> Account | None:
    """The account of a session's user id if they are of agency ``organ_id`` (whose inbox
    this is, as at login); None once the user is locked."""
    if not user_id.isdigit():
        return None
    with sessions() as session:
        user = session.get(User, int(user_id))
        mine = user is not None and user.active and user.organ_id == organ_id
        return Account.of(user) if mine else None

"""The people who use an agency's inbox: a login, a password hash, an agency and a role."""

from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from edoc.errors import EdocError
from edoc.storage.models import User, UserRole

MIN_PASSWORD = 8


@dataclass(frozen=True)
class Account(UserMixin):
    """A logged-in user, as the inbox sees them (no password hash)."""

    id: int
    username: str
    full_name: str
    organ_id: str
    role: UserRole

    def get_id(self) -> str:
        return str(self.id)

    @classmethod
    def of(cls, user: User) -> "Account":
        return cls(user.id, user.username, user.full_name, user.organ_id, user.role)


def add_user(
    sessions: sessionmaker[Session],
    username: str,
    password: str,
    organ_id: str,
    role: UserRole,
    full_name: str = "",
) -> Account:
    """A new user; EdocError when the name is taken or the password too short."""
    if len(password) < MIN_PASSWORD:
        raise EdocError(
            f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
            f"A password needs at least {MIN_PASSWORD} characters.",
        )
    user = User(
        username=username.strip().lower(),
        password_hash=generate_password_hash(password),
        organ_id=organ_id,
        role=role,
        full_name=full_name,
    )
    try:
        with sessions() as session:
            session.add(user)
            session.commit()
            return Account.of(user)
    except IntegrityError as error:
        raise EdocError(
            f"Tên đăng nhập đã có: {username}.", f"The user name is taken: {username}."
        ) from error


def authenticate(sessions: sessionmaker[Session], username: str, password: str) -> Account | None:
    """The account whose name and password these are, or None."""
    with sessions() as session:
        user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return Account.of(user)


def load(sessions: sessionmaker[Session], user_id: str) -> Account | None:
    if not user_id.isdigit():
        return None
    with sessions() as session:
        user = session.get(User, int(user_id))
        return Account.of(user) if user else None

"""The people who use an agency's inbox: a login, a password hash, an agency and a role;
for a leader, the personal key the server holds for them.

The core of accounts, with no HTTP in it: the inbox (:mod:`web.users`, :mod:`web.admin`), the
CLI's ``edoc user`` and the demo all add, change and look up users here. What each role may do
is said here too (:data:`ACTORS` …); the inbox checks it per route with :func:`web.roles.only`.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

from edoc.errors import EdocError, SigningKeyError
from edoc.storage.blobs import BlobStore
from edoc.storage.models import User, UserRole
from edoc.timezone import as_utc
from signing.roles import Role, certificate_role
from signing.sign.keys import SigningKey, pkcs12_key

MIN_PASSWORD = 8

#: Act on received documents and compose: everyone but auditors, who only read.
ACTORS = (UserRole.CLERK, UserRole.LEADER, UserRole.ADMIN)
#: Apply the agency's signature and send: the văn thư (and the admin).
SEALERS = (UserRole.CLERK, UserRole.ADMIN)
#: Sign personally: the agency's leaders.
SIGNERS = (UserRole.LEADER,)
#: Read the agency's signing-rate and compliance audit: auditors, leaders and the admin.
AUDITORS = (UserRole.AUDITOR, UserRole.LEADER, UserRole.ADMIN)


@dataclass(frozen=True)
class Account:
    """A user as the inbox sees them (no password hash); also what a login session holds,
    so it answers what Flask-Login asks of a user (``get_id``, ``is_active``,
    ``is_authenticated``, ``is_anonymous``) without the core depending on Flask."""

    id: int
    username: str
    full_name: str
    organ_id: str
    role: UserRole
    has_key: bool = False
    active: bool = True
    #: Until when (UTC) wrong passwords lock the account; it may be past.
    locked_until: dt.datetime | None = None

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def acts(self) -> bool:
        """Whether they act on documents and compose (auditors only read)."""
        return self.role in ACTORS

    @property
    def audits(self) -> bool:
        """Whether they read the agency's audit."""
        return self.role in AUDITORS

    @classmethod
    def of(cls, user: User) -> "Account":
        return cls(
            user.id, user.username, user.full_name, user.organ_id, user.role,
            has_key=user.key_sha256 is not None, active=user.active,
            locked_until=as_utc(user.locked_until) if user.locked_until else None,
        )  # fmt: skip


def add_user(
    sessions: sessionmaker[Session],
    username: str,
    password: str,
    organ_id: str,
    role: UserRole,
    full_name: str = "",
) -> Account:
    """A new user; EdocError when the name is missing or taken or the password too short."""
    if not username.strip():
        raise EdocError("Cần có tên đăng nhập.", "A user name is needed.")
    _check_password(password)
    user = User(
        username=username.strip().lower(),
        password_hash=generate_password_hash(password),
        organ_id=organ_id,
        role=role,
        full_name=_fitting_name(full_name),
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


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise EdocError(
            f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự.",
            f"A password needs at least {MIN_PASSWORD} characters.",
        )


def named_user(session: Session, username: str) -> User | None:
    """The user called ``username`` (as typed: spaces and case do not count), or None."""
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def _user(session: Session, username: str) -> User:
    user = named_user(session, username)
    if user is None:
        raise EdocError(f"Không có người dùng {username}.", f"There is no user {username}.")
    return user


def agency_user(sessions: sessionmaker[Session], organ_id: str, user_pk: int) -> Account | None:
    """User ``user_pk`` if they belong to agency ``organ_id``, else None (as if none)."""
    with sessions() as session:
        user = session.get(User, user_pk)
        return Account.of(user) if user is not None and user.organ_id == organ_id else None


def list_users(sessions: sessionmaker[Session], organ_id: str) -> list[Account]:
    """The agency's users, by name."""
    with sessions() as session:
        query = select(User).where(User.organ_id == organ_id).order_by(User.username)
        return [Account.of(user) for user in session.scalars(query)]


def change_user(
    sessions: sessionmaker[Session],
    username: str,
    *,
    role: UserRole | None = None,
    active: bool | None = None,
    password: str | None = None,
    full_name: str | None = None,
) -> Account:
    """Give ``username`` another role or full name (their login name stays), lock or unlock
    them (unlocking also lifts a lock for wrong passwords), or set a new password."""
    if password is not None:
        _check_password(password)
    if full_name is not None and not full_name.strip():
        raise EdocError("Cần có họ và tên.", "A full name is needed.")
    with sessions() as session:
        user = _user(session, username)
        if role is not None:
            user.role = role
        if active is not None:
            user.active = active
        if active:
            clear_lockout(user)
        if password is not None:
            user.password_hash = generate_password_hash(password)
        if full_name is not None:
            user.full_name = _fitting_name(full_name)
        session.commit()
        return Account.of(user)


def _fitting_name(full_name: str) -> str:
    """``full_name`` trimmed; EdocError when it is longer than its column holds (PostgreSQL
    would fail the transaction)."""
    limit = User.__table__.c.full_name.type.length
    name = full_name.strip()
    if len(name) > limit:
        raise EdocError(
            f"Họ và tên dài {len(name)} ký tự, quá giới hạn {limit} ký tự.",
            f"The full name is {len(name)} characters long, over the limit of {limit}.",
        )
    return name


IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def hold_key(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    username: str,
    pkcs12: bytes,
    password: str,
    image: bytes,
    *,
    key_file: str = "",
    image_file: str = "",
) -> None:
    """Keep a leader's personal key (PKCS#12, under its own password, which is not kept)
    and signature image, so they can sign in the inbox with that password.

    EdocError, naming ``key_file`` or ``image_file`` (the uploads) when given, when the key
    does not open with ``password``, holds no personal certificate, the image is not PNG or
    JPEG, or the user is not a leader (only leaders sign personally).
    """
    key = pkcs12_key(pkcs12, password, key_file or f"PKCS#12 ({username})")
    decision = certificate_role(key.certificate)
    if decision.role is not Role.PERSONAL:
        raise EdocError(
            f"Chứng thư số trong tệp không phải của cá nhân ({decision.reason_vi}).",
            f"The file's certificate is not a personal one ({decision.reason_en}).",
            path=key_file or None,
        )
    if not image.startswith(IMAGE_SIGNATURES):
        raise EdocError(
            "Ảnh chữ ký phải là tệp PNG hoặc JPEG.",
            "The signature image must be PNG or JPEG.",
            path=image_file or None,
        )
    with sessions() as session, blobs.staging(session) as stage:
        user = _user(session, username)
        if user.role is not UserRole.LEADER:
            raise EdocError(
                f"Chỉ giữ khóa cá nhân cho lãnh đạo; {username} không phải lãnh đạo.",
                f"Personal keys are held for leaders only; {username} is not a leader.",
            )
        user.key_sha256 = stage.put(pkcs12)
        user.image_sha256 = stage.put(image)
        session.commit()


def held_key(
    sessions: sessionmaker[Session], blobs: BlobStore, account: Account, password: str
) -> tuple[SigningKey, bytes]:
    """The personal key the server holds for ``account``, opened with ``password``, and
    their signature image; EdocError when none is held or the password is wrong."""
    with sessions() as session:
        user = session.get(User, account.id)
        digests = (user.key_sha256, user.image_sha256) if user else (None, None)
    if None in digests:
        raise EdocError(
            "Máy chủ không giữ khóa cá nhân của bạn: hãy tải lên văn bản đã ký.",
            "The server holds no personal key of yours: upload the signed document instead.",
        )
    key_digest, image_digest = digests
    try:
        key = pkcs12_key(blobs.read(key_digest), password, f"PKCS#12 ({account.username})")
    except SigningKeyError as error:  # held keys were opened when given: the password
        raise SigningKeyError("Sai mật khẩu khóa ký số.", "Wrong key password.") from error
    return key, blobs.read(image_digest)


def clear_lockout(user: User) -> None:
    """Forget ``user``'s wrong passwords and lock (a login, an admin's unlocking)."""
    user.failed_logins = 0
    user.locked_until = None

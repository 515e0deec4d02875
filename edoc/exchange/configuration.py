"""What a node's admin configures about verification: the roots it trusts besides its
policy's own, and the policy itself (a shipped one, or a file they uploaded).

Both are kept in the node's database, so they hold for every later start; the policy the
node was started with stays the base they apply to (:func:`configured_policy`).
"""

import datetime as dt
from dataclasses import dataclass, replace

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from edoc.errors import EdocError, NotFoundError
from edoc.exchange.node import Node
from edoc.storage.models import Setting, TrustAnchor, VerificationReport
from signing.roles import fingerprint
from signing.validation.policy import SHIPPED, Policy, load_policy, parse_policy
from signing.validation.trust import read_certificates

POLICY_NAME = "policy.name"
POLICY_TOML = "policy.toml"


@dataclass(frozen=True)
class Anchor:
    """A root the node trusts, as its admin sees it: from the policy, or added by an admin
    (then with the row's key, who added it and when)."""

    certificate: x509.Certificate
    pk: int | None = None
    added_by: str = ""
    added_at: dt.datetime | None = None

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def sha256(self) -> str:
        return fingerprint(self.certificate)

    @property
    def not_before(self) -> dt.datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc


def _is_authority(certificate: x509.Certificate) -> bool:
    try:
        return certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def add_anchor(
    sessions: sessionmaker[Session], data: bytes, source: str, added_by: str
) -> TrustAnchor:
    """Trust the root certificate of PEM or DER ``data`` (file ``source``) from now on.

    EdocError naming ``source`` when it is not one certificate, not a certification
    authority's (an end entity's certificate is no anchor), or already added.
    """
    certificates = read_certificates(data, source)
    if len(certificates) != 1:
        raise EdocError(
            f"Tệp chứa {len(certificates)} chứng thư số: hãy tải lên từng chứng thư gốc một.",
            f"The file holds {len(certificates)} certificates: upload one root at a time.",
            path=source,
        )
    (certificate,) = certificates
    if not _is_authority(certificate):
        raise EdocError(
            "Chứng thư số không phải của một tổ chức chứng thực (CA) nên không thể làm neo "
            "tin cậy.",
            "The certificate is not a certification authority's (CA), so it cannot be a "
            "trust anchor.",
            path=source,
        )
    anchor = TrustAnchor(
        sha256=fingerprint(certificate),
        subject=certificate.subject.rfc4514_string()[:1000],
        der=certificate.public_bytes(serialization.Encoding.DER),
        added_by=added_by,
    )
    try:
        with sessions() as session:
            session.add(anchor)
            session.commit()
            return anchor
    except IntegrityError as error:
        raise EdocError(
            "Chứng thư gốc này đã là neo tin cậy.",
            "This root is already a trust anchor.",
            path=source,
        ) from error


def remove_anchor(sessions: sessionmaker[Session], anchor_pk: int) -> None:
    """Stop trusting a root an admin added; NotFoundError when there is no such one."""
    with sessions() as session:
        anchor = session.get(TrustAnchor, anchor_pk)
        if anchor is None:
            raise NotFoundError("Không có neo tin cậy này.", "There is no such trust anchor.")
        session.delete(anchor)
        session.commit()


def added_anchors(sessions: sessionmaker[Session]) -> list[Anchor]:
    """The roots admins added, in the order they were added."""
    with sessions() as session:
        rows = session.scalars(select(TrustAnchor).order_by(TrustAnchor.id)).all()
    return [
        Anchor(x509.load_der_x509_certificate(row.der), row.id, row.added_by, row.added_at)
        for row in rows
    ]


def _policy(name: str, toml: str | None) -> Policy:
    """Shipped policy ``name``, or the policy of file ``name`` whose text is ``toml``."""
    if toml is not None:
        return parse_policy(toml, name)
    if name not in SHIPPED:
        shipped = ", ".join(SHIPPED)
        raise EdocError(
            f"Không có chính sách có sẵn tên {name}; có: {shipped}.",
            f"There is no shipped policy named {name}; there are: {shipped}.",
        )
    return load_policy(name)


def choose_policy(sessions: sessionmaker[Session], name: str, toml: str | None = None) -> Policy:
    """Verify from now on with shipped policy ``name``, or with the policy file ``name``
    whose text is ``toml``: the policy, once it is known to be valid (else an EdocError, and
    the choice before stays)."""
    policy = _policy(name, toml)
    longest = VerificationReport.__table__.c.policy.type.length  # each report names its policy
    if len(policy.name) > longest:
        raise EdocError(
            f"Tên chính sách dài quá {longest} ký tự: hãy đặt tên tệp ngắn hơn.",
            f"The policy's name is longer than {longest} characters: rename the file.",
            path=name,
        )
    with sessions() as session:
        session.execute(delete(Setting).where(Setting.key.in_((POLICY_NAME, POLICY_TOML))))
        session.add(Setting(key=POLICY_NAME, value=name))
        if toml is not None:
            session.add(Setting(key=POLICY_TOML, value=toml))
        session.commit()
    return policy


def configured_policy(sessions: sessionmaker[Session], base: Policy) -> Policy:
    """How a node started with ``base`` verifies: with the policy its admin chose (``base``
    if none), trusting ``base``'s anchors and those its admins added."""
    with sessions() as session:
        query = select(Setting).where(Setting.key.in_((POLICY_NAME, POLICY_TOML)))
        chosen = {setting.key: setting.value for setting in session.scalars(query)}
    if POLICY_NAME in chosen:
        policy = _policy(chosen[POLICY_NAME], chosen.get(POLICY_TOML))
    else:
        policy = base
    added = tuple(anchor.certificate for anchor in added_anchors(sessions))
    return replace(policy, trust=base.trust + added)


def configure(node: Node) -> None:
    """Make ``node`` verify, from now on, as its admins configured it."""
    node.policy = configured_policy(node.sessions, node.startup_policy)

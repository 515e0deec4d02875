"""Who may do what in an agency's inbox. Every route that changes something checks it
with :func:`only`; templates ask the same through ``Account.acts`` and ``Account.audits``."""

from flask import abort
from flask_login import current_user

from edoc.storage.models import UserRole

#: Act on received documents and compose: everyone but auditors, who only read.
ACTORS = (UserRole.CLERK, UserRole.LEADER, UserRole.ADMIN)
#: Apply the agency's signature and send: the văn thư (and the admin).
SEALERS = (UserRole.CLERK, UserRole.ADMIN)
#: Sign personally: the agency's leaders.
SIGNERS = (UserRole.LEADER,)
#: Read the agency's signing-rate and compliance audit: auditors, leaders and the admin.
AUDITORS = (UserRole.AUDITOR, UserRole.LEADER, UserRole.ADMIN)


def only(roles: tuple[UserRole, ...]) -> None:
    """403 unless the logged-in user has one of ``roles``."""
    if current_user.role not in roles:
        abort(403)

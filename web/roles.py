"""Who may do what in an agency's inbox. Every route that changes something checks it
with :func:`only`, over the roles :mod:`edoc.accounts` names (``ACTORS`` …); templates ask
the same through ``Account.acts`` and ``Account.audits``."""

from flask import abort
from flask_login import current_user

from edoc.storage.models import UserRole


def only(roles: tuple[UserRole, ...]) -> None:
    """403 unless the logged-in user has one of ``roles``."""
    if current_user.role not in roles:
        abort(403)

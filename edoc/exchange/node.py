"""An agency's node: the agency, its database and files, and the policy it verifies with.

Everything a node does (receive, send, act on a document, serve its inbox) is given the
node it acts for: this is that object, on its own so that every layer above can name it.
"""

from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from edoc.envelope.model import Organization
from edoc.storage.blobs import BlobStore
from signing.validation.policy import Policy


@dataclass
class Node:
    """An agency's node: whose it is, its database and files, and how it verifies.

    ``policy`` is how it verifies now, and changes when its admin configures verification
    (:mod:`edoc.exchange.configuration`); ``startup_policy``, the policy it was made with, is
    what the admin's choices apply to, so that an anchor the admin removes is really gone.
    """

    organization: Organization
    sessions: sessionmaker[Session]
    blobs: BlobStore
    policy: Policy
    startup_policy: Policy = field(init=False)

    def __post_init__(self) -> None:
        self.startup_policy = self.policy

    @property
    def organ_id(self) -> str:
        return self.organization.organ_id

"""edoc: signed official documents for Vietnamese state agencies.

The core package: the edXML envelope, storage, exchange between agencies and audits.
PAdES signing and verification live in :mod:`signing`, the clerks' inbox in :mod:`web`.
"""

__version__ = "0.1.0"

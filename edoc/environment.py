"""Secrets read from environment variables: tokens, shared secrets, passwords.

Secrets never travel on the command line (where ``ps`` shows them to every user of the
machine): the CLI and the server name the variable that holds each one, and read it here.
"""

import os

from edoc.errors import ConfigurationError


def read_secret(variable: str, what_vi: str, what_en: str) -> str:
    """The value of environment variable ``variable``; ConfigurationError, saying what is
    missing (``what_vi``, ``what_en``) and which variable to set, when it is unset or empty."""
    value = os.environ.get(variable, "")
    if not value:
        raise ConfigurationError(
            f"Thiếu {what_vi}: hãy đặt biến môi trường {variable}.",
            f"Missing {what_en}: set the environment variable {variable}.",
        )
    return value

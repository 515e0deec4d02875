"""The ``edoc`` command line: the root group, what its commands share, and its errors.

Each command group lives in its own module of :mod:`commands` (as pyHanko's
``cli/commands/``), loaded when it is run; this module holds the root group and its
``--lang``, the :class:`CliContext` every command reads the language from, the options
several commands share (the signing key, a signing batch, how documents are verified), and
the one place an :class:`EdocError` becomes a message and an exit code.

Data goes to stdout, progress and messages to stderr; ``--json`` prints machine-readable
results. Exit codes: 0 all good, 1 error, 2 usage, 3 non-compliant documents found.
"""

import contextlib
import importlib
import logging
import os
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

import edoc
from edoc.bilingual import LANGUAGES, Text
from edoc.errors import EdocError

if TYPE_CHECKING:
    from signing.sign.batch import KeySource
    from signing.sign.keys import SigningKey
    from signing.validation.policy import Policy

LANG_ENV = "EDOC_LANG"

#: Each command of the root group, and where it is defined ("module:attribute").
COMMANDS = {
    "audit": "commands.audit:audit",
    "demo": "commands.demo:demo",
    "envelope": "commands.envelope:envelope",
    "hub": "commands.hub:hub",
    "inbox": "commands.inbox:inbox",
    "outbox": "commands.outbox:outbox",
    "recheck": "commands.verify:recheck",
    "send": "commands.outbox:send",
    "serve": "commands.serve:serve",
    "sign": "commands.sign:sign",
    "user": "commands.user:user",
    "verify": "commands.verify:verify",
}


@dataclass(frozen=True)
class CliContext:
    """What every command of one ``edoc`` run shares: the language of its messages."""

    lang: str = "vi"

    def pick(self, vi: str, en: str) -> str:
        """``vi`` or ``en``, whichever is in this run's language (:class:`edoc.bilingual.Text`)."""
        return Text(vi, en).in_(self.lang)

    def say(self, vi: str, en: str) -> None:
        """A progress message on stderr, in this run's language."""
        click.echo(self.pick(vi, en), err=True)


def current() -> CliContext:
    """The context of the command running now (Vietnamese outside of one)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().obj if ctx else None
    return found if isinstance(found, CliContext) else CliContext()


def say(vi: str, en: str) -> None:
    """A progress message on stderr, in the language of the current command."""
    current().say(vi, en)


def pick(vi: str, en: str) -> str:
    """``vi`` or ``en``, whichever is in the language of the current command."""
    return current().pick(vi, en)


class EdocGroup(click.Group):
    """The root group: its commands loaded from :data:`COMMANDS` when run (or listed), and
    :class:`EdocError` turned into a one-line message and exit code 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[name].partition(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EdocError as error:
            said = ctx.obj if isinstance(ctx.obj, CliContext) else CliContext()
            click.echo(f"edoc: {said.pick('lỗi', 'error')}: {error.message(said.lang)}", err=True)
            ctx.exit(1)


@click.group(cls=EdocGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(edoc.__version__, prog_name="edoc")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=lambda: os.environ.get(LANG_ENV, "vi"),
    show_default="vi, or $EDOC_LANG",
    help="Language of messages and reports.",
)
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    """edoc: signed official documents for Vietnamese state agencies.

    Send and receive documents in edXML envelopes, sign them with PAdES as Nghị định 30
    asks, and check and audit their signatures.
    """
    ctx.obj = CliContext(lang)
    # pyHanko logs a traceback for every signature it finds fault with: the reports say it
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    # pyHanko still imports cryptography's DSA types, which cryptography 51 deprecates: a notice
    # about a library's imports is no message for a clerk, and stderr carries only edoc's own
    warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")


home_option = click.option(
    "--home",
    type=click.Path(file_okay=False),
    help="Workspace folder (default: $EDOC_HOME, else ./edoc-demo).",
)


def wait_forever() -> None:
    """Wait until interrupted (Ctrl+C): what ``serve`` and ``demo --serve`` do while serving."""
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()


def read_password(password_env: str | None, password_file: str | None, prompt: str) -> str:
    """A password or PIN from an environment variable, a file, or a hidden prompt; never argv."""
    if password_env:
        value = os.environ.get(password_env)
        if value is None:
            raise click.UsageError(f"environment variable {password_env} is not set")
        return value
    if password_file:
        return Path(password_file).read_text(encoding="utf-8").rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, default="", show_default=False, err=True)


def key_options(command: Callable) -> Callable:
    """The options that choose a signing key: a PKCS#12 file or a PKCS#11 token."""
    options = [
        click.option("--key", "key_file", type=click.Path(dir_okay=False), help="PKCS#12 file."),
        click.option("--password-env", metavar="VAR", help="Read the password or PIN from $VAR."),
        click.option(
            "--password-file",
            type=click.Path(exists=True, dir_okay=False),
            help="Read the password or PIN from a file.",
        ),
        click.option("--pkcs11-lib", type=click.Path(dir_okay=False), help="PKCS#11 library."),
        click.option("--token-label", help="Label of the token."),
        click.option("--key-label", help="Label of the key (and certificate) on the token."),
        click.option(
            "--key-cert",
            metavar="SHA256",
            help="Or choose the token key by its certificate's SHA-256 fingerprint.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


KEY_ARGS = (
    "key_file",
    "password_env",
    "password_file",
    "pkcs11_lib",
    "token_label",
    "key_label",
    "key_cert",
)


def key_source(
    key_file: str | None,
    password_env: str | None,
    password_file: str | None,
    pkcs11_lib: str | None,
    token_label: str | None,
    key_label: str | None,
    key_cert: str | None,
) -> "KeySource":
    """Where the signing key the options name is (a usage error when they name none or
    half of one), its password or PIN read as :func:`read_password` reads it."""
    from signing.sign.batch import KeySource

    if bool(key_file) == bool(pkcs11_lib):
        raise click.UsageError("give a key: either --key FILE.p12 or --pkcs11-lib with labels")
    if pkcs11_lib and not (token_label and (key_label or key_cert)):
        raise click.UsageError("--pkcs11-lib needs --token-label and --key-label or --key-cert")
    prompt = "PKCS#12 password" if key_file else "Token PIN"
    return KeySource(
        pkcs12=Path(key_file) if key_file else None,
        password=read_password(password_env, password_file, prompt),
        pkcs11_lib=Path(pkcs11_lib) if pkcs11_lib else None,
        token_label=token_label,
        key_label=key_label,
        certificate_sha256=key_cert,
    )


def load_key(**key_args: str | None) -> "SigningKey | None":
    """The signing key the options name, or None when they name none."""
    if not (key_args["key_file"] or key_args["pkcs11_lib"]):
        return None
    return key_source(**key_args).open()


def batch_options(command: Callable) -> Callable:
    """Inputs, output folder, key, level and batch options shared by every ``sign`` command."""
    options = [
        click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True)),
        click.option("-o", "--output", required=True, type=click.Path(file_okay=False)),
        click.option("--recursive", is_flag=True, help="Sign the PDFs of sub-folders too."),
        click.option("--tsa", "tsa_url", help="RFC 3161 timestamp server: signs at level B-T."),
        click.option(
            "--ltv", is_flag=True, help="Embed validation data: level B-LT (needs --tsa)."
        ),
        click.option(
            "--trust",
            multiple=True,
            type=click.Path(exists=True),
            help="Trust anchors for --ltv: PEM/DER files or folders (repeatable).",
        ),
        click.option("--json", "as_json", is_flag=True, help="One JSON object per document."),
        click.option(
            "--jobs", type=click.IntRange(1), default=None, help="Processes (default: all cores)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return key_options(command)


def verification_options(command: Callable) -> Callable:
    """The options that say how documents are verified: policy, anchors, revocation, jobs."""
    options = [
        click.option(
            "--policy", default="default", show_default=True,
            help="Policy TOML file, or a shipped one: default, strict.",
        ),
        click.option(
            "--trust", multiple=True, type=click.Path(exists=True),
            help="Trust anchors: PEM/DER files or folders (repeatable; added to the policy's).",
        ),
        click.option(
            "--revocation", type=click.Choice(["off", "soft", "hard"]),
            help="OCSP/CRL checking (default: the policy's).",
        ),
        click.option(
            "--jobs", type=click.IntRange(1), default=None,
            help="Processes (default: all cores).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def chosen_policy(policy: str, trust: tuple[str, ...], revocation: str | None) -> "Policy":
    """The verification policy ``policy`` (a file or a shipped name) with the anchors of
    ``--trust`` added and ``--revocation`` over its own."""
    from signing.validation.policy import load_policy
    from signing.validation.trust import load_certificates

    return load_policy(policy).with_options(
        tuple(load_certificates(Path(p) for p in trust)), revocation
    )

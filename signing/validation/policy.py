"""Verification policies: what counts, how much, and whom to trust.

A policy is a TOML file (``signing/validation/policies/default.toml`` is the one that follows
the Vietnamese rules and ships with edoc; ``strict.toml`` makes every departure an error). It
sets the level of each check code, the cryptography floor, the revocation mode and the trust
anchors. A policy file only needs the lines it changes: the rest comes from the default.
"""

import enum
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from edoc.errors import EdocError
from edoc.files import read_input
from edoc.floor import MIN_EC_BITS, MIN_RSA_BITS
from signing.validation.checks import CATALOGUE, Severity
from signing.validation.trust import load_certificates


class Revocation(enum.StrEnum):
    """How revocation is checked: not at all, unknown status tolerated, or required."""

    OFF = "off"
    SOFT = "soft"
    HARD = "hard"


@dataclass(frozen=True)
class Policy:
    """Levels per check code, the algorithm floor, revocation checking and trust anchors."""

    severities: Mapping[str, Severity]
    trust: tuple[x509.Certificate, ...] = ()
    revocation: Revocation = Revocation.SOFT
    timeout_seconds: float = 10
    min_rsa_bits: int = MIN_RSA_BITS
    min_ec_bits: int = MIN_EC_BITS
    name: str = "default"

    def __getstate__(self) -> dict:
        """Policies travel to worker processes; certificates travel as DER."""
        state = dict(self.__dict__)
        state["trust"] = [c.public_bytes(serialization.Encoding.DER) for c in self.trust]
        return state

    def __setstate__(self, state: dict) -> None:
        state["trust"] = tuple(x509.load_der_x509_certificate(der) for der in state["trust"])
        self.__dict__.update(state)

    def severity(self, code: str) -> Severity:
        return self.severities[code]

    def with_options(
        self,
        trust: tuple[x509.Certificate, ...] = (),
        revocation: Revocation | str | None = None,
    ) -> "Policy":
        """This policy with more trust anchors and, if given, another revocation mode."""
        return replace(
            self,
            trust=self.trust + tuple(trust),
            revocation=Revocation(revocation) if revocation else self.revocation,
        )


def _invalid(path: str, vi: str, en: str) -> EdocError:
    return EdocError(
        f"Chính sách kiểm tra không hợp lệ: {vi}.", f"Invalid policy: {en}.", path=path
    )


def _parse(text: str, path: str, base: Policy | None, folder: Path | None) -> Policy:
    """The policy of TOML ``text`` (``path`` names it in errors), on top of ``base``; the
    certificate files it names are found in ``folder``, and a policy without one names none."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its text is the parser's English: its place only
        at = re.search(r"line (\d+), column (\d+)", str(error))
        where_vi = f" (dòng {at[1]}, cột {at[2]})" if at else ""
        where_en = f" (line {at[1]}, column {at[2]})" if at else ""
        raise _invalid(path, f"không phải TOML{where_vi}", f"not TOML{where_en}") from error
    unknown = set(data) - {"trust", "revocation", "algorithms", "checks"}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise _invalid(path, f"mục không biết: {names}", f"unknown sections: {names}")
    severities = dict(base.severities) if base else {}
    for code, level in data.get("checks", {}).items():
        if code not in CATALOGUE:
            raise _invalid(path, f"mã kiểm tra không có: {code}", f"no such check code: {code}")
        try:
            severities[code] = Severity(level)
        except ValueError:
            levels = ", ".join(s.value for s in Severity)
            raise _invalid(
                path, f"{code} = {level!r}, cần một trong {levels}",
                f"{code} = {level!r}, expected one of {levels}",
            ) from None  # fmt: skip
    missing = set(CATALOGUE) - set(severities)
    if missing:
        names = ", ".join(sorted(missing))
        raise _invalid(path, f"thiếu mức của {names}", f"no level for {names}")
    revocation = data.get("revocation", {})
    algorithms = data.get("algorithms", {})
    anchors = data.get("trust", {}).get("anchors", [])
    if anchors and folder is None:
        raise _invalid(
            path,
            "chính sách không kèm thư mục không thể chỉ đến tệp chứng thư (trust.anchors)",
            "a policy without a folder cannot name certificate files (trust.anchors)",
        )
    inherited = base or Policy(severities={})  # what a file does not say: the base's, or the floor
    modes = ", ".join(mode.value for mode in Revocation)
    return Policy(
        severities=severities,
        trust=tuple(load_certificates(folder / anchor for anchor in anchors)),
        revocation=_given(path, revocation, "revocation", "mode", Revocation,
                          inherited.revocation, (f"một trong {modes}", f"one of {modes}")),
        timeout_seconds=_given(path, revocation, "revocation", "timeout_seconds", float,
                               inherited.timeout_seconds, _NUMBER),
        min_rsa_bits=_given(path, algorithms, "algorithms", "min_rsa_bits", int,
                            inherited.min_rsa_bits, _NUMBER),
        min_ec_bits=_given(path, algorithms, "algorithms", "min_ec_bits", int,
                           inherited.min_ec_bits, _NUMBER),
        name=Path(path).stem,
    )  # fmt: skip


_NUMBER = ("một số", "a number")


def _given(
    path: str,
    section: Mapping,
    name: str,
    key: str,
    convert: Callable,
    default: object,
    expected: tuple[str, str],
):
    """``section[key]`` as ``convert`` makes it, ``default`` when the file does not say it;
    a value of another kind is named with what it should be, in words (not Python's)."""
    if key not in section:
        return default
    try:
        return convert(section[key])
    except (TypeError, ValueError):
        value = f"{name}.{key} = «{section[key]}»"
        said = (f"{value}, cần {expected[0]}", f"{value}, expected {expected[1]}")
        raise _invalid(path, *said) from None


def _shipped(name: str) -> Policy:
    text = (
        resources.files("signing.validation.policies").joinpath(f"{name}.toml").read_text("utf-8")
    )
    return _parse(text, f"{name}.toml", None if name == "default" else DEFAULT_POLICY, None)


DEFAULT_POLICY: Policy = _parse(
    resources.files("signing.validation.policies").joinpath("default.toml").read_text("utf-8"),
    "default.toml",
    None,
    None,
)
"""The Vietnamese rules, shipped with edoc."""

SHIPPED = ("default", "strict")


def load_policy(path_or_name: str | Path) -> Policy:
    """A policy from a TOML file, or one shipped with edoc by name (``default``, ``strict``)."""
    if str(path_or_name) in SHIPPED:
        return DEFAULT_POLICY if str(path_or_name) == "default" else _shipped(str(path_or_name))
    text = read_input(path_or_name).decode("utf-8", errors="replace")
    return _parse(text, str(path_or_name), DEFAULT_POLICY, Path(path_or_name).parent)


def parse_policy(text: str, name: str) -> Policy:
    """The policy of TOML ``text`` that came without a folder (an upload), named after file
    ``name``: the default policy with the lines it changes. It cannot name certificate files,
    having no folder to find them in; an EdocError naming ``name`` says what is wrong."""
    return _parse(text, name, DEFAULT_POLICY, None)

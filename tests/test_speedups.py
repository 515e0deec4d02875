"""edoc's fast paths under pyHanko give exactly pyHanko's answers, only sooner."""

import io

import pytest
from asn1crypto import x509
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfReadError

from signing import speedups


@pytest.fixture(autouse=True, scope="module")
def _installed():
    speedups.install()


def _both(data: bytes):
    """(value or error type, position after) from edoc's reader and from pyHanko's own."""
    results = []
    for reader in (speedups.read_hex_string, speedups._pyhanko_read_hex_string):
        stream = io.BytesIO(data)
        try:
            value = reader(stream)
        except PdfReadError as error:
            value = type(error)
        results.append((value, type(value), stream.tell() if value is not PdfReadError else 0))
    return results


@pytest.mark.parametrize(
    "data",
    [
        b"<48656C6C6F> rest",
        b"<48 65\n6c\t6C 6F>",
        b"<486>",
        b"<>",
        b"<FEFF00410042>",
        b"<48 % a comment\n65>",
        b"<48zz65>",
        b"<4865",
        b"<" + b"00" * 100_000 + b">",
    ],
)
def test_hex_strings_read_as_pyhanko_reads_them(data):
    ours, theirs = _both(data)
    assert ours == theirs


@given(st.binary(max_size=300))
def test_any_hex_string_body_reads_as_pyhanko_reads_it(body):
    ours, theirs = _both(b"<" + body.replace(b">", b"") + b"> tail")
    assert ours == theirs


def _name(common_name: str, country: str = "VN") -> x509.Name:
    return x509.Name.build({"common_name": common_name, "country_name": country})


def test_names_compare_as_rfc_5280_says():
    assert _name("Test Government CA G2") == _name("test  government ca g2")
    assert _name("Test Government CA G2") != _name("Test Government CA G1")
    assert _name("A", "VN") != _name("A", "LU")
    assert _name("A").hashable == _name("a").hashable


def test_the_fast_paths_are_installed_once():
    speedups.install()
    assert generic.read_hex_string_from_stream is speedups.read_hex_string
    assert x509.Name.__eq__ is speedups._name_equal
    assert speedups._pyhanko_read_hex_string is not speedups.read_hex_string

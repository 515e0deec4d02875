"""docs/ follows the code: every section a docstring or comment cites exists, and every code
of the check catalogue is described.

A citation is ``§N`` or ``§N.M``. One that follows a document of docs/ ("signature-format.md
§7", also "§6.1, §6.2" after it) or stands alone in a module that names one of them cites
that document; one that follows another standard ("RFC 5280 §6.1", "ISO 32000-1 §7.3.7",
"ETSI EN 319 142-1 §6.3") is that standard's and not checked here.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

from signing.validation.checks import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: The modules whose remarks may cite docs/: the packages (those of the CLI and the demo
#: once they exist) and the CLI's root.
SOURCES = [
    *(
        path
        for package in ("edoc", "signing", "web", "commands", "demo")
        for path in sorted((ROOT / package).rglob("*.py"))
    ),
    ROOT / "cli.py",
]

_DOCUMENT = re.compile(r"([\w-]+\.md)\s*$")
_CITATION = re.compile(r"§(\d+(?:\.\d+)*)")
_EXTERNAL = re.compile(r"\b(RFC|ISO|ETSI|EN|IEC|X\.\d+)\b[\w\s./-]*$")
_CONTINUED = re.compile(r"^[\s,]*(?:and|or|,)?\s*$")
_UNNAMED = "(unnamed)"
_NAMED = re.compile(r"\b(signature-format|edxml|vdxp-api)\.md\b")


def _sections(document: Path) -> set[str]:
    """The section numbers of ``document``'s headings ("## 7. …", "### 7.1 …")."""
    headings = re.findall(r"^#{2,}\s+(\d+(?:\.\d+)*)\.?\s", document.read_text(), re.M)
    return set(headings)


def _remarks(source: str) -> list[str]:
    """The comments and docstrings of a module: where citations are written."""
    remarks = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=False)
            if docstring:
                remarks.append(docstring)
    return remarks


def _citations(path: Path) -> list[tuple[str, str]]:
    """(document, section) for every citation of docs/ in ``path``'s remarks; a citation
    that names no document, in a module that names none either, comes as "(unnamed)"."""
    source = path.read_text()
    named = _NAMED.search(source)
    default = named.group(0) if named else _UNNAMED
    found = []
    for remark in _remarks(source):
        for line in remark.splitlines():
            document, end = default, 0
            for match in _CITATION.finditer(line):
                before = line[end : match.start()]
                if _DOCUMENT.search(before):
                    document = _DOCUMENT.search(before).group(1)
                elif _EXTERNAL.search(before):
                    document = None
                elif end == 0 or not _CONTINUED.match(before):
                    document = default
                end = match.end()
                if document is not None:
                    found.append((document, match.group(1)))
    return found


def test_docs_are_the_ones_the_index_lists():
    index = (DOCS / "README.md").read_text()
    listed = set(re.findall(r"\]\(([\w-]+\.md)\)", index))
    assert listed == {path.name for path in DOCS.glob("*.md")} - {"README.md"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_cited_section_is_in_docs(path):
    missing = [
        f"{document} §{section}"
        for document, section in _citations(path)
        if not (DOCS / document).is_file() or section not in _sections(DOCS / document)
    ]
    assert not missing, f"{path.relative_to(ROOT)} cites what docs/ lacks: {missing}"


def test_citations_are_told_apart(tmp_path):
    """A document's sections are found, with the ones after them and the module's own;
    other standards' sections and code outside remarks are not."""
    module = tmp_path / "module.py"
    module.write_text(
        '"""Roles (signature-format.md §6; edxml.md §5, §6 and §7).\n\n'
        'RFC 5280 §6.1, §7.1 and ISO 32000-1 §12.6.4 are not ours; §3 is."""\n'
        "# see vdxp-api.md §2\n"
        'TEXT = "§9 in a string is no citation"\n'
    )
    assert sorted(_citations(module)) == [
        ("edxml.md", "5"),
        ("edxml.md", "6"),
        ("edxml.md", "7"),
        ("signature-format.md", "3"),
        ("signature-format.md", "6"),
        ("vdxp-api.md", "2"),
    ]


def test_every_check_code_is_described():
    described = (DOCS / "signature-format.md").read_text()
    missing = [code for code in CATALOGUE if f"`{code}`" not in described]
    assert not missing, f"docs/signature-format.md does not describe {missing}"


def test_the_readme_links_the_docs():
    assert "(docs/README.md)" in (ROOT / "README.md").read_text()

"""The promises of the README: its two commands, and CI running exactly the second one."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The shell commands of the README's first two code blocks."""
    readme = (ROOT / "README.md").read_text()
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", readme, re.S)][:2]


def test_readme_opens_with_the_demo_and_the_test_command():
    setup, tests = readme_commands()
    assert setup.startswith("python3 -m venv .venv")
    assert setup.endswith("edoc demo")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    _, tests = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci

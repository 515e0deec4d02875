"""Secrets read from environment variables: the CLI and the server say the same when one is
missing, in the user's language, and stop (:func:`edoc.environment.read_secret`)."""

import pytest
from click.testing import CliRunner

from cli import main
from edoc.errors import ConfigurationError
from fixtures.agencies import VPCP
from web.service import ServeOptions, build_service

UNSET = "EDOC_TEST_UNSET_SECRET"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("vi", "edoc: lỗi: Thiếu mật khẩu: hãy đặt biến môi trường EDOC_TEST_UNSET_SECRET."),
        ("en", "edoc: error: Missing the password: set the environment variable "
               "EDOC_TEST_UNSET_SECRET."),
    ],
)  # fmt: skip
def test_the_cli_names_the_missing_variable_in_its_language(tmp_path, monkeypatch, lang, said):
    monkeypatch.delenv(UNSET, raising=False)
    result = CliRunner().invoke(
        main,
        ["--lang", lang, "user", "add", "--home", str(tmp_path), "vanthu", "--role", "clerk",
         "--agency", VPCP.organ_id, "--password-env", UNSET],
    )  # fmt: skip
    assert result.exit_code == 1
    assert said in result.stderr


def test_an_empty_variable_is_as_missing_for_the_cli_and_the_server(tmp_path, monkeypatch):
    monkeypatch.setenv(UNSET, "")
    result = CliRunner().invoke(
        main, ["--lang", "en", "hub", "register", "--home", str(tmp_path), VPCP.organ_id,
               "--url", "http://127.0.0.1:1", "--token-env", UNSET],
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"set the environment variable {UNSET}" in result.stderr
    with pytest.raises(ConfigurationError) as raised:
        build_service(ServeOptions(home=str(tmp_path), role="hub", hub_token_env=UNSET))
    assert raised.value.message("en") == (
        f"Missing the hub's token: set the environment variable {UNSET}."
    )

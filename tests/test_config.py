from dataclasses import replace
from pathlib import Path

import pytest

from verifier.config import Settings
from verifier.errors import SettingsError


def test_defaults_are_per_user_and_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.home == tmp_path / "data" / "verifier"
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'verifier' / 'verifier.db'}"
    assert settings.index_dir == tmp_path / "data" / "verifier" / "index"
    assert (settings.top_k, settings.retriever, settings.stance_model) == (5, "hybrid", "trained")


def test_environment_then_options_override(tmp_path: Path) -> None:
    env = {
        "VERIFIER_HOME": str(tmp_path / "env-home"),
        "VERIFIER_DB_URL": "postgresql://u:p@db/verifier",
        "VERIFIER_TOP_K": " 9 ",
        "VERIFIER_MAX_FILE_MB": "2.5",
    }
    from_env = Settings.from_env(env)
    assert from_env.home == tmp_path / "env-home" and from_env.top_k == 9
    assert from_env.max_file_mb == 2.5 and from_env.database_url == "postgresql://u:p@db/verifier"
    given = Settings.from_env(env, home=str(tmp_path / "cli-home"), db_url=None)
    assert given.home == tmp_path / "cli-home"
    assert given.db_url == "postgresql://u:p@db/verifier"  # None leaves the env value


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("VERIFIER_TOP_K", "abc", "VERIFIER_TOP_K must be a whole number from 1 to 100, not 'abc'"),
        (
            "VERIFIER_TOP_K",
            "0",
            "VERIFIER_TOP_K (top_k) must be a whole number from 1 to 100, not 0",
        ),
        ("VERIFIER_TOP_K", "2.5", "VERIFIER_TOP_K must be a whole number"),
        ("VERIFIER_BATCH_SIZE", "0", "VERIFIER_BATCH_SIZE (batch_size) must be a whole number"),
        ("VERIFIER_MAX_FILE_MB", "nan", "VERIFIER_MAX_FILE_MB (max_file_mb) must be a number"),
        ("VERIFIER_MAX_FILE_MB", "-1", "VERIFIER_MAX_FILE_MB (max_file_mb) must be a number"),
        ("VERIFIER_MAX_FILE_MB", "inf", "VERIFIER_MAX_FILE_MB (max_file_mb) must be a number"),
        ("VERIFIER_MIN_CHECKWORTHINESS", "1.5", "VERIFIER_MIN_CHECKWORTHINESS (min_checkw"),
        (
            "VERIFIER_RETRIEVER",
            "sparse",
            "VERIFIER_RETRIEVER (retriever) must be one of hybrid, dense, bm25",
        ),
        ("VERIFIER_STANCE_MODEL", "gpt", "VERIFIER_STANCE_MODEL (stance_model) must be one of"),
        (
            "VERIFIER_FETCH_PRIVATE",
            "no",
            "VERIFIER_FETCH_PRIVATE (fetch_private) must be one of allow, refuse, not 'no'",
        ),
    ],
)
def test_a_bad_value_is_one_error_naming_the_variable(
    variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_paths_are_checked(tmp_path: Path) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("x")
    with pytest.raises(SettingsError, match="VERIFIER_HOME .home. is .*a-file', which is a file"):
        Settings.from_env({"VERIFIER_HOME": str(afile)})
    with pytest.raises(SettingsError, match="VERIFIER_MODEL_DIR .model_dir.: .* is not a folder"):
        Settings.from_env({"VERIFIER_MODEL_DIR": str(tmp_path / "nowhere")})


def test_values_set_in_code_are_checked_too(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="top_k"):
        Settings(home=tmp_path, top_k=0)
    with pytest.raises(SettingsError, match="must be one of hybrid, dense, bm25"):
        replace(Settings(home=tmp_path), retriever="sparse")
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.from_env({}, colour="blue")


def test_paths_given_as_strings_become_paths(tmp_path: Path) -> None:
    settings = Settings(home=str(tmp_path / "h"))  # type: ignore[arg-type]
    assert settings.home == tmp_path / "h" and settings.index_dir == tmp_path / "h" / "index"

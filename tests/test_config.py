from pathlib import Path

import pytest

from verifier.config import Settings


def test_defaults_are_per_user_and_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("VERIFIER_HOME", "VERIFIER_DB_URL", "VERIFIER_TOP_K"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env()
    assert settings.home == tmp_path / "data" / "verifier"
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'verifier' / 'verifier.db'}"
    assert settings.index_dir == tmp_path / "data" / "verifier" / "index"
    assert settings.top_k == 5


def test_environment_then_options_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "env-home"))
    monkeypatch.setenv("VERIFIER_DB_URL", "postgresql://u:p@db/verifier")
    monkeypatch.setenv("VERIFIER_TOP_K", "9")
    from_env = Settings.from_env()
    assert from_env.home == tmp_path / "env-home" and from_env.top_k == 9
    assert from_env.database_url == "postgresql://u:p@db/verifier"
    given = Settings.from_env(home=str(tmp_path / "cli-home"), db_url=None)
    assert given.home == tmp_path / "cli-home"
    assert given.db_url == "postgresql://u:p@db/verifier"  # None leaves the env value

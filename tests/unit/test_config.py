"""Settings: resolved by value, and never showing a secret in a repr."""

from __future__ import annotations

from pathlib import Path

from hwcore.config import Settings, resolve_settings


def test_repr_hides_the_cipher_key_and_the_database_password(tmp_path: Path) -> None:
    settings = Settings(tmp_path, "postgresql://hw:s3cret-pw@db.invalid/hw", "k3y-material")
    text = repr(settings)
    assert "s3cret-pw" not in text
    assert "k3y-material" not in text
    assert "***" in text
    assert "db.invalid" in text
    assert (
        repr(Settings(tmp_path))
        == f"Settings(home={str(tmp_path)!r}, database_url=None, cipher_key=None)"
    )


def test_settings_compare_by_value_and_name_their_files(tmp_path: Path) -> None:
    settings = resolve_settings(tmp_path, None, {})
    assert settings == Settings(tmp_path.absolute())
    assert settings.events_path == tmp_path.absolute() / "events.sqlite"
    assert settings.readmodel_location == tmp_path.absolute() / "readmodel.sqlite"
    assert settings._replace(cipher_key="x").readmodel_location is None
    assert settings.backend == "sqlite"

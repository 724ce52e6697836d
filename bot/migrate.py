"""Run Alembic migrations programmatically for a database URL."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from config import PROJECT_ROOT


def alembic_config(url: str) -> Config:
    """An Alembic config for url, using the project's alembic.ini."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "models" / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at url up to revision."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at url down to revision."""
    command.downgrade(alembic_config(url), revision)

"""One validated settings class: embedded defaults under one data folder, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where data, decisions and models live; read from LEADGATE_* variables (and the two standard URLs)."""

    model_config = SettingsConfigDict(env_prefix="LEADGATE_", extra="ignore")

    data_dir: Path = Path(".leadgate")
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "LEADGATE_DATABASE_URL")
    )
    mlflow_tracking_uri: str | None = Field(
        None, validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "LEADGATE_MLFLOW_TRACKING_URI")
    )
    model_name: str = "leadgate"
    experiment: str = "leadgate"
    policy_path: Path | None = None

    def tracking_uri(self) -> str:
        """MLflow tracking URI: the given one, else SQLite in the data folder."""
        return self.mlflow_tracking_uri or f"sqlite:///{(self.data_dir / 'mlflow.db').resolve()}"

    def artifact_location(self) -> str:
        """Where new experiments keep artifacts when MLflow runs embedded."""
        return (self.data_dir / "mlartifacts").resolve().as_uri()

    def decisions_url(self) -> str:
        """Decision store URL: the given one, else SQLite in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'decisions.db').resolve()}"

    def ensure_data_dir(self) -> Path:
        """Create the data folder if needed and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

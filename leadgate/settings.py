"""One validated settings class: embedded defaults under one data folder, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Importers read these here too (leadgate.settings.ApiKey): the values live in settings_values.py.
from leadgate.settings_values import (  # noqa: F401
    DAY_SECONDS,
    MAX_REGISTRY_TIMEOUT_SECONDS,
    MAX_RETENTION_DAYS,
    REGISTRY_TIMEOUT_SECONDS,
    ApiKey,
    trusted_proxies,
)


class Settings(BaseSettings):
    """Where data, decisions and models live; read from LEADGATE_* variables (and the two standard URLs)."""

    # An empty variable is an unset one: compose passes `${LEADGATE_ERASURE_SALT:-}` as "" when .env has none.
    model_config = SettingsConfigDict(env_prefix="LEADGATE_", extra="ignore", env_ignore_empty=True)

    data_dir: Path = Path(".leadgate")
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "LEADGATE_DATABASE_URL")
    )
    mlflow_tracking_uri: str | None = Field(
        None, validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "LEADGATE_MLFLOW_TRACKING_URI")
    )
    model_name: str = "leadgate"
    experiment: str = "leadgate"
    artifact_root: str | None = Field(
        None,
        description="where a new experiment keeps model files (a path or s3://…): by default the data folder's "
        "mlartifacts, unless MLFLOW_TRACKING_URI is a tracking server, which decides",
    )
    policy_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    # Read as text and decoded below: pydantic-settings' own decoding fails outside validation, with no
    # variable named and a traceback, when the value is no JSON at all.
    api_keys: Annotated[list[ApiKey], NoDecode] = Field(
        default_factory=list, description="JSON list of {name, role, sha256}"
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _json_list(cls, value):
        import json

        if not isinstance(value, str):
            return value
        if not value.strip():
            return []  # set but empty: no keys, as when unset
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"not JSON ({error.msg} at character {error.pos}): give a list like "
                '[{"name": "web-form", "role": "intake", "sha256": "<64 hex digits>"}] in double quotes'
            ) from None

    @field_validator("api_keys", mode="after")
    @classmethod
    def _one_role_a_key(cls, keys: list[ApiKey]) -> list[ApiKey]:
        # The key would pass as whichever entry is compared last: an intake key could act as admin.
        seen: dict[str, ApiKey] = {}
        for key in keys:
            first = seen.setdefault(key.sha256, key)
            if first is not key:
                raise ValueError(
                    f"one key (sha256 {key.sha256[:12]}…) is listed twice, as {first.name!r} ({first.role}) and "
                    f"{key.name!r} ({key.role}): a key has one role; give each entry its own key "
                    "(leadgate new-key)"
                )
        return keys

    # Upper bounds keep every number in what the code does with it (a thread's wait, a date subtraction):
    # past them Python raises OverflowError far from the setting, as a traceback.
    model_poll_seconds: float = Field(
        30.0, gt=0, le=DAY_SECONDS, description="how often the service checks the champion alias"
    )
    # Off by default: without a champion the service still decides by the gates (ungated leads to verify).
    ready_requires_model: bool = Field(
        False,
        description="/readyz answers 503 while no champion model serves, not only when the store is down",
    )
    suppression_sweep_seconds: float = Field(
        60.0,
        gt=0,
        le=DAY_SECONDS,
        description="how often the service decides again the leads of suppressions that expired",
    )
    max_body_bytes: int = Field(256_000, ge=1024, le=2**30)
    # Erasure and retention (serving/erasure.py): the salt keys the hash that audit rows keep instead of
    # the lead id; it must stay secret and stable. Without it, audit rows keep no hash (erasure still runs).
    erasure_salt: SecretStr | None = Field(
        None, min_length=16, description="secret key of the lead-id hash kept by erasure audit rows"
    )
    personal_data_retention_days: int | None = Field(
        None,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="`leadgate erase --older-than-retention` erases leads idle this long",
    )

    # Abuse limits (serving/rate_limits.py). A rate is "<count>/<second|minute|hour|day>" or "off".
    rate_limits_enabled: bool = Field(True, description="false turns every limit below off")
    rate_limit_per_key: str = Field("600/minute", description="intake requests per API key")
    rate_limit_per_ip: str = Field("600/minute", description="intake requests per client address")
    rate_limit_failed_auth: str = Field(
        "20/minute", description="401s per client address; past it, requests without a valid key get 429"
    )
    rate_limit_events_per_lead: str = Field(
        "200/day", description="event posts a lead accepts in the rolling window, counted in the store"
    )
    rate_limit_reviews_per_ip: str = Field(
        "10/hour", description="review requests (POST /v1/review/{token}, no key) per client address"
    )
    rate_limit_storage: str = Field(
        "memory://", description="where counters live: each worker its own memory, or redis://… to share"
    )

    @field_validator(
        "rate_limit_per_key",
        "rate_limit_per_ip",
        "rate_limit_failed_auth",
        "rate_limit_events_per_lead",
        "rate_limit_reviews_per_ip",
    )
    @classmethod
    def _a_rate(cls, value: str) -> str:
        from limits import parse

        if value.strip().lower() != "off":
            parse(value)  # raises ValueError on anything that is no rate
        return value

    # Deployment (README "Deployment"): an internal metrics listener, and which proxy may say the client used TLS.
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="serve /metrics on this internal port only, not on the API port"
    )
    metrics_host: str | None = Field(None, description="bind address of the metrics port (default: host)")
    proxy_headers: bool = Field(True, description="take X-Forwarded-Proto/-For from forwarded_allow_ips")
    forwarded_allow_ips: str = Field("127.0.0.1", description="comma-separated proxy IPs or networks, or *")

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        # uvicorn takes an entry that is no address or network as a literal name no client has: a typo would
        # trust no proxy, without a word, and every client would be the proxy's address.
        return trusted_proxies(value)

    @field_validator("metrics_port")
    @classmethod
    def _metrics_port_is_another_port(cls, value: int | None, info: ValidationInfo) -> int | None:
        # A field check, not a model one, so the error names LEADGATE_METRICS_PORT (port is validated first).
        port = info.data.get("port")
        if value is not None and value == port:
            raise ValueError(f"metrics_port must differ from port ({port}): /metrics leaves the API port")
        return value

    # The decision store's bounds: a hung database answers 503 within them, and SQLite's WAL stays small.
    db_timeout_seconds: float = Field(
        2.0,
        gt=0,
        le=600,
        description="longest wait for the decision store (a connection, a lock, a statement) before a 503",
    )
    # The MLflow registry's bound (serving/registry_calls.py): a locked or frozen registry is an error within it.
    registry_timeout_seconds: float = Field(
        REGISTRY_TIMEOUT_SECONDS,
        description="longest wait for one MLflow registry call (an alias read or move, a tag, a model load)",
    )

    @field_validator("registry_timeout_seconds")
    @classmethod
    def _a_registry_bound(cls, value: float) -> float:
        if not 0 < value <= MAX_REGISTRY_TIMEOUT_SECONDS:  # NaN is neither
            raise ValueError(
                f"{value:g} s: give the longest wait for the MLflow registry in seconds, more than 0 and at most "
                f"{MAX_REGISTRY_TIMEOUT_SECONDS} (default {REGISTRY_TIMEOUT_SECONDS:g})"
            )
        return value

    wal_max_bytes: int = Field(
        64 * 2**20,
        ge=2**20,
        le=2**40,
        description="SQLite WAL size the background checkpoints keep the file under",
    )

    def tracking_uri(self) -> str:
        """MLflow tracking URI: the given one, else SQLite in the data folder."""
        return self.mlflow_tracking_uri or f"sqlite:///{(self.data_dir / 'mlflow.db').resolve()}"

    def mlflow_uri(self) -> str:
        """The tracking URI as MLflow is given it: with the registry's bounds for its database (registry_uri.py)."""
        from leadgate.serving.registry_uri import bounded_uri

        return bounded_uri(self.tracking_uri(), self.registry_timeout_seconds)

    def artifact_location(self) -> str:
        """Where new experiments keep artifacts: the artifact root given, else the data folder's mlartifacts."""
        if self.artifact_root:
            return self.artifact_root
        return (self.data_dir / "mlartifacts").resolve().as_uri()

    def tracking_server(self) -> bool:
        """True when MLflow is reached over HTTP: the server decides where artifacts go unless told."""
        return self.tracking_uri().startswith(("http://", "https://", "databricks"))

    def embedded_tracking(self) -> bool:
        """True when MLflow's store is a SQLite file inside the data folder, so its artifacts belong there too."""
        uri = self.tracking_uri()
        if not uri.startswith("sqlite:///"):
            return False
        return Path(uri.removeprefix("sqlite:///")).resolve().is_relative_to(self.data_dir.resolve())

    def embedded_store_exists(self) -> bool:
        """True when MLflow runs embedded in this data folder and its database file is already there."""
        return self.embedded_tracking() and Path(self.tracking_uri().removeprefix("sqlite:///")).exists()

    def local_path_outside(self, location: str) -> Path | None:
        """The local folder an artifact location names, when it lies outside the data folder; else None."""
        from urllib.parse import unquote, urlparse

        parsed = urlparse(location)
        if parsed.scheme not in ("", "file"):
            return None  # a remote store (s3://, mlflow-artifacts:, ...) is no other data folder
        path = Path(unquote(parsed.path)).resolve()
        return None if path.is_relative_to(self.data_dir.resolve()) else path

    def artifacts_here(self, location: str) -> Path | None:
        """Where files MLflow keeps under another folder's `mlartifacts` lie in this one: the folder was moved or copied.

        Only the path is mapped (the files may be missing); None when the location is inside this folder, remote, or
        no `mlartifacts` folder of leadgate's making.
        """
        outside = self.local_path_outside(location)
        if outside is None or "mlartifacts" not in outside.parts:
            return None
        # The last one: leadgate roots every experiment it creates at <data folder>/mlartifacts, and MLflow names
        # nothing below it so.
        root = len(outside.parts) - 1 - outside.parts[::-1].index("mlartifacts")
        return self.data_dir.resolve().joinpath("mlartifacts", *outside.parts[root + 1 :])

    def decisions_url(self) -> str:
        """Decision store URL: the given one, else SQLite in the data folder."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'decisions.db').resolve()}"

    def point_mlflow(self) -> None:
        """Point this process's MLflow at these settings, leaving the environment as it was.

        `mlflow.set_tracking_uri` also writes MLFLOW_TRACKING_URI into the environment, where the next Settings
        would read it as the user's own URL: a second data folder loaded in the same notebook would silently get
        the first folder's models. The registry follows the tracking URI unless the user set one of their own.
        """
        import os

        import mlflow

        before = os.environ.get("MLFLOW_TRACKING_URI")
        mlflow.set_tracking_uri(self.mlflow_uri())
        if before is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = before

    def ensure_data_dir(self) -> Path:
        """Create the data folder if needed and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


class ArtifactsElsewhere(RuntimeError):
    """The data folder's MLflow store keeps artifacts in another folder: it was copied or moved from there."""

"""`leadgate serve`, `migrate` and `new-key`: the scoring service's commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from leadgate.cli.common import (
    DataDir,
    console,
    err,
    fail,
    migrated_store_or_fail,
    named_store_or_fail,
    settings_for,
    settings_or_fail,
)


def register(app: typer.Typer) -> None:
    """Add the service commands to the main CLI."""
    app.command()(serve)
    app.command()(migrate)
    app.command("new-key")(new_key)


Port = Annotated[int | None, typer.Option(min=1, max=65535, help="port (default 8000 or LEADGATE_PORT)")]
MetricsPort = Annotated[
    int | None,
    typer.Option(
        min=1, max=65535, help="internal port for /metrics, then not on --port (LEADGATE_METRICS_PORT)"
    ),
]
ProxyHeaders = Annotated[
    bool | None,
    typer.Option(
        "--proxy-headers/--no-proxy-headers",
        help="trust X-Forwarded-Proto/-For from --forwarded-allow-ips (default on; LEADGATE_PROXY_HEADERS)",
    ),
]
ForwardedAllowIps = Annotated[
    str | None,
    typer.Option(
        help="proxy IPs/networks, comma-separated, or * (default 127.0.0.1; LEADGATE_FORWARDED_ALLOW_IPS)"
    ),
]
ReadyRequiresModel = Annotated[
    bool | None,
    typer.Option(
        "--ready-requires-model/--ready-without-model",
        help="/readyz answers 503 while no champion serves (default: ready on the gates alone; "
        "LEADGATE_READY_REQUIRES_MODEL)",
    ),
]
# What the CLI may set on top of the environment; worker processes read theirs from it.
SERVE_OVERRIDES = {
    "data_dir": "LEADGATE_DATA_DIR",
    "metrics_port": "LEADGATE_METRICS_PORT",
    "ready_requires_model": "LEADGATE_READY_REQUIRES_MODEL",
    # Read by the app in each worker (create_app), not by uvicorn: without these the options were ignored.
    "proxy_headers": "LEADGATE_PROXY_HEADERS",
    "forwarded_allow_ips": "LEADGATE_FORWARDED_ALLOW_IPS",
}


def serve(
    host: Annotated[
        str | None, typer.Option(help="bind address (default 127.0.0.1 or LEADGATE_HOST)")
    ] = None,
    port: Port = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    metrics_port: MetricsPort = None,
    proxy_headers: ProxyHeaders = None,
    forwarded_allow_ips: ForwardedAllowIps = None,
    ready_requires_model: ReadyRequiresModel = None,
    data_dir: DataDir = None,
) -> None:
    """Run the scoring API (FastAPI + uvicorn) on the decision store and the champion model."""
    import os

    from leadgate.serving import server
    from leadgate.serving.model_loading import missing_registry

    given = {
        "data_dir": data_dir,
        "host": host,
        "port": port,
        "metrics_port": metrics_port,
        "proxy_headers": proxy_headers,
        "forwarded_allow_ips": forwarded_allow_ips,
        "ready_requires_model": ready_requires_model,
    }
    settings = settings_or_fail({name: value for name, value in given.items() if value is not None})
    # A mistyped SQLite path would start on a new, empty store or registry: refused before either is created.
    named_store_or_fail(settings)
    registry_missing = missing_registry(settings)
    if registry_missing is not None:
        raise fail(registry_missing)
    # Migrate once here: several workers migrating at start would race to create the same tables.
    engine, migrated = migrated_store_or_fail(settings)
    engine.dispose()
    if migrated.before != migrated.after:
        err.print(migrated.describe(engine.url.render_as_string(hide_password=True)))
    if not settings.api_keys:
        err.print(
            "[yellow]no API keys configured (LEADGATE_API_KEYS): every endpoint but health will answer 401, "
            "and /readyz 503[/]"
        )
    try:
        sockets = server.listeners(settings)
    except server.CannotListen as error:
        raise fail(str(error)) from None
    # Only once the server really starts: worker processes build their own settings from the environment.
    for name, variable in SERVE_OVERRIDES.items():
        if given[name] is not None:
            os.environ[variable] = str(given[name])
    err.print(f"leadgate API on http://{settings.host}:{settings.port} ({workers} worker(s))")
    if settings.metrics_port is not None:
        metrics_host = settings.metrics_host or settings.host
        err.print(f"metrics on http://{metrics_host}:{settings.metrics_port}/metrics only")
    server.run(settings, workers, sockets)


def migrate(data_dir: DataDir = None) -> None:
    """Create or upgrade the decision store's tables (the service also does this at start); say which it did."""
    engine, migrated = migrated_store_or_fail(settings_for(data_dir))
    engine.dispose()
    console.print(migrated.describe(engine.url.render_as_string(hide_password=True)))


def new_key(
    role: Annotated[str, typer.Argument(help="intake, sales or admin")],
    name: Annotated[str, typer.Option(help="a label for the key")] = "key",
    data_dir: DataDir = None,
) -> None:
    """Make an API key: prints the key once and the settings entry that holds only its hash."""
    from leadgate.serving.auth import ROLES, hash_key
    from leadgate.serving.auth import new_key as make

    if role not in ROLES:
        raise fail(f"role must be one of {', '.join(ROLES)}")
    configured = {key.name for key in settings_for(data_dir, uses=("api_keys",)).api_keys}
    if name in configured:
        # A key is revoked by deleting its entry, found by name: two entries under one name invite mistakes.
        from rich.markup import escape

        err.print(
            f"[yellow]a key named {escape(repr(name))} is already in LEADGATE_API_KEYS: give this one --name[/]"
        )
    key = make()
    console.print(f"key (give it to the caller, it is not stored): [bold]{key}[/]")
    entry = {"name": name, "role": role, "sha256": hash_key(key)}
    console.print(f"add to LEADGATE_API_KEYS: {json.dumps(entry)}")

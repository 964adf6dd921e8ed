"""`leadgate serve`, `migrate` and `new-key`: the scoring service's commands."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from leadgate.cli.common import DataDir, console, err, fail, settings_for


def register(app: typer.Typer) -> None:
    """Add the service commands to the main CLI."""
    app.command()(serve)
    app.command()(migrate)
    app.command("new-key")(new_key)


def serve(
    host: Annotated[
        str | None, typer.Option(help="bind address (default 127.0.0.1 or LEADGATE_HOST)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="port (default 8000 or LEADGATE_PORT)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    data_dir: DataDir = None,
) -> None:
    """Run the scoring API (FastAPI + uvicorn) on the decision store and the champion model."""
    import os

    import uvicorn

    from leadgate.serving.app import log_config
    from leadgate.serving.store import make_engine
    from leadgate.serving.store import migrate as upgrade

    settings = settings_for(data_dir)
    # Migrate once here: several workers migrating at start would race to create the same tables.
    upgrade(make_engine(settings.decisions_url()))
    if data_dir is not None:
        os.environ["LEADGATE_DATA_DIR"] = str(data_dir)  # worker processes build their own settings
    if not settings.api_keys:
        err.print(
            "[yellow]no API keys configured (LEADGATE_API_KEYS): every endpoint but health will answer 401[/]"
        )
    uvicorn.run(
        "leadgate.serving.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_config=log_config(),
        log_level="warning",  # uvicorn's own loggers; leadgate's keep INFO (which model, which policy)
        access_log=False,
    )


def migrate(data_dir: DataDir = None) -> None:
    """Create or upgrade the decision store's tables (the service also does this at start)."""
    from leadgate.serving.store import make_engine
    from leadgate.serving.store import migrate as upgrade

    settings = settings_for(data_dir)
    engine = make_engine(settings.decisions_url())
    upgrade(engine)
    console.print(
        f"decision store at {engine.url.render_as_string(hide_password=True)} is at the newest revision"
    )


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
    configured = {key.name for key in settings_for(data_dir).api_keys}
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

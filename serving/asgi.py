"""ASGI entry point for uvicorn workers: `uvicorn leadgate.serving.asgi:app`."""

from leadgate.serving.app import create_app, log_to_stderr

log_to_stderr()
app = create_app()

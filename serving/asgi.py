"""ASGI entry point for uvicorn workers: `uvicorn leadgate.serving.asgi:app`."""

from leadgate.serving.app import create_app, log_to_stderr
from leadgate.serving.server import stop_with_parent

log_to_stderr()
stop_with_parent()
app = create_app()

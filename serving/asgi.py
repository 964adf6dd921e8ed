"""ASGI entry point for uvicorn workers: `uvicorn leadgate.serving.asgi:app`."""

from leadgate.serving.app import create_app
from leadgate.serving.server import stop_with_parent
from leadgate.serving.service_logging import log_to_stderr

log_to_stderr()
stop_with_parent()
app = create_app()

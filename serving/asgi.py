"""ASGI entry point for uvicorn workers: `uvicorn leadgate.serving.asgi:app`."""

from leadgate.serving.app import create_app

app = create_app()

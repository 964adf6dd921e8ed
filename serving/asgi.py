"""ASGI entry point for uvicorn workers: `uvicorn serving.asgi:app`."""

from serving.app import create_app

app = create_app()

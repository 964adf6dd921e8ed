"""The `leadgate` command line; heavy libraries are imported inside the commands that need them."""

from leadgate.cli.commands import app, main

__all__ = ["app", "main"]

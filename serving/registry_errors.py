"""What a registry read or load can end in: no such model, or a registry that did not answer."""

from __future__ import annotations


class ModelNotFound(LookupError):
    """No model version carries the requested alias, or it cannot be loaded."""


class RegistryUnreachable(ModelNotFound):
    """The MLflow registry did not answer (unreachable, locked or frozen); the message names its URI, what was
    being done and what to try."""

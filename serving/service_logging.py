"""Where the service's own log lines go: stderr, one format, beside uvicorn's."""

from __future__ import annotations

import logging

# Which worker said it matters once there are several: each loads and logs its own models.
LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"


def log_config() -> dict:
    """Uvicorn's logging config plus leadgate's INFO lines on stderr; uvicorn's own config has no place for them."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["leadgate"] = {"format": LOG_FORMAT}
    config["handlers"]["leadgate"] = {
        "class": "logging.StreamHandler",
        "formatter": "leadgate",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["leadgate"] = {"handlers": ["leadgate"], "level": "INFO", "propagate": False}
    return config


def log_to_stderr() -> None:
    """leadgate's INFO lines on stderr when the server was started without `leadgate serve`'s config."""
    logger = logging.getLogger("leadgate")
    if logger.handlers or logging.getLogger().handlers:
        return  # configured by whoever started us: theirs wins
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

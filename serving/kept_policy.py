"""The champion's own policy kept in the data folder, so gates decide by it while the registry cannot be reached."""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from leadgate.decision.policy import Policy, PolicyError, parse_policy
from leadgate.settings import Settings

log = logging.getLogger(__name__)

KEPT_FOLDER = "champion_policies"


@dataclass(frozen=True)
class KeptPolicy:
    """The policy a champion was trained under, as kept when it last loaded."""

    policy: Policy
    model_version: str  # 'leadgate/3'
    kept_at: datetime
    path: Path

    def describe(self) -> str:
        """'leadgate/3's policy acme@3f2c… (kept 2026-12-07 04:10 UTC)': what decides, and how old it is."""
        return f"{self.model_version}'s policy {self.policy.version} (kept {self.kept_at:%Y-%m-%d %H:%M} UTC)"


def kept_path(settings: Settings) -> Path:
    """Where the champion's policy is kept: one file per model name, so two models never share one."""
    return settings.data_dir / KEPT_FOLDER / f"{quote(settings.model_name, safe='')}.json"


def keep(settings: Settings, model_version: str, policy: Policy) -> None:
    """Keep a champion's own policy; never raises, as a copy that cannot be written must not stop a load."""
    path = kept_path(settings)
    if not settings.data_dir.is_dir():
        return  # a command never makes a data folder for this; the service makes its own at start
    record = {
        "model_version": model_version,
        "policy_version": policy.version,
        "kept_at": datetime.now(UTC).isoformat(),
        "policy": policy.to_yaml(),
    }
    try:
        path.parent.mkdir(exist_ok=True)
        # Written whole under a name of its own, then renamed: several workers load the same champion at once,
        # and a reader must never see half a file. Made as other files are (the umask's mode), not mkstemp's 0600.
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(record, file, indent=1)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        log.warning(
            "cannot keep %s's policy in %s (%s): should the registry be unreachable at a later start, the "
            "gates would decide by the shipped default",
            model_version,
            path,
            error.strerror or error,
        )


def kept(settings: Settings) -> KeptPolicy | None:
    """The kept policy of this data folder's champion; None when none was kept or the copy is unusable."""
    path = kept_path(settings)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        policy = parse_policy(record["policy"], f"{path} (kept)", stored=True)
        kept_at = datetime.fromisoformat(record["kept_at"])
        model_version = str(record["model_version"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, PolicyError) as error:
        log.warning("the kept champion policy %s is unusable, so it is not used: %s", path, error)
        return None
    if policy.version != record.get("policy_version"):  # changed by hand, or by another leadgate's rules
        log.warning(
            "the kept champion policy %s reads as %s, not the %s it was kept as, so it is not used",
            path,
            policy.version,
            record.get("policy_version"),
        )
        return None
    return KeptPolicy(policy, model_version, kept_at.astimezone(UTC), path)

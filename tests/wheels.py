"""Building the project's wheel from a copy of its files, for the layout and deployment tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def build_wheel(source: Path, out: Path) -> Path:
    """`pip wheel` of the project copy in `source` (no dependencies) into `out`; the wheel's path."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [built] = out.glob("leadgate-*.whl")
    return built

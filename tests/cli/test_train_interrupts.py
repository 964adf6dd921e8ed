"""Ctrl-C and SIGTERM sent to a real `leadgate train` process: it stops, and registers nothing (walk tiny, F6)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ENV_NAMES

ROOT = Path(__file__).resolve().parents[2]
MARK = "HOOK REACHED"
# The CLI with one MLflow step made to wait for a signal, so what is sent lands at a known point:
#   registering: creating the model version, waiting inside a weakref callback as MLflow's own garbage
#     collection callbacks run, where Python prints and drops a KeyboardInterrupt (how the walk's Ctrl-C was lost)
#   logging: logging the pyfunc model, inside the MLflow run
#   creating: MLflow upgrading the tables of the store it is creating in a new data folder
# It waits in short sleeps, so whichever thread the kernel hands the signal to, Python's handler runs in the main
# thread within the wait; the wait ends once a handler leadgate installed has run (or an exception ends it).
HOOKED_TRAIN = f"""
import signal, sys, time, weakref
import mlflow
from mlflow import MlflowClient

seen = []
install = signal.signal

def spied(signum, handler):
    if callable(handler):
        inner = handler
        def handler(signum, frame):
            seen.append(signum)
            return inner(signum, frame)
    return install(signum, handler)

signal.signal = spied

def wait_for_a_signal():
    print("{MARK}", flush=True)
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)

def wait_in_a_callback():
    class Held:
        pass
    held = Held()
    keep = weakref.ref(held, lambda _: wait_for_a_signal())
    del held  # the callback runs here, as a garbage collection runs it

def hooked(original, wait):
    def step(*args, **kwargs):
        wait()
        return original(*args, **kwargs)
    return step

if sys.argv[1] == "registering":
    MlflowClient.create_model_version = hooked(MlflowClient.create_model_version, wait_in_a_callback)
elif sys.argv[1] == "creating":
    import mlflow.store.db.utils as db
    db._upgrade_db = hooked(db._upgrade_db, wait_for_a_signal)
else:
    mlflow.pyfunc.log_model = hooked(mlflow.pyfunc.log_model, wait_for_a_signal)
from leadgate.cli.commands import main
sys.argv = ["leadgate", "train", *sys.argv[2:]]
main()
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A small history and a data folder for it (each test registers nothing, so they may share it)."""
    from leadgate.decision.policy import load_policy
    from leadgate.training.synth import generate_history, write_history

    root = tmp_path_factory.mktemp("interrupts")
    write_history(generate_history(n_leads=600, months=12, seed=3, policy=load_policy()), root / "h.jsonl.gz")
    return root


def _interrupted_train(folder: Path, step: str, signum: int, data_dir: Path | None = None) -> tuple[int, str]:
    """Run the hooked train, send `signum` once the hooked step is reached; its exit code and output."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_NAMES}
    args = ["--data", str(folder / "h.jsonl.gz"), "--data-dir", str(data_dir or folder / "d")]
    process = subprocess.Popen(
        [sys.executable, "-c", HOOKED_TRAIN, step, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if MARK in line:
            process.send_signal(signum)
            break
    rest, _ = process.communicate(timeout=120)
    return process.returncode, " ".join("".join([*lines, rest]).split())


def _registry(data_dir: Path):
    from mlflow import MlflowClient

    from leadgate.settings import Settings

    client = MlflowClient(tracking_uri=Settings(data_dir=data_dir).tracking_uri())
    runs = client.search_runs(client.get_experiment_by_name("leadgate").experiment_id)
    return client.search_model_versions("name='leadgate'"), runs


@pytest.mark.usefixtures("isolated")
def test_a_ctrl_c_python_drops_while_the_model_is_registered_still_stops_it_with_nothing_registered(folder):
    code, said = _interrupted_train(folder, "registering", signal.SIGINT)

    assert code == 130, said
    assert "training stopped by SIGINT: nothing was registered and no alias moved" in said
    assert "registered leadgate/1" not in said
    versions, runs = _registry(folder / "d")
    assert versions == []
    assert runs[0].info.status == "KILLED" and runs[0].info.run_id in said


@pytest.mark.usefixtures("isolated")
def test_sigterm_while_logging_to_mlflow_ends_the_run_killed_not_running(folder):
    code, said = _interrupted_train(folder, "logging", signal.SIGTERM)

    assert code == 143, said
    assert "training stopped by SIGTERM: nothing was registered and no alias moved" in said
    versions, runs = _registry(folder / "d")
    assert versions == []
    assert runs[0].info.status == "KILLED" and runs[0].info.run_id in said


@pytest.mark.usefixtures("isolated")
def test_ctrl_c_while_mlflow_creates_its_store_stops_once_the_store_is_whole(folder, tmp_path):
    # Cut short, its tables stayed half-upgraded: every later command in the folder failed ("table secrets
    # already exists"), train included.
    code, said = _interrupted_train(folder, "creating", signal.SIGINT, tmp_path / "new")

    assert code == 130, said
    assert "training stopped by SIGINT: nothing was registered and no alias moved" in said
    versions, runs = _registry(tmp_path / "new")
    assert versions == [] and runs == []

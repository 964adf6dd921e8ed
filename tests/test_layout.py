"""One import root: every module is leadgate.<room>.<module>, in a checkout, an editable and a wheel install."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.wheels import build_wheel

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("features", "decision", "training", "serving")


def _python(code: str, cwd: Path, env: dict | None = None) -> str:
    """Run code in a fresh interpreter (the test venv's) and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


IMPORT_EVERYTHING = """
import json, pkgutil, sys, importlib
import leadgate
names = [m.name for m in pkgutil.walk_packages(leadgate.__path__, "leadgate.")]
for rooms in ("features", "decision", "training", "serving"):
    package = importlib.import_module(f"leadgate.{rooms}")
    names += [m.name for m in pkgutil.walk_packages(package.__path__, f"leadgate.{rooms}.")]
for name in names:
    if not name.endswith("__main__"):
        importlib.import_module(name)
files = {n: getattr(m, "__file__", None) for n, m in list(sys.modules.items())}
print(json.dumps({"imported": sorted(set(names)), "files": files}))
"""


def test_every_module_loads_once_under_its_leadgate_name():
    found = json.loads(_python(IMPORT_EVERYTHING, cwd=ROOT).strip().splitlines()[-1])
    ours = {
        name: file
        for name, file in found["files"].items()
        if file and Path(file).resolve().is_relative_to(ROOT) and "/.venv/" not in file
    }
    assert {name.split(".")[0] for name in ours} == {"leadgate"}
    assert len(set(ours.values())) == len(ours), "one file imported under two names"
    assert not set(ROOMS) & set(found["files"])
    for room in ROOMS:
        assert any(name.startswith(f"leadgate.{room}.") for name in found["imported"]), room


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_refuses_to_be_imported_under_its_folder_name(room):
    done = subprocess.run(
        [sys.executable, "-c", f"import {room}"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0 and f"import leadgate.{room}, not {room}" in done.stderr


def test_a_notebook_beside_its_own_training_folder_still_gets_leadgate_s(tmp_path):
    for room in ROOMS:
        (tmp_path / room).mkdir()
        (tmp_path / room / "__init__.py").write_text("raise RuntimeError('the user folder was imported')\n")
    printed = _python(
        "import leadgate.training.train, leadgate.features.schema, leadgate.serving.app\n"
        "print(leadgate.training.train.__file__)",
        cwd=tmp_path,
    )
    assert Path(printed.strip()).resolve() == ROOT / "training" / "train.py"


PURE_IMPORT = """
import sys, threading
import numpy, pydantic, yaml  # third-party imports are not ours to audit
opened = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str) and not args[0].endswith((".py", ".pyc", ".so", ".pth")):
        opened.append(args[0])
sys.addaudithook(audit)
import leadgate.features.builder, leadgate.features.mapping, leadgate.features.outcome
import leadgate.decision.pipeline, leadgate.decision.reasons, leadgate.decision.policy
heavy = sorted({"mlflow", "lightgbm", "shap", "fastapi", "sqlalchemy", "sklearn"} & set(sys.modules))
print(repr((opened, heavy, threading.active_count())))
"""


def test_features_and_decision_do_no_io_and_start_no_thread_at_import():
    opened, heavy, threads = eval(_python(PURE_IMPORT, cwd=ROOT).strip().splitlines()[-1])  # noqa: S307
    # Package metadata is read by pydantic's plugin lookup, and the stdlib zip probed by the import system; an
    # editable install's finder names its hook for the data folders (migrations, mappings) as a path, no file.
    ignored = (".dist-info/", ".egg-info/", "python311.zip", ".finder.__path_hook__")
    assert [p for p in opened if not Path(p).is_dir() and not any(i in p for i in ignored)] == []
    assert heavy == []
    assert threads == 1


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    import shutil

    # Built from a copy: setuptools leaves build/ and egg-info beside the sources it builds.
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "leadgate", *ROOMS):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(
            ROOT / name,
            source / name,
            **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}),
        )
    built = build_wheel(source, out)
    return built


def test_the_wheel_adds_one_top_level_name_and_carries_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"leadgate"}
    for data in (
        "leadgate/decision/default_policy.yaml",
        "leadgate/training/mappings/hubspot.yaml",
        "leadgate/training/mappings/x_education.policy.yaml",
        "leadgate/serving/migrations/env.py",
        "leadgate/serving/migrations/versions/0001_decision_store.py",
    ):
        assert data in names
    top_level = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top_level).decode().split() == ["leadgate"]


WHEEL_RUN = """
import json, sys, tempfile
from datetime import UTC, datetime
import leadgate.decision.pipeline as pipeline
from leadgate.decision.policy import load_policy
from leadgate.features.schema import parse_lead
from leadgate.serving.store import make_engine, migrate
from leadgate.training.crm_mappings import shipped_mappings
lead = parse_lead({"lead_id": "w-1", "created_at": "2026-11-01T10:00:00Z", "company": {"employees": 3}})
record = pipeline.DecisionPipeline(load_policy()).decide_one(lead, now=datetime(2026, 11, 2, tzinfo=UTC))
migrate(make_engine(f"sqlite:///{tempfile.mkdtemp()}/decisions.db"))
print(json.dumps({"file": pipeline.__file__, "route": record.route, "mappings": shipped_mappings()}))
"""


def test_an_installed_wheel_decides_and_migrates_from_its_own_files(wheel, tmp_path):
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The wheel's copy comes first on the path; the dependencies come from the test venv.
    found = json.loads(
        _python(WHEEL_RUN, cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"})
        .strip()
        .splitlines()[-1]
    )
    assert Path(found["file"]).is_relative_to(target)
    assert found["route"] == "self_service"
    assert {"hubspot", "salesforce", "x_education"} <= set(found["mappings"])


MLFLOW_LOAD = """
import json, sys
import mlflow
mlflow.set_tracking_uri(sys.argv[1])
model = mlflow.pyfunc.load_model(sys.argv[2])
answer = json.loads(model.predict([json.dumps({"lead_id": "m-1", "created_at": "2026-11-01T10:00:00Z"})])[0])
wrapper = model.unwrap_python_model()
files = {n: getattr(m, "__file__", None) or "" for n, m in list(sys.modules.items())}
ours = sorted(n for n, f in files.items() if f.startswith(sys.argv[3]) and "/.venv/" not in f)
print(json.dumps({"class": type(wrapper).__module__, "route": answer["route"], "ours": ours}))
"""


def test_a_registered_model_loads_in_a_fresh_process_from_the_same_modules(registered_settings, tmp_path):
    settings, registered = registered_settings
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MLFLOW_LOAD,
            settings.tracking_uri(),
            f"models:/{registered.name}/{registered.version}",
            str(ROOT),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["class"] == "leadgate.training.pyfunc"
    assert found["route"] in {"sales_ready", "verify", "nurture", "self_service", "silent_reject"}
    assert found["ours"] and {name.split(".")[0] for name in found["ours"]} == {"leadgate"}
    assert "leadgate.decision.pipeline" in found["ours"]


def test_ruff_sees_one_first_party_root_and_the_tree_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    for command in ([str(ruff), "check", "."], [str(ruff), "format", "--check", "."]):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-3000:]

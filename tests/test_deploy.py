"""Deployment files: the image installs what `make test` proves, and compose wires settings leadgate reads.

Base images cannot be pulled on the machines that run these tests, so nothing here builds the image: the
checks read the Dockerfile, .dockerignore and compose.yaml, build the wheel from exactly the files the image
gets, and ask the installed CLIs (leadgate, mlflow) whether the commands the containers run exist.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from leadgate.settings import Settings
from tests.wheels import build_wheel

ROOT = Path(__file__).resolve().parents[1]
SERVICES = {"postgres", "mlflow", "leadgate"}
# What python:3.11-slim already carries (glibc, and libstdc++/libgcc, which apt itself needs).
GLIBC = (
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "libpthread.so.0",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
)
SLIM_LIBRARIES = {*GLIBC, "libstdc++.so.6", "libgcc_s.so.1"}
DEBIAN_PACKAGE_OF = {"libgomp.so.1": "libgomp1"}


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _final_stage() -> list[tuple[str, str]]:
    found = _instructions()
    last_from = max(i for i, (name, _) in enumerate(found) if name == "FROM")
    return found[last_from:]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _interpolated(value: str) -> str:
    """A compose value as compose would fill it in with nothing set: defaults, and a stand-in for required ones."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value)
    return re.sub(r"\$\{(\w+)(:\?[^}]*)?\}", lambda m: f"set-{m.group(1).lower()}", value)


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _settings_variables() -> set[str]:
    """Every environment variable the settings class reads."""
    prefix = Settings.model_config["env_prefix"]
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.update(alias.choices if alias is not None else [f"{prefix}{name}".upper()])
    return names


def _shell_commands(command: list[str] | str) -> list[list[str]]:
    """The commands a container runs: `sh -c "a && exec b"` gives [a, b]."""
    if isinstance(command, str):
        command = shlex.split(command)
    if command[:2] != ["sh", "-c"]:
        return [command]
    steps = [shlex.split(step) for step in command[2].split("&&")]
    return [step[1:] if step[0] == "exec" else step for step in steps]


def _options(step: list[str]) -> list[str]:
    return [word.split("=")[0] for word in step if word.startswith("--")]


def _help(*command: str) -> str:
    done = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, timeout=120, env={"COLUMNS": "200", "PATH": ""}
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _runs_like_the_cli(step: list[str]) -> None:
    """The command exists in the installed CLI and takes every option given to it."""
    tool, subcommand = step[0], step[1]
    executable = {"leadgate": [sys.executable, "-m", "leadgate"], "mlflow": [sys.executable, "-m", "mlflow"]}
    said = _help(*executable[tool], subcommand)
    for option in _options(step):
        assert option in said, f"{tool} {subcommand} has no {option}"


# --- compose.yaml ------------------------------------------------------------------------------------------


def test_compose_runs_the_three_services_each_with_a_health_check():
    services = _compose()["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        test = service["healthcheck"]["test"]
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]


def test_nothing_starts_before_what_it_needs_is_healthy():
    services = _compose()["services"]
    assert services["leadgate"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "mlflow": {"condition": "service_healthy"},
    }
    assert services["mlflow"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_every_variable_given_to_leadgate_is_one_its_settings_read_and_holds_a_valid_value(monkeypatch):
    environment = _compose()["services"]["leadgate"]["environment"]
    image_environment = dict(
        pair.split("=", 1) for name, args in _final_stage() if name == "ENV" for pair in shlex.split(args)
    )
    given = {**{k: v for k, v in image_environment.items() if k.startswith("LEADGATE_")}, **environment}
    assert set(given) <= _settings_variables(), set(given) - _settings_variables()
    for name in list(_settings_variables()):
        monkeypatch.delenv(name, raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, _interpolated(str(value)))
    settings = Settings()  # raises on any value the settings refuse
    assert settings.metrics_port is not None and settings.metrics_port != settings.port
    assert settings.decisions_url().startswith("postgresql+psycopg://")
    assert settings.tracking_uri().startswith("http://")
    # What .env may hold reaches the container; left out of .env, compose passes "" and it is not set.
    assert {"LEADGATE_ERASURE_SALT", "LEADGATE_PERSONAL_DATA_RETENTION_DAYS"} <= set(environment)
    assert settings.erasure_salt is None and settings.personal_data_retention_days is None


def test_leadgate_reaches_the_database_and_tracking_server_compose_runs():
    services = _compose()["services"]
    postgres = services["postgres"]["environment"]
    environment = services["leadgate"]["environment"]
    database = re.match(r"postgresql\+psycopg://(\w+):[^@]+@(\w+):5432/(\w+)$", environment["DATABASE_URL"])
    assert database.groups() == (postgres["POSTGRES_USER"], "postgres", postgres["POSTGRES_DB"])
    mlflow = dict(word.split("=", 1) for word in services["mlflow"]["command"] if "=" in word)
    assert environment["MLFLOW_TRACKING_URI"] == f"http://mlflow:{mlflow['--port']}"
    # MLflow's own database, made by the init script, beside leadgate's (both keep an alembic_version table).
    assert mlflow["--backend-store-uri"].endswith("@postgres:5432/mlflow")
    init = _compose()["configs"]["create-mlflow-database"]["content"]
    assert "CREATE DATABASE mlflow" in init
    assert f"mlflow:{mlflow['--port']}" in mlflow["--allowed-hosts"].split(",")


def test_the_public_port_is_published_and_the_metrics_port_only_exposed():
    leadgate = _compose()["services"]["leadgate"]
    metrics_port = str(leadgate["environment"]["LEADGATE_METRICS_PORT"])
    assert [mapping.rsplit(":", 1)[1] for mapping in leadgate["ports"]] == ["8000"]
    assert all(metrics_port not in mapping for mapping in leadgate["ports"])
    assert [str(port) for port in leadgate["expose"]] == [metrics_port]
    assert "127.0.0.1:8000/healthz" in " ".join(leadgate["healthcheck"]["test"])


def test_leadgate_migrates_then_serves_with_options_its_cli_has():
    steps = _shell_commands(_interpolated(shlex.join(_compose()["services"]["leadgate"]["command"])))
    assert [step[:2] for step in steps] == [["leadgate", "migrate"], ["leadgate", "serve"]]
    for step in steps:
        _runs_like_the_cli(step)


def test_the_tracking_server_command_is_one_the_installed_mlflow_takes():
    step = [_interpolated(word) for word in _compose()["services"]["mlflow"]["command"]]
    assert step[:2] == ["mlflow", "server"]
    _runs_like_the_cli(step)


# --- Dockerfile --------------------------------------------------------------------------------------------


def test_the_image_is_slim_python_311_and_runs_as_a_user_that_is_not_root():
    found = _instructions()
    assert {args.split()[0] for name, args in found if name == "FROM"} == {"python:3.11-slim"}
    final = _final_stage()
    users = [args for name, args in final if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    names = [name for name, _ in final]
    assert names.index("USER") < names.index("CMD")


def test_the_image_installs_the_package_the_way_make_install_does():
    make = (ROOT / "Makefile").read_text()
    [make_install] = re.findall(r"-m pip install -q (?:--no-compile )?-e '([^']+)'", make)
    assert make_install == ".[dev]"  # the repository itself, editable, with the dev tools
    installs = [args for name, args in _instructions() if name == "RUN" and "pip install" in args]
    package_install = [
        cmd.strip() for args in installs for cmd in args.split("&&") if "--upgrade pip" not in cmd
    ]
    # The same pyproject.toml without the dev extras and not editable: `make test` builds and installs that
    # wheel (tests/test_layout.py); nothing else is installed, no pinned copy of the dependencies.
    assert package_install == ["pip install ."]


def _needed() -> set[str]:
    """What a wheel of this repository is built from: pyproject.toml, its readme and its package folders."""
    project = _pyproject()
    return {
        "pyproject.toml",
        project["project"]["readme"],
        *project["tool"]["setuptools"]["package-dir"].values(),
    }


def test_the_image_copies_what_pyprojects_package_dirs_and_readme_need():
    copies = [args.split() for name, args in _instructions() if name == "COPY" and "--from" not in args]
    copied = {source.rstrip("/") for args in copies for source in args[:-1]}
    assert copied == _needed()


def _dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides."""
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = pattern.lstrip("!").strip("/")
        regex = re.escape(body).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            ignored = not negated
    return ignored


def _fresh_clone_files() -> list[str]:
    done = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    return [name for name in done.stdout.splitlines() if (ROOT / name).is_file()]


def test_the_build_context_is_exactly_what_the_image_copies():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    files = _fresh_clone_files()
    context = {name for name in files if not _dockerignored(name, patterns)}
    assert context == {name for name in files if name.split("/")[0] in _needed()}
    assert not any(name.startswith(("tests/", "notebooks/", ".venv/", ".leadgate/")) for name in context)


def _wheel_names(files: list[str], workdir: Path) -> set[str]:
    source, out = workdir / "source", workdir / "wheel"
    for name in files:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, source / name)
    built = build_wheel(source, out)
    return {name for name in zipfile.ZipFile(built).namelist() if ".dist-info/" not in name}


def test_the_wheel_built_from_the_image_context_is_the_one_a_fresh_clone_builds(tmp_path):
    files = _fresh_clone_files()
    in_image = _wheel_names([n for n in files if n.split("/")[0] in _needed()], tmp_path / "image")
    from_clone = _wheel_names(files, tmp_path / "clone")
    assert in_image == from_clone
    assert "leadgate/serving/migrations/versions/0001_decision_store.py" in in_image


def test_the_image_installs_the_system_libraries_lightgbm_links():
    import lightgbm

    library = next(Path(lightgbm.__file__).parent.glob("lib/lib_lightgbm.so"), None)
    if library is None or shutil.which("readelf") is None:
        pytest.skip("no lib_lightgbm.so or readelf here")
    dynamic = subprocess.run(
        ["readelf", "-d", str(library)], capture_output=True, text=True, timeout=60
    ).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
    missing = needed - SLIM_LIBRARIES
    assert missing <= set(DEBIAN_PACKAGE_OF), (
        f"which Debian package carries {missing - set(DEBIAN_PACKAGE_OF)}?"
    )
    installed = " ".join(args for name, args in _final_stage() if name == "RUN" and "apt-get install" in args)
    for name in missing:
        assert DEBIAN_PACKAGE_OF[name] in installed.split(), name


def test_the_image_exposes_the_port_it_serves_and_checks_its_health_there():
    final = _final_stage()
    environment = dict(
        pair.split("=", 1) for name, args in final if name == "ENV" for pair in shlex.split(args)
    )
    exposed = {port for name, args in final if name == "EXPOSE" for port in args.split()}
    assert environment["LEADGATE_PORT"] in exposed and environment["LEADGATE_HOST"] == "0.0.0.0"
    [health] = [args for name, args in final if name == "HEALTHCHECK"]
    assert "/healthz" in health and "LEADGATE_PORT" in health


def test_the_image_migrates_then_serves_with_commands_its_cli_has():
    [cmd] = [args for name, args in _final_stage() if name == "CMD"]
    steps = _shell_commands(yaml.safe_load(cmd))  # the exec form is a JSON list
    assert [step[:2] for step in steps] == [["leadgate", "migrate"], ["leadgate", "serve"]]
    for step in steps:
        _runs_like_the_cli(step)

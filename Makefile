# Quick start: `make demo` then `make test`. Everything lives in .venv and .leadgate/.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA ?= .leadgate

.PHONY: install demo test lint format bench bench-load bench-score bench-durability bench-faithfulness clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/leadgate demo --data-dir $(DATA)

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

bench: install
	$(PY) bench/pipeline_bench.py

bench-load: install
	$(PY) bench/load_bench.py

bench-score: install
	$(PY) bench/score_bench.py $(if $(N),--n $(N))

bench-durability: install
	$(PY) bench/durability_bench.py

bench-faithfulness: install
	$(PY) bench/faithfulness_bench.py

clean:
	rm -rf $(VENV) $(DATA)

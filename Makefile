# Quick start: `make demo` then `make test`. Everything lives in .venv and .leadgate/.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA ?= .leadgate

.PHONY: install demo test test-durations lint format bench bench-load bench-score bench-durability bench-faithfulness bench-shapes clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-compile -e '.[dev]'
	# pip compiles each file on one core; compileall uses every core (the bytecode is kept: the environment may
	# set PYTHONDONTWRITEBYTECODE, and then every import would compile again).
	$(PY) -m compileall -q -j 0 $(VENV)/lib
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/leadgate demo --data-dir $(DATA)

# One worker per core (two here), each test file whole on one worker: its module fixtures are built once.
# Files start slowest first, by tests/file_durations.json (`make test-durations` records it again), so the
# last file to start is a short one and neither core idles at the end.
TEST := $(PY) -m pytest -q --numprocesses auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder
test: install
	$(TEST)

test-durations: install
	$(TEST) --record-file-durations

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

# Accuracy on nine generated export shapes (about 3 minutes): make bench-shapes [SEEDS="0 1 2"] [DRAWS=3] [REPO=../other]
SEEDS ?= 0 1 2
DRAWS ?= 3
bench-shapes: install
	$(PY) bench/shapes/measure.py --seeds $(SEEDS) --draws $(DRAWS) $(if $(REPO),--repo $(REPO))

clean:
	rm -rf $(VENV) $(DATA)

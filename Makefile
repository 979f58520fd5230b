# Two commands set everything up on a fresh machine: `make play` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

# SDL's dummy drivers let the client run (and be tested) with no display or sound card.
export SDL_VIDEODRIVER ?= dummy
export SDL_AUDIODRIVER ?= dummy
# Python keeps the bytecode it compiles even where the shell says not to: every test
# worker and every process the lab starts would otherwise compile numba, matplotlib and
# the rest from source again (about 4 s of CPU each).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: play test test-fast bench sim calibrate validate schema clean

# uv installs the same packages from the same index as pip, in seconds instead of half a
# minute (it fetches in parallel and leaves byte-compiling to each module's first
# import); where uv cannot be had or fails, pip does the install as before.
INSTALL = $(BIN)/uv pip install --quiet --python $(BIN)/python
PIP     = $(BIN)/python -m pip install --quiet

# The venv starts without pip, which `venv` would copy in by running ensurepip (about
# three seconds); the system's pip puts uv and pip in at once. Where it cannot, ensurepip
# does it the usual way.
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet uv pip 2>/dev/null \
		|| { $(BIN)/python -m ensurepip --default-pip --upgrade >/dev/null && { $(PIP) uv || true; }; }

$(STAMP): pyproject.toml | $(BIN)/python
	$(INSTALL) -e . || $(PIP) -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(INSTALL) -e '.[test,cluster]' || $(PIP) -e '.[test,cluster]'
	touch $(STAMP) $@

# `sandtable compile` readies the compiled kernels first: about 20 s once per machine
# and version of the engine, a moment afterwards.
play: $(STAMP)
	$(BIN)/sandtable compile
	SDL_VIDEODRIVER= $(BIN)/sandtable play

# The suite runs on every core (pytest-xdist); `make test-fast` leaves out the tests
# marked slow (whole games, thousands of clicks) for a check in under a minute.
test: $(TESTSTAMP)
	$(BIN)/sandtable compile
	$(BIN)/python -m pytest -n auto --dist worksteal

test-fast: $(TESTSTAMP)
	$(BIN)/sandtable compile
	$(BIN)/python -m pytest -n auto --dist worksteal -m "not slow"

bench: $(STAMP)
	$(BIN)/sandtable compile
	$(BIN)/sandtable bench

sim: $(STAMP)
	$(BIN)/sandtable compile
	$(BIN)/sandtable simulate scenarios/tripoli_2019.yaml --games 200 --ai gna=normal --ai lna=normal

# The runs behind scenarios/CALIBRATION.md (about 5 minutes on two cores).
calibrate: $(STAMP)
	$(BIN)/sandtable compile
	SANDTABLE=$(BIN)/sandtable scripts/calibrate.sh out/calibration

validate: $(STAMP)
	$(BIN)/sandtable validate scenarios/*.yaml

schema: $(STAMP)
	$(BIN)/sandtable schema -o scenarios/scenario.schema.json
	$(BIN)/sandtable schema --targets -o scenarios/targets.schema.json
	$(BIN)/sandtable schema --reference -o scenarios/README.md

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
	find game tests scripts -name __pycache__ -prune -exec rm -rf {} +

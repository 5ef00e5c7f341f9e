# wijkteam-sim: `make run` sets everything up and runs the default scenario; `make test` runs the tests.
VENV := .venv
BIN := $(VENV)/bin
DEFAULT_SCENARIO := scenarios/middenstad.toml
# make run: one design per organisation form, 8 replications each (40 runs, about two minutes on 2 cores)
RUN_DESIGNS := integraal,gesplitst,multiprobleem,dorpsondersteuner,netwerk
RUN_OUT := results/compare-middenstad

.PHONY: run test lint bench clean

$(BIN)/wijkteam: pyproject.toml constraints.txt
	@sh scripts/make-venv.sh $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,ema]'
	$(BIN)/python -m sim.app.assets
	@touch $(BIN)/wijkteam

run: $(BIN)/wijkteam
	rm -rf $(RUN_OUT)
	$(BIN)/wijkteam compare $(DEFAULT_SCENARIO) --designs $(RUN_DESIGNS) --replications 8 --out $(RUN_OUT)
	$(BIN)/wijkteam report $(RUN_OUT)

lint: $(BIN)/wijkteam
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest -q

bench: $(BIN)/wijkteam
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# wijkteam-sim: `make run` sets everything up and runs the default scenario; `make test` runs the tests.
VENV := .venv
BIN := $(VENV)/bin
DEFAULT_SCENARIO := scenarios/middenstad.toml

.PHONY: run test lint bench clean

$(BIN)/wijkteam: pyproject.toml constraints.txt
	@sh scripts/make-venv.sh $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,ema]'
	@touch $(BIN)/wijkteam

run: $(BIN)/wijkteam
	$(BIN)/wijkteam run $(DEFAULT_SCENARIO)

lint: $(BIN)/wijkteam
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest -q

bench: $(BIN)/wijkteam
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

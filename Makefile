# Two commands on a fresh machine: `make run` (the product) and `make test` (the suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot.demo

test: $(STAMP)
	@# The browser tests drive Debian's chromium (never a downloaded browser) and need CJK fonts.
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || (apt-get update && apt-get install -y fonts-noto-cjk)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)
	$(BIN)/python -m bench.callback_bench

clean:
	rm -rf $(VENV) instance test-artifacts

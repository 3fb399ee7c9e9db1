# The README's two commands: `make run` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The demo's backups (Back up now, `vern backup create`) under a passphrase for the demo only.
run: export VERN_BACKUP_PASSPHRASE ?= vern-demo-sikkerhetskopi
run: $(STAMP)
	$(BIN)/vern demo
	$(BIN)/vern checks run
	$(BIN)/vern serve

# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# -n auto: the suite on every core and one more (pytest-xdist; tests/conftest.py); worksteal: an idle worker takes tests
# from a busy one, so the long browser tests do not leave one core waiting at the end.
test: $(STAMP) chromium
	$(BIN)/pytest -n auto --dist worksteal

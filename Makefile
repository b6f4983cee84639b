# The two set-up commands: `make run` (install and open the window on the demo database)
# and `make test` (install, lint, layer contract, whole test suite). `make bench`: benchmarks.
# Both first check the system libraries Qt needs (`make system`): on Debian/Ubuntu, run as root,
# missing ones are installed; otherwise the command that installs them is printed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

# The Debian/Ubuntu packages the window and the tests need — the one list (.ci/run installs nothing
# itself). Qt's offscreen platform (the tests): EGL/GL, xkbcommon, fontconfig, D-Bus, GLib, GSSAPI
# (QtNetwork, which QtPdf loads). A window on an X display (make run) also needs Qt's xcb platform.
# No fonts: documents and the window fall back to the font shipped in exports/fonts/.
QT_PACKAGES  := libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 libgssapi-krb5-2
XCB_PACKAGES := libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
                libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-sync1 libxcb-xkb1 \
                libxcb-glx0 libxcb-shm0 libxcb-util1
SYSTEM_PACKAGES := $(QT_PACKAGES) $(XCB_PACKAGES)

.PHONY: run test bench lint venv system clean

# One dpkg-query when everything is there (no apt); apt-get only for what is missing, and only as
# root. python3-venv joins the list when $(PYTHON) cannot make a virtual environment (Debian's
# python3 without it). Not Debian/Ubuntu (no dpkg-query): nothing to check here.
system:
	@if ! command -v dpkg-query >/dev/null 2>&1; then exit 0; fi; \
	wanted="$(SYSTEM_PACKAGES)"; \
	if [ ! -x $(PY) ] && ! $(PYTHON) -c "import ensurepip, venv" >/dev/null 2>&1; then wanted="$$wanted python3-venv"; fi; \
	installed=" $$(dpkg-query -W -f='$${db:Status-Abbrev} $${Package}\n' $$wanted 2>/dev/null | awk '$$1 == "ii" {printf "%s ", $$2}') "; \
	missing=""; \
	for p in $$wanted; do case "$$installed" in *" $$p "*) ;; *) missing="$$missing $$p";; esac; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing the system libraries Qt needs:$$missing"; \
	  log=$$(mktemp); \
	  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	         $$missing; } >$$log 2>&1; then cat $$log >&2; rm -f $$log; echo "apt-get could not install:$$missing" >&2; exit 1; fi; \
	  rm -f $$log; \
	else \
	  echo "Missing system libraries that Qt needs:$$missing" >&2; \
	  echo "Install them, then run make again:" >&2; \
	  echo "  sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	  exit 1; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: system $(STAMP)

run: venv
	$(VENV)/bin/emergency-desk --demo

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n auto

bench: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks

clean:
	rm -rf $(VENV) .bench .import_linter_cache .ruff_cache

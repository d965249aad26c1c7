# platformio-tinyml — `make demo` shows the main job, `make test` runs the tests.
# Both set up what they need first (a virtual environment in .venv with the package installed).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MODEL  ?= examples/hello_world/models/hello_world_int8.tflite

.PHONY: all setup demo test clean

all: test

$(STAMP): pyproject.toml
	@command -v cc >/dev/null 2>&1 || { echo "make: a C compiler is needed (apt-get install gcc)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tinyml inspect $(MODEL)
	$(VENV)/bin/tinyml convert $(MODEL) -o build/demo --name hello_world
	$(PY) tools/host_demo.py $(MODEL)

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf build .pytest_cache

# platformio-tinyml — `make demo` shows the main job, `make test` runs the tests.
# `make bench` measures flash, RAM and estimated Cortex-M4F cycles per model (benchmarks/RESULTS.md).
# All set up what they need first (a virtual environment in .venv with the package installed).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MODEL  ?= examples/hello_world/models/hello_world_int8.tflite
# PlatformIO runs fully offline with a project-local core (see tools/setup_offline_pio.py)
export PLATFORMIO_CORE_DIR ?= $(CURDIR)/.pio-core
export PLATFORMIO_SETTING_ENABLE_TELEMETRY = No
export PLATFORMIO_SETTING_CHECK_PLATFORMIO_INTERVAL = 9999
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: all setup demo test bench fuzz clean

all: test

$(STAMP): pyproject.toml tools/setup_offline_pio.py
	@command -v cc >/dev/null 2>&1 || { echo "make: a C compiler is needed (apt-get install gcc)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,platformio]'
	$(PY) tools/setup_offline_pio.py --apt
	@touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tinyml inspect $(MODEL)
	$(VENV)/bin/tinyml convert $(MODEL) -o build/demo --name hello_world
	$(PY) tools/host_demo.py $(MODEL)
	@echo "--- the same model built by 'pio run' into firmware for the emulated Cortex-M4F board, run on QEMU"
	pio run -d examples/hello_world -e emulator -t exec
	@echo "--- the float sine model, quantized to int8 while building (calibration data: examples/hello_world/data)"
	pio run -d examples/hello_world -e emulator_quantized -t exec

test: $(STAMP)
	$(PY) tools/setup_offline_pio.py --apt --test-tools
	$(PY) tools/fetch_old_gcc.py   # GCC 8.3.1 beside the system one: the old-compiler tests
	$(PY) -m pytest -q

# flash, RAM and estimated Cortex-M4F cycles per model (m4sim); writes benchmarks/RESULTS.md and results.json;
# then single-kernel figures, reference against optimized (pools and ADD, the binary, compute, resize and
# Signal families)
bench: $(STAMP)
	$(PY) -m pip install -q -r ../shared/tools/m4sim/requirements.txt
	$(PY) benchmarks/run.py
	$(PY) benchmarks/kernels.py
	$(PY) benchmarks/resize.py
	$(PY) benchmarks/signal_kernels.py

# the long fuzzing run of the converter (mutated models through generate(); the generated C compiled with
# -Werror); failing inputs are kept in build/fuzz. `make test` runs a one-minute run of it.
FUZZ_COUNT ?= 100000
fuzz: $(STAMP)
	$(PY) tests/fuzz/fuzz_models.py --seed 1 --count $(FUZZ_COUNT) --jobs 2 --out build/fuzz

clean:
	rm -rf build .pytest_cache

# edgec: the two commands are `make demo` and `make test`; both set up what
# is missing first (Debian packages, the Python venv), so a fresh machine
# needs nothing else.

SHELL := /bin/bash
SWIFT ?= swift
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := gcc make gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libopenblas-dev liblapacke-dev
SHARED_MODELS := ../shared/models/mlperf-tiny
RELEASE_BIN = $(shell $(SWIFT) build -c release --show-bin-path)/edgec
DEMO_MODEL := Examples/models/kws_dscnn_int8.tflite
DEMO_INPUT := Examples/models/kws_dscnn_x.npy

.PHONY: all setup setup-apt setup-venv build release demo test test-swift test-c test-conformance bench clean \
	size-build size-check size-baseline bench-quality

all: release

## setup: install missing Debian packages and the Python venv used by the tests.
setup: setup-apt setup-venv

setup-apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

setup-venv: $(VENV)/.installed

$(VENV)/.installed: tools/requirements-test.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null
	$(PY) -m pip install -q -r tools/requirements-test.txt
	touch $@

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product edgec

## demo: compile the bundled keyword-spotting model for the STM32F746 and
## simulate it on the host against the reference interpreter.
demo: setup release
	$(RELEASE_BIN) inspect $(DEMO_MODEL)
	$(RELEASE_BIN) compile $(DEMO_MODEL) --target stm32f746 -o out/demo
	$(RELEASE_BIN) simulate $(DEMO_MODEL) --target stm32f746 --input $(DEMO_INPUT) --output out/demo_y.npy --check
	@echo "--- out/demo/report.json"; cat out/demo/report.json

## test: every test — Swift (all modules, fixtures, fuzzing), the C runtime,
## and live conformance against TFLM and LiteRT.
test: setup test-swift test-c test-conformance size-check

test-swift:
	$(SWIFT) build -c release --product edgec
	EDGEC_VENV_PYTHON=$(abspath $(PY)) $(SWIFT) test

test-c:
	$(MAKE) -C Runtime-C/tests

test-conformance: release
	$(PY) tools/conformance.py --edgec $(RELEASE_BIN)

## bench: compile time, ops, MACs, weights, peak SRAM and lower bound per
## MLPerf Tiny model, next to TFLM's arena; the memory plan (arena, lower
## bound, fragmentation, schedule) of those and of the MobileNetV2-style
## fixture; instructions per inference under QEMU.
bench: setup release
	$(PY) tools/bench.py --edgec $(RELEASE_BIN)
	$(MAKE) bench-quality

## bench-quality: post-training int8 quantization of the float models (MLPerf
## Tiny and Examples/digits), edgec next to the TFLite converter on the same
## calibration samples: output SQNR on 500 held-out inputs, digits accuracy
## and reconstruction MSE. Needs TensorFlow (tools/requirements.txt), which
## `make test` does not.
bench-quality: setup release $(VENV)/.installed-tools
	mkdir -p out
	$(PY) tools/ptq_compare.py --edgec $(RELEASE_BIN) --json out/bench-quality.json \
	  --calibration-method minmax --calibration-method percentile --calibration-method mse

$(VENV)/.installed-tools: tools/requirements.txt $(VENV)/.installed
	$(PY) -m pip install -q -r tools/requirements.txt
	touch $@

## size-check: compile the bundled KWS model for the STM32F746, build the
## example firmware with it (Examples/kws-stm32f746) and run its application
## under QEMU (mps2-an500, output checked against the host simulator), then
## compare their flash
## and RAM (total, weights, kernels, glue, arena) with Examples/sizes.json.
## Fails when a figure grows by more than SIZE_TOLERANCE percent and prints a
## markdown table for the pull request. `make size-baseline` accepts the
## current sizes.
SIZE_OUT := out/size
SIZE_TOLERANCE ?= 0.5
SIZE_PATHS = $(SIZE_OUT)/kws_dscnn_int8 $(SIZE_OUT)/kws-stm32f746/kws-stm32f746.elf

size-build: setup-apt release
	$(RELEASE_BIN) compile $(DEMO_MODEL) --target stm32f746 -o $(SIZE_OUT)/kws_dscnn_int8 --no-measure-code
	$(MAKE) -C Examples/kws-stm32f746 EDGEC=$(RELEASE_BIN) \
	  MODEL_DIR=$(abspath $(SIZE_OUT)/kws_dscnn_int8) BUILD=$(abspath $(SIZE_OUT)/kws-stm32f746) all qemu-check

size-check: size-build
	$(RELEASE_BIN) size $(SIZE_PATHS) --target stm32f746 --baseline Examples/sizes.json --tolerance $(SIZE_TOLERANCE)

size-baseline: size-build
	$(RELEASE_BIN) size $(SIZE_PATHS) --target stm32f746 --json > Examples/sizes.json.tmp
	mv Examples/sizes.json.tmp Examples/sizes.json
	@echo "Examples/sizes.json updated; commit it with the change that moved the sizes."

clean:
	rm -rf .build out Examples/kws-stm32f746/build

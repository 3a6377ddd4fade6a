# Thin wrapper over CMake presets so a newcomer needs two commands: `make run` and `make test`.
BUILD_DIR := build
JOBS ?= $(shell nproc)
CMAKE_BUILD := cmake --build $(BUILD_DIR) --parallel $(JOBS)

.PHONY: deps configure build run test bench clean

deps:
	@.ci/install-deps

$(BUILD_DIR)/build.ninja: | deps
	cmake --preset default

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	@$(CMAKE_BUILD)

# Enhances the bundled dark sample. (The editor arrives with the GUI; until then, the CLI.)
run: build
	@app/run-sample.sh $(BUILD_DIR)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure --no-tests=error -j $(JOBS) -LE slow

bench: build
	$(BUILD_DIR)/tests/bench/nocturne-bench

clean:
	rm -rf $(BUILD_DIR)

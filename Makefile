# pyhunt build.
#
#   make          build build/pyhunt (fetching and verifying dependencies first)
#   make demo     build, then audit the bundled example application
#   make test     build, then run every test (rule corpora, CLI goldens, hostile inputs)
#   make asan     build with AddressSanitizer + UBSan into build-asan/ and run the tests
#   make fuzz     build the libFuzzer targets of tests/fuzz/ (clang) and run each FUZZ_TIME seconds
#   make valgrind run the test suite under valgrind's memcheck
#   make bench    benchmark against the tree-sitter parse-only ceiling (bench/README.md)
#   make docs     regenerate docs/rules.md from the rule headers (a test fails when it is stale)
#   make install  install the binary, the man page pyhunt(1) and bash and zsh completion
#                 under PREFIX (default /usr/local), below DESTDIR when it is set;
#                 make uninstall removes those files and nothing else
#
# Third-party code is never committed: tree-sitter, tree-sitter-python and
# tree-sitter-toml (for configuration files) are fetched from the npm registry
# as tarballs (`npm pack`, no install scripts), checked against their
# published sha512 integrity, and built into build/deps/.
# SQLite and libedit come from Debian packages, installed when missing.

TS_VERSION      = 0.25.1
TS_INTEGRITY    = sha512-mrcEdkYtHfrK1A6fs3O6FxkBo0Qig5XUXqHhxUOQu0bmPo00QF4XaSx4edpazdHwxnSCjlGKGgIqWdaN4dvTLA==
TSPY_VERSION    = 0.25.0
TSPY_INTEGRITY  = sha512-eCmJx6zQa35GxaCtQD+wXHOhYqBxEL+bp71W/s3fcDMu06MrtzkVXR437dRrCrbrDbyLuUDJpAgycs7ncngLXw==
# The TOML grammar reads configuration files (pyproject.toml, pyhunt.toml).
TSTOML_NAME     = @tree-sitter-grammars/tree-sitter-toml
TSTOML_VERSION  = 0.7.0
TSTOML_INTEGRITY = sha512-873Kl518Qm5ghbWadISY41rwFjee0v+2bU4twwvAw2VAJcWwj2vBo3F3hOCXfbqHaFiqc4qh6eLhkMl2YZJS0g==
APT_PACKAGES    = libsqlite3-dev libedit-dev pkg-config tmux
# The official SARIF validator (tests/formats/sarif.test), from npm into $(DEPS)/sarif.
SARIF_MT_VERSION = 5.7.0

BUILD   ?= build
DEPS    ?= build/deps
CC      ?= cc
OPT     ?= -O2 -g
SAN     ?=
CFLAGS_COMMON = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(SAN) -pthread
WARN    = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wno-unused-parameter
INCS    = -Ibase -Iextractor -Ischema -Icore -Icli -Irepl -I$(BUILD) -I$(DEPS)/tree-sitter/vendor/tree-sitter/lib/include
LIBS    = -lsqlite3 -ledit -lpthread

SRC     = $(wildcard base/*.c extractor/*.c schema/*.c core/*.c cli/*.c repl/*.c)
OBJ     = $(SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded.o
EMBED   = $(sort $(wildcard schema/*.sql)) $(sort $(wildcard schema/views/*.sql)) $(sort $(wildcard schema/*.tsv)) $(sort $(wildcard queries/*.sql))
DEPOBJ  = $(DEPOBJ_DIR)/ts-lib.o $(DEPOBJ_DIR)/ts-python-parser.o $(DEPOBJ_DIR)/ts-python-scanner.o \
          $(DEPOBJ_DIR)/ts-toml-parser.o $(DEPOBJ_DIR)/ts-toml-scanner.o
TS_DIR  = $(DEPS)/tree-sitter
TSPY_DIR = $(DEPS)/tree-sitter-python
TSTOML_DIR = $(DEPS)/tree-sitter-toml
SARIF_MT = $(DEPS)/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

.PHONY: all demo test asan fuzz fuzz-targets valgrind bench docs install uninstall clean distclean
all: $(BUILD)/pyhunt

# --- dependencies -----------------------------------------------------------

$(DEPS)/.apt-ok:
	@mkdir -p $(DEPS)
	@for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update && apt-get install -y $$missing || exit 1; \
	fi
	@touch $@

$(TS_DIR)/.ok:
	tools/fetch-dep.sh tree-sitter $(TS_VERSION) $(TS_INTEGRITY) $(TS_DIR)
	@touch $@

$(TSPY_DIR)/.ok:
	tools/fetch-dep.sh tree-sitter-python $(TSPY_VERSION) $(TSPY_INTEGRITY) $(TSPY_DIR)
	@touch $@

$(TSTOML_DIR)/.ok:
	tools/fetch-dep.sh $(TSTOML_NAME) $(TSTOML_VERSION) $(TSTOML_INTEGRITY) $(TSTOML_DIR)
	@touch $@

# The SARIF validator: a self-contained .NET executable, installed once
# (without running its install script, which only sets the executable bit).
$(SARIF_MT):
	@mkdir -p $(DEPS)/sarif
	cd $(DEPS)/sarif && { test -f package.json || npm init -y >/dev/null; } && \
		npm install --ignore-scripts --no-audit --no-fund @microsoft/sarif-multitool-linux@$(SARIF_MT_VERSION)
	chmod u+x $@

# Third-party objects: built without -Werror or our warnings, shared by every
# build flavour (sanitizers need not instrument them) but the fuzz build,
# which puts its own, instrumented for coverage, in DEPOBJ_DIR.
DEPOBJ_DIR ?= $(DEPS)
DEPSAN     ?=
$(DEPOBJ_DIR)/ts-lib.o: $(TS_DIR)/.ok
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(DEPSAN) -D_POSIX_C_SOURCE=200112L -D_DEFAULT_SOURCE -w \
		-I$(TS_DIR)/vendor/tree-sitter/lib/include -I$(TS_DIR)/vendor/tree-sitter/lib/src \
		-c $(TS_DIR)/vendor/tree-sitter/lib/src/lib.c -o $@
$(DEPOBJ_DIR)/ts-python-parser.o: $(TSPY_DIR)/.ok
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(DEPSAN) -w -I$(TSPY_DIR)/src -c $(TSPY_DIR)/src/parser.c -o $@
$(DEPOBJ_DIR)/ts-python-scanner.o: $(TSPY_DIR)/.ok
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(DEPSAN) -w -I$(TSPY_DIR)/src -c $(TSPY_DIR)/src/scanner.c -o $@
$(DEPOBJ_DIR)/ts-toml-parser.o: $(TSTOML_DIR)/.ok
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(DEPSAN) -w -I$(TSTOML_DIR)/src -c $(TSTOML_DIR)/src/parser.c -o $@
$(DEPOBJ_DIR)/ts-toml-scanner.o: $(TSTOML_DIR)/.ok
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g $(DEPSAN) -w -I$(TSTOML_DIR)/src -c $(TSTOML_DIR)/src/scanner.c -o $@

# --- pyhunt -------------------------------------------------------------------

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(BUILD)
	$(CC) -std=c11 -O1 -o $@ $<

$(BUILD)/embedded.c: $(BUILD)/embed $(EMBED)
	$(BUILD)/embed $@ $(EMBED)

$(BUILD)/obj/embedded.o: $(BUILD)/embedded.c schema/embedded.h base/diag.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -Ischema -Ibase -c $< -o $@

$(BUILD)/obj/%.o: %.c $(DEPS)/.apt-ok $(TS_DIR)/.ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(WARN) $(INCS) -MMD -MP -c $< -o $@

# A database records the version of the extractor that wrote it: any change to
# the extractor's code or the schema makes older databases rebuild.
EXTRACTOR_HASH := $(shell cat extractor/*.c extractor/*.h extractor/parse/*.c extractor/parse/*.h base/source.c base/source.h schema/tables.sql schema/indexes.sql | cksum | cut -d' ' -f1)
$(BUILD)/obj/schema/db.o: CFLAGS_COMMON += -DPH_EXTRACTOR_HASH=$(EXTRACTOR_HASH)
$(BUILD)/obj/schema/db.o: $(wildcard extractor/*.c extractor/*.h extractor/parse/*.c extractor/parse/*.h) base/source.c base/source.h schema/tables.sql

$(BUILD)/pyhunt: $(OBJ) $(DEPOBJ)
	$(CC) $(CFLAGS_COMMON) -o $@ $(OBJ) $(DEPOBJ) $(LIBS)

-include $(OBJ:.o=.d)

# --- the two set-up commands and friends ------------------------------------

demo: $(BUILD)/pyhunt
	$(BUILD)/pyhunt audit examples --db $(BUILD)/demo.db; test $$? -le 1

test: $(BUILD)/pyhunt $(SARIF_MT)
	SARIF_MULTITOOL=$(abspath $(SARIF_MT)) $(BUILD)/pyhunt test tests

docs: $(BUILD)/pyhunt
	$(BUILD)/pyhunt rules --format markdown > docs/rules.md.tmp && mv docs/rules.md.tmp docs/rules.md

# --- install ---------------------------------------------------------------
# The man page and the completion scripts are printed by the built binary
# from the tables its parser and --help read (cli/manpage.c), so they say
# what this binary does.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
INSTALLED    = $(DESTDIR)$(BINDIR)/pyhunt $(DESTDIR)$(MANDIR)/man1/pyhunt.1 \
               $(DESTDIR)$(BASHCOMPDIR)/pyhunt $(DESTDIR)$(ZSHCOMPDIR)/_pyhunt

$(BUILD)/pyhunt.1: $(BUILD)/pyhunt
	$(BUILD)/pyhunt help --man > $@.tmp && mv $@.tmp $@
$(BUILD)/pyhunt.bash: $(BUILD)/pyhunt
	$(BUILD)/pyhunt help --completion bash > $@.tmp && mv $@.tmp $@
$(BUILD)/_pyhunt: $(BUILD)/pyhunt
	$(BUILD)/pyhunt help --completion zsh > $@.tmp && mv $@.tmp $@

install: $(BUILD)/pyhunt $(BUILD)/pyhunt.1 $(BUILD)/pyhunt.bash $(BUILD)/_pyhunt
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BUILD)/pyhunt $(DESTDIR)$(BINDIR)/pyhunt
	install -m 644 $(BUILD)/pyhunt.1 $(DESTDIR)$(MANDIR)/man1/pyhunt.1
	install -m 644 $(BUILD)/pyhunt.bash $(DESTDIR)$(BASHCOMPDIR)/pyhunt
	install -m 644 $(BUILD)/_pyhunt $(DESTDIR)$(ZSHCOMPDIR)/_pyhunt

uninstall:
	rm -f $(INSTALLED)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" test

# Fuzzing (tests/fuzz/README.md): each tests/fuzz/NAME.c is a libFuzzer
# target, built with clang and the sanitizers into build-fuzz/ and run for
# FUZZ_TIME seconds (FUZZ_FLAGS: more libFuzzer options) on a seed corpus
# written from the rule corpora, the rules and the REPL tests. What it finds
# lands in tests/fuzz/NAME/crashes/, which `make test` replays.
FUZZ_TIME    ?= 60
FUZZ_FLAGS   ?=
FUZZ_TARGETS  = $(basename $(notdir $(wildcard tests/fuzz/*.c)))
fuzz:
	@command -v clang > /dev/null || { echo "pyhunt: make fuzz needs clang with libFuzzer (apt-get install clang)"; exit 2; }
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
		DEPOBJ_DIR=build-fuzz/deps DEPSAN="-fsanitize=fuzzer-no-link,address" fuzz-targets
	tests/fuzz/run.sh build-fuzz "$(FUZZ_TIME)" "$(FUZZ_FLAGS)" $(FUZZ_TARGETS)

# The targets link every module but the command line (cli/).
fuzz-targets: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
$(BUILD)/fuzz/%: tests/fuzz/%.c $(filter-out $(BUILD)/obj/cli/%,$(OBJ)) $(DEPOBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fsanitize=fuzzer $(WARN) $(INCS) -o $@ $(filter %.c %.o,$^) $(LIBS)

# Children are traced (pyhunt run by the test runner and by sh: cases), but not
# the system tools (/bin is /usr/bin on Debian, and sh: cases run /bin/sh) and
# the SARIF validator that sh: cases run: their leaks are not ours.
# tests/valgrind.supp holds the one report from glibc's own loader.
valgrind: $(BUILD)/pyhunt $(SARIF_MT)
	SARIF_MULTITOOL=$(abspath $(SARIF_MT)) PYHUNT_TEST_TIMEOUT=1800 valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --trace-children=yes --suppressions=$(abspath tests/valgrind.supp) \
		--trace-children-skip='/bin/*,/sbin/*,/usr/bin/*,/usr/sbin/*,/usr/local/bin/*,*/Sarif.Multitool' \
		$(BUILD)/pyhunt test tests

# The peer of the benchmark: ruff's WebAssembly build, from npm into $(BUILD)/ruff.
RUFF_WASM_VERSION = 0.17.3
RUFF_WASM = $(BUILD)/ruff/node_modules/@astral-sh/ruff-wasm-nodejs
$(RUFF_WASM)/package.json:
	@mkdir -p $(BUILD)/ruff
	cd $(BUILD)/ruff && { test -f package.json || npm init -y >/dev/null; } && \
		npm install --ignore-scripts --no-audit --no-fund @astral-sh/ruff-wasm-nodejs@$(RUFF_WASM_VERSION)

bench: $(BUILD)/pyhunt $(RUFF_WASM)/package.json
	RUFF_WASM=$(abspath $(RUFF_WASM)) bench/run.sh $(BUILD)/pyhunt

clean:
	rm -rf $(BUILD) build-asan
distclean:
	rm -rf build build-*

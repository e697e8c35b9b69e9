# Makefile: builds build/tcvip (static musl, stripped) and runs every test, benchmark and the demo.
# make [V=1] | make test | make e2e [KEEPALIVED=PATH] | make demo | make bench | make fuzz
# make install [PREFIX=] [DESTDIR=] | make dist | make deb | make rpm | make deps | make clean

V ?= 0
Q := $(if $(filter 1,$(V)),,@)
B := build
TP := $(B)/tp
PREFIX ?= /usr/local
DESTDIR ?=

CC := musl-gcc
ASAN_CC := gcc
WARN := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
INCS := -Isrc -I$(B) -I$(TP)/src/bearssl/inc -I$(TP)/src/jsmn
# The release: VERSION from git describe (a tag gives 0.1-5-gHASH; no tag, just the hash), and
# SOURCE_DATE_EPOCH from the commit, so two builds of one commit give the same bytes. A tree with
# no usable git (a tarball, a shallow CI clone without tags still works) falls back to .version.
TCVIP_VERSION ?= $(shell git describe --always --dirty 2>/dev/null || cat .version 2>/dev/null || echo 0.0-src)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
DIST := $(B)/dist

# -fno-pie/-no-pie and -z norelro: the binary is a static ET_EXEC either way (no ASLR of its image, and
# no dynamic loader to apply RELRO), so PIC addressing and the RELRO page padding were bytes for nothing.
# -fno-tree-switch-conversion: switch statements as code, not lookup tables (smaller here).
CFLAGS := -Oz -flto -fno-pie -fno-tree-switch-conversion $(WARN) -ffile-prefix-map=$(CURDIR)=. -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -MMD -MP $(INCS)
LDFLAGS := -static -no-pie -Oz -fno-tree-switch-conversion -flto=auto -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	$(WARN) -MMD -MP $(INCS)

BEARSSL_MUSL := $(TP)/bearssl-musl/libbearssl.a
BEARSSL_GLIBC := $(TP)/bearssl-glibc/libbearssl.a
BEARSSL_CFLAGS := -Oz -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
THIRD_PARTY := $(TP)/src/bearssl/.unpacked
# keepalived 2.3.3 built from Debian's source package: make test runs some e2e scenarios with it
# too. KEEPALIVED is the keepalived the e2e suite (make e2e) uses: the Debian package's by default.
KA233 := $(B)/keepalived-2.3.3
KA233_BUILT := $(KA233)/.built
KA135 := $(B)/keepalived-1.3.5
KA135_BUILT := $(KA135)/.built
KEEPALIVED ?= /usr/sbin/keepalived

SRCS := $(wildcard src/*.c) $(wildcard applets/*.c)
OBJS := $(patsubst %.c,$(B)/musl/%.o,$(SRCS))
LIBOBJS := $(filter-out $(B)/musl/src/main.o,$(OBJS))
ASAN_LIBOBJS := $(patsubst $(B)/musl/%,$(B)/asan/%,$(LIBOBJS))
UNIT_SRCS := $(wildcard tests/unit/t_*.c)
UNITS := $(patsubst tests/unit/%.c,$(B)/musl/tests/%,$(UNIT_SRCS))
ASAN_UNITS := $(patsubst tests/unit/%.c,$(B)/asan/tests/%,$(UNIT_SRCS))

.PHONY: all deps deps-test test unit asan shell e2e demo bench fuzz cppcheck install dist deb rpm clean FORCE
all: deps $(B)/tcvip

# deps: what building needs; deps-test: that and what tests, demo, benchmarks and fuzzers need.
deps:
	$(Q)sh third_party/deps.sh build

deps-test:
	$(Q)sh third_party/deps.sh test $(B)

$(THIRD_PARTY): third_party/fetch.sh third_party/lib.sh third_party/SHA256SUMS
	@echo "  FETCH   bearssl jsmn (Debian source packages, pinned sha256)"
	$(Q)sh third_party/fetch.sh $(TP)
	$(Q)touch $@

$(KA233_BUILT): third_party/keepalived.sh third_party/lib.sh third_party/SHA256SUMS | deps-test
	@echo "  BUILD   keepalived 2.3.3 (Debian source package, system gcc; for the e2e tests)"
	$(Q)sh third_party/keepalived.sh $(KA233)
	$(Q)touch $@

$(KA135_BUILT): third_party/keepalived135.sh third_party/lib.sh third_party/SHA256SUMS | deps-test
	@echo "  BUILD   keepalived 1.3.5 (upstream's v1.3.5 tree, system gcc; for the e2e tests)"
	$(Q)sh third_party/keepalived135.sh $(KA135)
	$(Q)touch $@

$(BEARSSL_MUSL): $(THIRD_PARTY) Makefile
	@echo "  BUILD   BearSSL (musl-gcc)"
	$(Q)rm -rf $(TP)/bearssl-musl
	$(Q)$(MAKE) -s -C $(TP)/src/bearssl lib BUILD=$(CURDIR)/$(TP)/bearssl-musl CC=musl-gcc \
		CFLAGS="$(BEARSSL_CFLAGS)" >/dev/null

$(BEARSSL_GLIBC): $(THIRD_PARTY)
	@echo "  BUILD   BearSSL (gcc, for sanitizer tests)"
	$(Q)$(MAKE) -s -C $(TP)/src/bearssl lib BUILD=$(CURDIR)/$(TP)/bearssl-glibc CC=gcc \
		CFLAGS="-O1 -g -fPIC" >/dev/null

# version.h changes only when the versions do, so objects are not rebuilt needlessly. The
# components' versions: BearSSL and jsmn as pinned in SHA256SUMS, musl as the installed
# musl-dev package says.
$(B)/version.h: FORCE
	@mkdir -p $(B)
	$(Q)pin() { awk -v p="$$1=" 'index($$3, p) == 1 { print substr($$3, length(p) + 1) }' third_party/SHA256SUMS; }; \
	m=$$(dpkg-query -W -f='$${Version}' musl-dev 2>/dev/null || echo unknown); \
	printf '#define TCVIP_VERSION "%s"\n#define TCVIP_BEARSSL "%s"\n#define TCVIP_JSMN "%s"\n#define TCVIP_MUSL "%s"\n' \
		"$(TCVIP_VERSION)" "$$(pin bearssl)" "$$(pin jsmn)" "$$m" > $@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(B)/musl/%.o: %.c $(THIRD_PARTY) $(B)/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/asan/%.o: %.c $(THIRD_PARTY) $(B)/version.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC-ASAN $<")
	$(Q)$(ASAN_CC) $(ASAN_CFLAGS) -c -o $@ $<

$(B)/tcvip.unstripped: $(OBJS) $(BEARSSL_MUSL)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(BEARSSL_MUSL)

# strip, then pkg/sstrip.sh drops the section header table too (1 KB the kernel never reads).
$(B)/tcvip: $(B)/tcvip.unstripped pkg/sstrip.sh
	$(Q)strip -s -R .comment -o $@.stripped $<
	$(Q)sh pkg/sstrip.sh $@.stripped $@ && rm -f $@.stripped
	@echo "  SIZE    $@: $$(stat -c %s $@) bytes (stripped, static)"

$(B)/musl/tests/t_%: $(B)/musl/tests/unit/t_%.o $(LIBOBJS) $(BEARSSL_MUSL)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

$(B)/asan/tests/t_%: $(B)/asan/tests/unit/t_%.o $(ASAN_LIBOBJS) $(BEARSSL_GLIBC)
	$(Q)$(ASAN_CC) -fsanitize=address,undefined -o $@ $^

unit: deps-test $(UNITS)
	$(Q)sh tests/run.sh unit $(UNITS)

asan: deps-test $(ASAN_UNITS)
	$(Q)sh tests/run.sh asan $(ASAN_UNITS)

test: deps-test $(B)/tcvip $(UNITS) $(ASAN_UNITS) $(KA233_BUILT) $(KA135_BUILT)
	$(Q)KEEPALIVED=$(KEEPALIVED) sh tests/run.sh all

e2e: deps-test $(B)/tcvip
	$(Q)KEEPALIVED=$(KEEPALIVED) sh tests/run.sh e2e

demo: deps-test $(B)/tcvip
	$(Q)sh tests/e2e/demo.sh

bench: deps-test $(B)/tcvip
	$(Q)sh tests/bench/bench.sh

fuzz: deps-test $(THIRD_PARTY)
	$(Q)sh tests/fuzz/run.sh $${FUZZ_SECONDS:-30}

cppcheck:
	$(Q)cppcheck --quiet --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
		--suppress=missingIncludeSystem -D__GNUC__ -Isrc -I$(B) src applets

install: $(B)/tcvip
	install -D -m 0755 $(B)/tcvip $(DESTDIR)$(PREFIX)/sbin/tcvip

# The release tarball, the .deb and the .rpm, from one staged tree (pkg/build.sh; reproducible).
dist: $(B)/tcvip
	$(Q)sh pkg/build.sh dist $(B) "$(TCVIP_VERSION)"

deb: $(B)/tcvip
	$(Q)sh pkg/build.sh deb $(B) "$(TCVIP_VERSION)"

rpm: $(B)/tcvip
	$(Q)sh pkg/build.sh rpm $(B) "$(TCVIP_VERSION)"

clean:
	rm -rf $(DIST) $(B)/stage $(B)/musl $(B)/asan $(B)/tcvip $(B)/tcvip.unstripped $(B)/version.h

.SECONDARY:
-include $(shell find $(B)/musl $(B)/asan -name '*.d' 2>/dev/null)

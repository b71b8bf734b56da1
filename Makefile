# skillscore — `make` builds, `make test` installs, builds and runs every test, `make run` starts
# the demo. See README.md.

CC      ?= gcc
# Project headers are named from the root: #include "server/core/server.h".
CFLAGS_COMMON := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -D_DEFAULT_SOURCE -I.
JANSSON_CFLAGS := $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS   := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson) -lm
# The server's libraries; pkg-config runs when the variable is used, after scripts/deps.sh.
SERVER_PKGS    := libwebsockets libuv sqlite3 libsodium libcrypto libqrencode libcurl harfbuzz-subset \
                  xlsxwriter libzip expat
SERVER_CFLAGS   = $(shell pkg-config --cflags $(SERVER_PKGS) 2>/dev/null)
SERVER_LIBS     = $(shell pkg-config --libs $(SERVER_PKGS) 2>/dev/null || \
                    echo -lwebsockets -luv -lsqlite3 -lsodium -lcrypto -lqrencode -lcurl \
                         -lharfbuzz-subset -lharfbuzz -lxlsxwriter -lzip -lexpat) -lhpdf -lpthread
# The demo file is linked in as data; its object has no code, hence no stack note.
LDFLAGS_BIN    := -z noexecstack

CFLAGS  ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SCORING_SRC  := $(wildcard scoring/*.c)
COMPFILE_SRC := $(wildcard compfile/*.c)
CLI_SRC      := $(wildcard cli/*.c)
SERVER_SRC   := $(wildcard server/*.c server/*/*.c)
REPORTS_SRC  := $(wildcard reports/*.c)
LIB_SRC      := $(SCORING_SRC) $(COMPFILE_SRC)
# The engine is held to more than the rest: no implicit conversions, no VLAs, no float
# comparisons, ISO C only; and scripts/check_pure.sh refuses any I/O, allocation or global in it.
SCORING_FLAGS := -Wpedantic -Wconversion -Wsign-conversion -Wcast-qual -Wvla -Wfloat-equal \
                 -Wdouble-promotion -Wmissing-prototypes -Wredundant-decls
HEADERS      := $(wildcard scoring/*.h compfile/*.h cli/*.h server/*/*.h reports/*.h tests/*.h)
APP_SRC      := $(CLI_SRC) $(SERVER_SRC) $(REPORTS_SRC)

B := build

.PHONY: all deps test run bench bench-live bench-certs fuzz clean format

all: deps $(B)/skillscore

deps:
	@scripts/deps.sh build

# ---- release build ------------------------------------------------------------------------
# Each object depends on the headers it includes (-MMD), not on every header.
DEPFLAGS = -MMD -MP
# The engine as a static library of its own, compiled with its own flags.
$(B)/obj/scoring/%.o: scoring/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SCORING_FLAGS) $(DEPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/libscoring.a: $(patsubst %.c,$(B)/obj/%.o,$(SCORING_SRC))
	@rm -f $@
	ar rcs $@ $^

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(DEPFLAGS) $(CFLAGS) $(JANSSON_CFLAGS) $(SERVER_CFLAGS) -c $< -o $@

# data/demo/competition.json as bytes in the binary (symbols _binary_data_demo_competition_json_*).
$(B)/demo_blob.o: data/demo/competition.json
	@mkdir -p $(B)
	ld -r -b binary -z noexecstack -o $@ data/demo/competition.json

$(B)/skillscore: $(patsubst %.c,$(B)/obj/%.o,$(COMPFILE_SRC) $(APP_SRC)) $(B)/demo_blob.o \
                $(B)/libscoring.a
	$(CC) $(CFLAGS) $(LDFLAGS_BIN) $^ $(SERVER_LIBS) $(JANSSON_LIBS) -o $@

# ---- sanitizer build, for the tests ---------------------------------------------------------
$(B)/asan/scoring/%.o: scoring/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(SCORING_FLAGS) $(DEPFLAGS) -O1 -g $(SAN) -c $< -o $@

$(B)/asan/libscoring.a: $(patsubst %.c,$(B)/asan/%.o,$(SCORING_SRC))
	@rm -f $@
	ar rcs $@ $^

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(DEPFLAGS) -O1 -g $(SAN) $(JANSSON_CFLAGS) $(SERVER_CFLAGS) -c $< -o $@

-include $(shell find $(B) -name '*.d' 2>/dev/null)

ASAN_LIB := $(patsubst %.c,$(B)/asan/%.o,$(COMPFILE_SRC)) $(B)/asan/libscoring.a

$(B)/asan/skillscore: $(ASAN_LIB) $(patsubst %.c,$(B)/asan/%.o,$(APP_SRC)) $(B)/demo_blob.o
	$(CC) $(SAN) $(LDFLAGS_BIN) $^ $(SERVER_LIBS) $(JANSSON_LIBS) -o $@

$(B)/asan/test_%: $(B)/asan/tests/test_%.o $(ASAN_LIB)
	$(CC) $(SAN) $^ $(JANSSON_LIBS) -o $@

# The workbooks read back: the report rows, the workbook writer and the imports' .xlsx reader.
WORKBOOK_OBJ := $(patsubst %.c,$(B)/asan/%.o,reports/rows.c reports/workbook.c reports/certs.c \
                  server/lib/xlsx.c server/lib/csv.c)
$(B)/asan/test_workbook: $(B)/asan/tests/test_workbook.o $(WORKBOOK_OBJ) $(ASAN_LIB)
	$(CC) $(SAN) $^ $(SERVER_LIBS) $(JANSSON_LIBS) -o $@

# The live updates' merge: server/core/merge.c needs only jansson.
$(B)/asan/test_merge: $(B)/asan/tests/test_merge.o $(B)/asan/server/core/merge.o $(ASAN_LIB)
	$(CC) $(SAN) $^ $(JANSSON_LIBS) -o $@

# The verification address check alone (libc only).
$(B)/asan/test_base: $(B)/asan/tests/test_base.o $(B)/asan/reports/base.o
	$(CC) $(SAN) $^ -o $@

# libharu's functions done faster (reports/hpdf_speed.c) against the library's own.
$(B)/asan/test_hpdf_speed: $(B)/asan/tests/test_hpdf_speed.o $(B)/asan/reports/hpdf_speed.o \
                           $(B)/asan/reports/subset.o
	$(CC) $(SAN) $^ $(SERVER_LIBS) -ldl -o $@

TEST_BINS := $(patsubst tests/%.c,$(B)/asan/%,$(wildcard tests/test_*.c))

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory $(B)/skillscore $(B)/asan/skillscore $(B)/gen $(TEST_BINS) \
	    $(B)/libscoring.a
	@tests/run.sh

# ---- the demo: a fresh database each time, on http://127.0.0.1:$(PORT)/ -----------------------
PORT ?= 8080
run: all
	@rm -f $(B)/demo.db $(B)/demo.db-wal $(B)/demo.db-shm
	$(B)/skillscore serve --demo --db $(B)/demo.db --port $(PORT)

# ---- benchmark -----------------------------------------------------------------------------
$(B)/gen: bench/gen.c
	@mkdir -p $(B)
	$(CC) $(CFLAGS_COMMON) -O2 $< -o $@

$(B)/bench_group: bench/bench_group.c $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC))
	$(CC) $(CFLAGS_COMMON) -O2 $(JANSSON_CFLAGS) $^ $(JANSSON_LIBS) -o $@

$(B)/live_load: bench/live_load.c
	@mkdir -p $(B)
	$(CC) $(CFLAGS_COMMON) -O2 $< -o $@ -lpthread

# The live results load test (docs/performance.md): `make bench-live`, a few minutes.
bench-live: all $(B)/gen $(B)/live_load
	python3 bench/live.py

# 1,000 certificates, combined and one file each (docs/performance.md): `make bench-certs`.
bench-certs: all
	python3 bench/certificates.py

bench: all $(B)/gen $(B)/bench_group
	bench/run.sh

# ---- fuzzing (clang's libFuzzer) ---------------------------------------------------------------
FUZZ_SECONDS ?= 60
$(B)/fuzz_read: tests/fuzz/fuzz_read.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(B)
	clang $(CFLAGS_COMMON) -g -O1 -fsanitize=fuzzer,address,undefined $(JANSSON_CFLAGS) \
	    tests/fuzz/fuzz_read.c $(LIB_SRC) $(JANSSON_LIBS) -o $@

$(B)/fuzz_csv: tests/fuzz/fuzz_csv.c server/lib/csv.c server/lib/csv.h compfile/vec.c compfile/vec.h
	@mkdir -p $(B)
	clang $(CFLAGS_COMMON) -g -O1 -fsanitize=fuzzer,address,undefined \
	    tests/fuzz/fuzz_csv.c server/lib/csv.c compfile/vec.c -o $@

# The .xlsx reader with libzip and expat; the seeds are workbooks of tests/server/xlsxgen.py and
# of skillscore sheets --format xlsx.
$(B)/fuzz_xlsx: tests/fuzz/fuzz_xlsx.c server/lib/xlsx.c server/lib/xlsx.h server/lib/csv.c \
                server/lib/csv.h compfile/vec.c compfile/vec.h
	@mkdir -p $(B)
	clang $(CFLAGS_COMMON) -g -O1 -fsanitize=fuzzer,address,undefined \
	    tests/fuzz/fuzz_xlsx.c server/lib/xlsx.c server/lib/csv.c compfile/vec.c -lzip -lexpat \
	    -lm -o $@

$(B)/fuzz_pattern: tests/fuzz/fuzz_pattern.c reports/certs.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(B)
	clang $(CFLAGS_COMMON) -g -O1 -fsanitize=fuzzer,address,undefined $(JANSSON_CFLAGS) \
	    tests/fuzz/fuzz_pattern.c reports/certs.c $(LIB_SRC) $(JANSSON_LIBS) -lcrypto -o $@

$(B)/fuzz_base: tests/fuzz/fuzz_base.c reports/base.c reports/certs.c $(LIB_SRC) $(HEADERS)
	@mkdir -p $(B)
	clang $(CFLAGS_COMMON) -g -O1 -fsanitize=fuzzer,address,undefined $(JANSSON_CFLAGS) \
	    tests/fuzz/fuzz_base.c reports/base.c reports/certs.c $(LIB_SRC) $(JANSSON_LIBS) \
	    -lcrypto -o $@

fuzz: deps $(B)/fuzz_read $(B)/fuzz_csv $(B)/fuzz_xlsx $(B)/fuzz_pattern $(B)/fuzz_base
	@mkdir -p $(B)/fuzz-corpus $(B)/fuzz-corpus-csv
	$(B)/fuzz_read -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    $(B)/fuzz-corpus tests/golden tests/bad
	$(B)/fuzz_csv -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	    $(B)/fuzz-corpus-csv tests/fuzz/csv-seeds
	@mkdir -p $(B)/fuzz-corpus-xlsx
	$(B)/fuzz_xlsx -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	    $(B)/fuzz-corpus-xlsx tests/fuzz/xlsx-seeds
	@mkdir -p $(B)/fuzz-corpus-pattern
	$(B)/fuzz_pattern -max_total_time=$(FUZZ_SECONDS) -max_len=255 \
	    $(B)/fuzz-corpus-pattern tests/fuzz/pattern-seeds
	@mkdir -p $(B)/fuzz-corpus-base
	$(B)/fuzz_base -max_total_time=$(FUZZ_SECONDS) -max_len=511 \
	    $(B)/fuzz-corpus-base tests/fuzz/base-seeds

format:
	clang-format -i scoring/*.[ch] compfile/*.[ch] cli/*.[ch] tests/*.[ch] bench/*.c

clean:
	rm -rf $(B)

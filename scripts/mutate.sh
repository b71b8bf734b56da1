#!/bin/sh
# scripts/mutate.sh — mutation checks for the live view's rules (docs/live.md): each mutation
# breaks one rule in a COPY of the tree, the copy is built (ASan), and the test that holds the rule
# must fail. Prints "mutation X: killed by test Y" per mutation; exits 1 if any survived (or if a
# test fails before any mutation, or a mutation does not apply). Not part of `make test`.
#
#   scripts/mutate.sh            all mutations
#   scripts/mutate.sh NAME…      only these
#
# The working tree is never touched: the tracked files (as they are, uncommitted edits included)
# are copied to a temporary directory, with build/asan when present so that only the mutated
# file is rebuilt.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/skillscore-mutate.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

# name|test file|test name|file|perl substitution[|file|substitution…]: every substitution must
# change its file; write a "|" inside one as \x7c.
#
# The theory clause of completeness has two layers: live.c's complete() leaves an entry without its
# theory score out of the hall's ranking, and the engine (SC_ALLOW_INCOMPLETE) calls such an entry
# incomplete. Either alone holds the rule, so each alone is an equivalent mutant; the mutation
# takes both away.
MUTATIONS='complete-with-one-judge|tests/server/test_live.py|test_the_hall_sees_no_partial_total_no_early_award_and_numbers_in_order|server/core/live.c|s/return done >= of && /return done >= 1 && /
marks-required-is-one|tests/server/test_live.py|test_the_hall_sees_no_partial_total_no_early_award_and_numbers_in_order|compfile/roster.c|s/return n \? n : 1;/return (void)n, 1;/
theory-not-needed|tests/server/test_live.py|test_an_entry_without_its_theory_score_shows_progress_never_a_total|server/core/live.c|s/\(lc->def->events\[en->event\]\.rules\.w_theory == 0 \x7c\x7c en->has_theory\)/true/|scoring/group.c|s/if \(event->w_theory > 0 && !e->has_theory\)\n\s*return SC_ENOTHEORY;//
hall-rows-in-registration-order|tests/server/test_live.py|test_the_hall_sees_no_partial_total_no_early_award_and_numbers_in_order|server/core/live.c|s/qsort\(order, g->n, sizeof \*order, by_number\);/(void)by_number;/
lock-refusal-in-registration-order|tests/server/test_review.py|test_the_lock_refusal_names_the_lowest_blocked_number_and_no_entry|server/api/api_events.c|s/qsort\(order, n, sizeof \*order, by_num_cmp\);/(void)by_num_cmp;/
chief-lists-in-registration-order|tests/server/test_review.py|test_standings_for_the_chief_are_by_number_and_name_nobody|server/api/api_marks.c|s/qsort\(rows, n, sizeof \*rows, by_number\);/(void)by_number;/
freeze-ignored|tests/server/test_live.py|test_a_frozen_event_holds_public_screens_while_staff_screens_move|server/core/live.c|s/return g->frozen && !lc->published\[g->event\];/return (void)lc, (void)g, false;/'

cd "$ROOT"
git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$WORK"
if [ -d build/asan ]; then
    mkdir -p "$WORK/build"
    cp -a build/asan "$WORK/build/"
    [ -f build/demo_blob.o ] && cp -a build/demo_blob.o "$WORK/build/"
fi
cd "$WORK"

build() { make -j2 build/asan/skillscore >"$WORK/build.log" 2>&1; }
# Runs one test of a file; 0 when it passed.
run() { SKILLSCORE_TEST_ONLY="$2" python3 "$1" >"$WORK/test.log" 2>&1 && grep -q '^1 passed, 0 failed' "$WORK/test.log"; }

selected() {
    [ $# -eq 0 ] && return 0
    for want in "$@"; do [ "$want" = "$NAME" ] && return 0; done
    return 1
}

build || { echo "the unmutated copy does not build:"; tail -20 "$WORK/build.log"; exit 1; }
status=0
printf '%s\n' "$MUTATIONS" | {
    while IFS='|' read -r NAME TFILE TNAME REST; do
        selected "$@" || continue
        # The control: the test passes on the tree as it is.
        if ! run "$TFILE" "$TNAME"; then
            echo "mutation $NAME: NOT RUN, $TNAME fails without it"; tail -5 "$WORK/test.log"; status=1; continue
        fi
        mkdir -p "$WORK/original"
        applied=yes files=
        while [ -n "$REST" ]; do
            FILE=${REST%%|*}; REST=${REST#*|}
            SUBST=${REST%%|*}
            case $REST in *'|'*) REST=${REST#*|} ;; *) REST= ;; esac
            mkdir -p "$WORK/original/$(dirname "$FILE")"
            cp "$FILE" "$WORK/original/$FILE"
            files="$files $FILE"
            if ! perl -0pi -e "$SUBST" "$FILE" || cmp -s "$FILE" "$WORK/original/$FILE"; then
                echo "mutation $NAME: NOT APPLIED ($FILE does not match)"; applied=no
            fi
        done
        if [ $applied = no ]; then
            status=1
        elif ! build; then
            echo "mutation $NAME: NOT BUILT"; tail -5 "$WORK/build.log"; status=1
        elif run "$TFILE" "$TNAME"; then
            echo "mutation $NAME: SURVIVED $TFILE::$TNAME"; status=1
        else
            echo "mutation $NAME: killed by test $TFILE::$TNAME"
            echo "    $(grep -m1 '^FAIL' "$WORK/test.log" | cut -c1-150)"
        fi
        for FILE in $files; do cp "$WORK/original/$FILE" "$FILE"; done
        build || { echo "the copy does not build again after $NAME"; exit 1; }
    done
    exit $status
}

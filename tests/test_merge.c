/*
 * test_merge.c — live updates merged into one (server/core/merge.h): a screen, or the public
 * relay, that applies the merged update must end where applying each update in turn leaves it.
 * Covered: rows by key (newest wins), from/seq, groups sent whole (and staying whole), head
 * fields such as hidden and frozen (newest wins), the ceremony (newest given wins), the order of
 * groups and rows, what breaks a merge, and a seeded random comparison with applying in turn.
 */
#include "tests/check.h"

#include "server/core/merge.h"

#include <jansson.h>

/* The merged text of the updates (JSON texts), parsed; NULL when mg_text gave nothing. */
static json_t *merged(const char *const *updates, size_t n)
{
    mg_merge *m = mg_new();
    json_t *out = NULL;
    char *text = NULL;
    size_t len = 0;
    if (!m)
        goto out;
    for (size_t i = 0; i < n; i++)
        CHECK(mg_add_text(m, updates[i], strlen(updates[i])));
    CHECK_INT(mg_count(m), n);
    if (!(text = mg_text(m, "YN2026", &len)))
        goto out;
    CHECK_INT(strlen(text), len);
    out = json_loads(text, 0, NULL);
out:
    free(text);
    mg_free(m);
    return out;
}

static json_t *group_at(json_t *u, size_t i)
{
    return json_array_get(json_object_get(u, "rankings"), i);
}

/* The row of group g with key k, or NULL. */
static json_t *row(json_t *g, const char *k)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(g, "rows"), i, r)
        if (strcmp(json_string_value(json_object_get(r, "key")), k) == 0)
            return r;
    return NULL;
}

static long long int_of(json_t *o, const char *field)
{
    return (long long)json_integer_value(json_object_get(o, field));
}

TEST(rows_merge_by_key_and_from_seq_span_the_updates)
{
    const char *u[] = {
        "{\"type\":\"update\",\"competition\":\"YN2026\",\"from\":5,\"seq\":5,\"rankings\":["
        "{\"event\":\"E02\",\"group\":\"G\",\"state\":\"open\",\"n\":3,\"full\":false,"
        "\"rows\":[{\"key\":\"a\",\"pos\":1,\"total\":\"10\"},{\"key\":\"b\",\"pos\":2}]}]}",
        "{\"type\":\"update\",\"competition\":\"YN2026\",\"from\":6,\"seq\":8,\"rankings\":["
        "{\"event\":\"E02\",\"group\":\"G\",\"state\":\"open\",\"n\":4,\"full\":false,"
        "\"rows\":[{\"key\":\"a\",\"pos\":2,\"total\":\"12\"},{\"key\":\"c\",\"pos\":3}]}]}",
    };
    json_t *out = merged(u, 2), *g;
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK_STR(json_string_value(json_object_get(out, "type")), "update");
    CHECK_STR(json_string_value(json_object_get(out, "competition")), "YN2026");
    CHECK_INT(int_of(out, "from"), 5); /* the first update's */
    CHECK_INT(int_of(out, "seq"), 8);  /* the last's */
    CHECK(json_object_get(out, "ceremony") == NULL);
    CHECK_INT(json_array_size(json_object_get(out, "rankings")), 1);
    g = group_at(out, 0);
    CHECK_INT(int_of(g, "n"), 4); /* the newest head */
    CHECK(json_is_false(json_object_get(g, "full")));
    CHECK_INT(json_array_size(json_object_get(g, "rows")), 3);
    CHECK_STR(json_string_value(json_object_get(row(g, "a"), "total")), "12");
    CHECK_INT(int_of(row(g, "a"), "pos"), 2);
    CHECK(row(g, "b") != NULL && row(g, "c") != NULL);
    json_decref(out);
}

TEST(a_group_sent_whole_starts_over_and_stays_whole)
{
    const char *u[] = {
        "{\"type\":\"update\",\"from\":1,\"seq\":1,\"rankings\":[{\"event\":\"E01\",\"group\":"
        "\"G\",\"full\":false,\"rows\":[{\"key\":\"old\",\"pos\":1}]}]}",
        /* Sent whole (a reorder, a publication): the rows before it are gone. */
        "{\"type\":\"update\",\"from\":2,\"seq\":2,\"rankings\":[{\"event\":\"E01\",\"group\":"
        "\"G\",\"full\":true,\"rows\":[{\"key\":\"x\",\"pos\":1},{\"key\":\"y\",\"pos\":2}]}]}",
        /* A later change to one row: the group stays whole, with all its rows. */
        "{\"type\":\"update\",\"from\":3,\"seq\":3,\"rankings\":[{\"event\":\"E01\",\"group\":"
        "\"G\",\"full\":false,\"rows\":[{\"key\":\"y\",\"pos\":2,\"total\":\"7\"}]}]}",
    };
    json_t *out = merged(u, 3), *g;
    CHECK(out != NULL);
    if (!out)
        return;
    g = group_at(out, 0);
    CHECK(json_is_true(json_object_get(g, "full")));
    CHECK_INT(json_array_size(json_object_get(g, "rows")), 2);
    CHECK(row(g, "old") == NULL);
    CHECK(row(g, "x") != NULL);
    CHECK_STR(json_string_value(json_object_get(row(g, "y"), "total")), "7");
    json_decref(out);
}

TEST(head_fields_hidden_and_frozen_come_from_the_newest_update)
{
    const char *u[] = {
        "{\"type\":\"update\",\"from\":1,\"seq\":1,\"rankings\":[{\"event\":\"E02\",\"group\":"
        "\"G\",\"hidden\":true,\"full\":false,\"rows\":[]}]}",
        "{\"type\":\"update\",\"from\":2,\"seq\":2,\"rankings\":[{\"event\":\"E02\",\"group\":"
        "\"G\",\"frozen\":true,\"state\":\"locked\",\"full\":false,\"rows\":[{\"key\":\"k\"}]}]}",
    };
    json_t *out = merged(u, 2), *g;
    CHECK(out != NULL);
    if (!out)
        return;
    g = group_at(out, 0);
    /* The head is the newest one as sent: no longer hidden, now frozen and locked. */
    CHECK(json_object_get(g, "hidden") == NULL);
    CHECK(json_is_true(json_object_get(g, "frozen")));
    CHECK_STR(json_string_value(json_object_get(g, "state")), "locked");
    CHECK(row(g, "k") != NULL);
    json_decref(out);
}

TEST(the_newest_ceremony_given_wins_and_one_not_given_is_kept)
{
    const char *u[] = {
        "{\"type\":\"update\",\"from\":1,\"seq\":1,\"rankings\":[],\"ceremony\":{\"on\":true,"
        "\"step\":1}}",
        "{\"type\":\"update\",\"from\":2,\"seq\":2,\"rankings\":[],\"ceremony\":{\"on\":true,"
        "\"step\":2}}",
        "{\"type\":\"update\",\"from\":3,\"seq\":3,\"rankings\":[]}",
    };
    json_t *out = merged(u, 3);
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK_INT(int_of(json_object_get(out, "ceremony"), "step"), 2);
    CHECK_INT(int_of(out, "from"), 1);
    CHECK_INT(int_of(out, "seq"), 3);
    json_decref(out);
}

/* Groups come in the order first seen, rows in the order their keys were first seen: not rank
 * order (screens sort by pos), but stable. */
TEST(groups_and_rows_keep_the_order_first_seen)
{
    const char *u[] = {
        "{\"type\":\"update\",\"from\":1,\"seq\":1,\"rankings\":[{\"event\":\"E02\",\"group\":"
        "\"B\",\"full\":false,\"rows\":[{\"key\":\"r2\",\"pos\":2},{\"key\":\"r1\",\"pos\":1}]}]}",
        "{\"type\":\"update\",\"from\":2,\"seq\":2,\"rankings\":[{\"event\":\"E01\",\"group\":"
        "\"A\",\"full\":false,\"rows\":[]},{\"event\":\"E02\",\"group\":\"B\",\"full\":false,"
        "\"rows\":[{\"key\":\"r1\",\"pos\":1},{\"key\":\"r3\",\"pos\":3}]}]}",
    };
    json_t *out = merged(u, 2), *rows;
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK_STR(json_string_value(json_object_get(group_at(out, 0), "group")), "B");
    CHECK_STR(json_string_value(json_object_get(group_at(out, 1), "group")), "A");
    rows = json_object_get(group_at(out, 0), "rows");
    CHECK_INT(json_array_size(rows), 3);
    CHECK_STR(json_string_value(json_object_get(json_array_get(rows, 0), "key")), "r2");
    CHECK_STR(json_string_value(json_object_get(json_array_get(rows, 1), "key")), "r1");
    CHECK_STR(json_string_value(json_object_get(json_array_get(rows, 2), "key")), "r3");
    json_decref(out);
}

TEST(a_snapshot_or_bad_text_breaks_the_merge_and_nothing_merged_gives_nothing)
{
    static const char update[] = "{\"type\":\"update\",\"from\":1,\"seq\":1,\"rankings\":[]}";
    static const char snapshot[] = "{\"type\":\"results\",\"seq\":1,\"results\":{}}";
    size_t len = 0;
    mg_merge *m = mg_new();
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(mg_text(m, "YN2026", &len) == NULL); /* nothing added */
    CHECK(mg_add_text(m, update, sizeof update - 1));
    CHECK(!mg_add_text(m, snapshot, sizeof snapshot - 1));
    CHECK(mg_text(m, "YN2026", &len) == NULL); /* unusable: the caller sends a snapshot */
    CHECK(!mg_add_text(m, update, sizeof update - 1));
    mg_free(m);
    m = mg_new();
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(!mg_add_text(m, "{\"type\":", 8));
    CHECK(mg_text(m, "YN2026", &len) == NULL);
    mg_free(m);
}

/* ---- merged == applied in turn, on random updates -------------------------------------------- */

static unsigned long rng = 16;

static unsigned pick(unsigned n)
{
    rng = rng * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng >> 33) % n);
}

/* What a screen holds: "event/group" -> {"head": group without rows and "full", "rows": by key}.
 * Applies update u as docs/live.md says a screen does. */
static void apply(json_t *state, json_t *u)
{
    size_t i;
    json_t *g;
    if (json_object_get(u, "ceremony")) /* the newest state of the ceremony, when one is sent */
        json_object_set(state, "\x1f" "ceremony", json_object_get(u, "ceremony"));
    json_array_foreach(json_object_get(u, "rankings"), i, g) {
        char key[200];
        json_t *have, *rows, *r, *head;
        size_t j;
        snprintf(key, sizeof key, "%s/%s", json_string_value(json_object_get(g, "event")),
                 json_string_value(json_object_get(g, "group")));
        have = json_object_get(state, key);
        if (!have || json_is_true(json_object_get(g, "full"))) {
            have = json_pack("{s:o,s:o}", "head", json_object(), "rows", json_object());
            json_object_set_new(state, key, have);
        }
        rows = json_object_get(have, "rows");
        json_array_foreach(json_object_get(g, "rows"), j, r)
            json_object_set(rows, json_string_value(json_object_get(r, "key")), r);
        head = json_copy(g);
        json_object_del(head, "rows");
        json_object_del(head, "full"); /* how it was sent, not what it is */
        json_object_set_new(have, "head", head);
    }
}

static json_t *random_update(long seq)
{
    static const char *const groups[] = {"A", "B", "C"};
    json_t *rankings = json_array();
    for (int gi = 0; gi < 3; gi++) {
        if (pick(3) == 0)
            continue;
        json_t *rows = json_array();
        bool full = pick(5) == 0;
        for (unsigned k = 0, n = 1 + pick(4); k < n; k++) {
            char rk[8];
            snprintf(rk, sizeof rk, "r%u", pick(6));
            json_array_append_new(rows, json_pack("{s:s,s:i,s:i}", "key", rk, "pos",
                                                  (int)pick(6) + 1, "total", (int)pick(100)));
        }
        json_array_append_new(rankings,
                              json_pack("{s:s,s:s,s:b,s:b,s:i,s:o}", "event", "E02", "group",
                                        groups[gi], "full", full, "frozen", pick(4) == 0, "n",
                                        (int)pick(20), "rows", rows));
    }
    json_t *u = json_pack("{s:s,s:s,s:I,s:I,s:o}", "type", "update", "competition", "YN2026",
                          "from", (json_int_t)seq, "seq", (json_int_t)seq, "rankings", rankings);
    if (pick(4) == 0)
        json_object_set_new(u, "ceremony", json_pack("{s:b,s:i}", "on", true, "step", (int)seq));
    return u;
}

TEST(merged_updates_leave_a_screen_where_applying_each_in_turn_leaves_it)
{
    for (int round = 0; round < 200; round++) {
        json_t *base = json_object(), *inturn, *once, *u, *out = NULL;
        mg_merge *m = mg_new();
        char *text = NULL;
        size_t len = 0;
        long seq = 1;
        if (!m || !base)
            goto next;
        /* The screen's state before: a few updates it did receive. */
        for (int i = 0, n = (int)pick(3); i < n; i++, seq++) {
            u = random_update(seq);
            apply(base, u);
            json_decref(u);
        }
        inturn = json_deep_copy(base);
        once = json_deep_copy(base);
        long first = seq;
        for (int i = 0, n = 1 + (int)pick(6); i < n; i++, seq++) {
            u = random_update(seq);
            apply(inturn, u);
            CHECK(mg_add(m, u));
            json_decref(u);
        }
        text = mg_text(m, "YN2026", &len);
        CHECK(text != NULL);
        out = text ? json_loads(text, 0, NULL) : NULL;
        CHECK(out != NULL);
        if (out) {
            CHECK_INT(int_of(out, "from"), first);
            CHECK_INT(int_of(out, "seq"), seq - 1);
            apply(once, out);
            if (!json_equal(once, inturn)) {
                char *a = json_dumps(once, JSON_SORT_KEYS), *b = json_dumps(inturn, JSON_SORT_KEYS);
                CHECK_STR(a, b);
                free(a);
                free(b);
            }
        }
        json_decref(out);
        json_decref(inturn);
        json_decref(once);
    next:
        free(text);
        mg_free(m);
        json_decref(base);
    }
}

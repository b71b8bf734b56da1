/*
 * vec.c — see vec.h.
 */
#include "vec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vec_reserve(void *items_ptr, size_t *cap, size_t need, size_t size, size_t first)
{
    void *items, *grown;
    size_t c;

    if (need <= *cap)
        return 0;
    c = *cap ? *cap : (first ? first : 1);
    while (c < need) {
        if (c > SIZE_MAX / 2 / (size ? size : 1))
            return -1;
        c *= 2;
    }
    /* The pointer is read and written as bytes: items_ptr points at a T *, not a void *. */
    memcpy(&items, items_ptr, sizeof items);
    if (!(grown = realloc(items, c * size)))
        return -1;
    memcpy(items_ptr, &grown, sizeof grown);
    *cap = c;
    return 0;
}

void vec_text_put(vec_text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    if (vec_reserve(&t->p, &t->cap, t->len + n + 1, 1, 256)) {
        t->oom = 1;
        return;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

void vec_text_puts(vec_text *t, const char *s) { vec_text_put(t, s, strlen(s)); }

void vec_text_printf(vec_text *t, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (t->oom)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || vec_reserve(&t->p, &t->cap, t->len + (size_t)n + 1, 1, 256)) {
        t->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

char *vec_text_take(vec_text *t)
{
    char *p = t->p;
    if (t->oom) {
        free(p);
        p = NULL;
    } else if (!p)
        p = calloc(1, 1);
    t->p = NULL;
    t->len = t->cap = 0;
    t->oom = 0;
    return p;
}

void vec_text_free(vec_text *t)
{
    free(t->p);
    t->p = NULL;
    t->len = t->cap = 0;
    t->oom = 0;
}

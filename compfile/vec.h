/*
 * vec.h — growable arrays and text, for everything above the engine (prefix vec_).
 *
 * One way to grow: capacity doubles from a first size, and a failed allocation leaves the array
 * as it was, so a caller can report "out of memory" and still free what it had.
 *
 *   size_t n = 0, cap = 0;  item *items = NULL;
 *   if (VEC_RESERVE(items, cap, n + 1, 64)) goto oom;
 *   items[n++] = x;
 *
 * Ownership: the caller owns the array (free it with free) and the text (vec_text_free).
 */
#ifndef SKILLSCORE_VEC_H
#define SKILLSCORE_VEC_H

#include <stddef.h>

/* Makes room for need elements of size bytes in the array *items_ptr (a pointer to the array
 * pointer) of capacity *cap, doubling from first. 0, or -1 when memory runs out (unchanged). */
int vec_reserve(void *items_ptr, size_t *cap, size_t need, size_t size, size_t first);
#define VEC_RESERVE(items, cap, need, first) \
    vec_reserve(&(items), &(cap), (need), sizeof *(items), (first))

/* Text that grows; always NUL-terminated once anything was put. oom stays set after a failed
 * allocation, and later puts do nothing, so a builder checks once at the end. */
typedef struct vec_text {
    char *p;
    size_t len, cap;
    int oom;
} vec_text;

void vec_text_put(vec_text *t, const char *s, size_t n);
void vec_text_puts(vec_text *t, const char *s);
void vec_text_printf(vec_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the text over (caller frees); NULL after a failed allocation (then freed here). */
char *vec_text_take(vec_text *t);
void vec_text_free(vec_text *t);

#endif

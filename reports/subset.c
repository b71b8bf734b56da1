/*
 * subset.c — the font cut down to the characters one document writes (pdf.h, pdf_subset_font),
 * with harfbuzz's subsetter, before libharu sees it.
 *
 * Why: libharu 2.3.0 embeds most of a TrueType font's tables, so every per-person certificate
 * carried ~400 KiB of AR PL UMing and cost ~85 ms to write. A subset holds only the glyphs used
 * (tens of KiB) and loads in a few milliseconds. Hinting and the layout tables are dropped: the
 * PDF places glyphs itself and a viewer rasterizes outlines.
 *
 * The parsed face of the font file is kept for the life of the process (one per path, behind a
 * mutex): reading a 20 MB collection's tables is what costs, and the CLI writes a thousand files
 * on every core from one process.
 */
#define _GNU_SOURCE
#include "pdf.h"

#include <hb-subset.h>
#include <hb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static pthread_mutex_t face_lock = PTHREAD_MUTEX_INITIALIZER;
static hb_face_t *face_cached;
static char face_path[512];

/* The face of path (index 0 of a collection), parsed once; a new reference. */
static hb_face_t *face_of(const char *path)
{
    hb_face_t *f = NULL;
    pthread_mutex_lock(&face_lock);
    if (face_cached && strcmp(face_path, path) != 0) {
        hb_face_destroy(face_cached);
        face_cached = NULL;
    }
    if (!face_cached) {
        hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
        if (blob) {
            face_cached = hb_face_create(blob, 0);
            hb_face_make_immutable(face_cached);
            snprintf(face_path, sizeof face_path, "%s", path);
            hb_blob_destroy(blob);
        }
    }
    if (face_cached && hb_face_get_glyph_count(face_cached) > 0)
        f = hb_face_reference(face_cached);
    pthread_mutex_unlock(&face_lock);
    return f;
}

int pdf_subset_font(const char *path, const uint32_t *cps, size_t n, int *fd, char *err,
                    size_t errcap)
{
    hb_face_t *face = face_of(path), *sub = NULL;
    hb_subset_input_t *in = NULL;
    hb_blob_t *blob = NULL;
    const char *data;
    unsigned len = 0;
    int rc = -1;

    *fd = -1;
    if (!face) {
        snprintf(err, errcap, "cannot read the font %s", path);
        return -1;
    }
    if (!(in = hb_subset_input_create_or_fail()))
        goto oom;
    hb_set_t *u = hb_subset_input_unicode_set(in);
    /* ASCII always: page numbers and figures may differ between the collecting run and the
     * real one. */
    for (uint32_t c = 0x20; c < 0x7f; c++)
        hb_set_add(u, c);
    for (size_t i = 0; i < n; i++)
        hb_set_add(u, cps[i]);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    static const hb_tag_t dropped[] = {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
                                       HB_TAG('G', 'D', 'E', 'F'), HB_TAG('v', 'h', 'e', 'a'),
                                       HB_TAG('v', 'm', 't', 'x')};
    for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
        hb_set_add(drop, dropped[i]);
    if (!(sub = hb_subset_or_fail(face, in))) {
        snprintf(err, errcap, "cannot subset the font %s", path);
        goto out;
    }
    /* libharu 2.3.0 rewrites the font with its 13 tables in a fixed order, "prep" last, then
     * seeks to each table to checksum it. A subset without hinting has no prep: an empty last
     * table starts where the data ends, and when that is a multiple of libharu's 4,096-byte
     * stream blocks the seek finds no block and the save fails (HPDF_INVALID_OBJECT; about one
     * document in 500, which then carried the whole 400 KiB font). A three-byte prep that does
     * nothing (PUSHB 0, POP) keeps the last table from being empty. */
    /* hb_subset_or_fail gives a builder face: the table goes straight into it. */
    static const char noop_prep[] = {(char)0xB0, 0x00, 0x21};
    hb_blob_t *prep = hb_blob_create(noop_prep, sizeof noop_prep, HB_MEMORY_MODE_READONLY, NULL,
                                     NULL);
    bool added = hb_face_builder_add_table(sub, HB_TAG('p', 'r', 'e', 'p'), prep);
    hb_blob_destroy(prep);
    if (!added)
        goto oom;
    blob = hb_face_reference_blob(sub);
    data = hb_blob_get_data(blob, &len);
    if (!len)
        goto oom;
    /* libharu reads fonts from a path: an anonymous file in memory, named by /proc/self/fd. */
    if ((*fd = memfd_create("skillscore-font", MFD_CLOEXEC)) < 0) {
        snprintf(err, errcap, "cannot make an in-memory file for the font");
        goto out;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(*fd, data + off, len - off);
        if (w <= 0) {
            snprintf(err, errcap, "cannot write the font subset");
            close(*fd);
            *fd = -1;
            goto out;
        }
        off += (size_t)w;
    }
    rc = 0;
    goto out;
oom:
    snprintf(err, errcap, "out of memory while subsetting the font");
out:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    return rc;
}

/*
 * test_hpdf_speed.c — reports/hpdf_speed.c gives libharu's own answers: its glyph lookup for
 * every code point of the Basic Multilingual Plane, in increasing, decreasing and scattered
 * order, of the whole AR PL UMing and of a subset like a certificate's; its memcpy and memset for
 * every length up to 300 and every overlap. The library's functions are reached past ours with
 * dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include "tests/check.h"

#include "reports/pdf.h"

#include <dlfcn.h>
#include <hpdf_fontdef.h>
#include <hpdf_utils.h>
#include <unistd.h>

typedef HPDF_UINT16 (*glyph_fn)(HPDF_FontDef, HPDF_UINT16);
typedef HPDF_BYTE *(*memcpy_fn)(HPDF_BYTE *, const HPDF_BYTE *, HPDF_UINT);
typedef void *(*memset_fn)(void *, HPDF_BYTE, HPDF_UINT);

static const char *font_path(void)
{
    return getenv("SKILLSCORE_FONT") ? getenv("SKILLSCORE_FONT") : RP_DEFAULT_FONT;
}

static void error_handler(HPDF_STATUS e, HPDF_STATUS detail, void *ctx)
{
    (void)e, (void)detail, (void)ctx;
}

/* Every code point, three orders, ours against the library's, for the font at path. */
static void same_glyphs(const char *path, bool collection)
{
    glyph_fn theirs = (glyph_fn)dlsym(RTLD_NEXT, "HPDF_TTFontDef_GetGlyphid");
    HPDF_Doc pdf = HPDF_New(error_handler, NULL);
    const char *name;
    HPDF_FontDef def;
    long differ = 0, found = 0;

    CHECK(theirs != NULL && theirs != HPDF_TTFontDef_GetGlyphid);
    CHECK(pdf != NULL);
    if (!theirs || !pdf)
        return;
    name = collection ? HPDF_LoadTTFontFromFile2(pdf, path, 0, HPDF_TRUE)
                      : HPDF_LoadTTFontFromFile(pdf, path, HPDF_TRUE);
    CHECK(name != NULL);
    if (name && (def = HPDF_GetFontDef(pdf, name))) {
        for (int order = 0; order < 3; order++)
            for (unsigned k = 0; k < 65536; k++) {
                /* up, down, and a stride through the plane that jumps about */
                HPDF_UINT16 u = (HPDF_UINT16)(order == 0 ? k : order == 1 ? 65535 - k
                                                                          : (k * 40503u) & 0xFFFF);
                HPDF_UINT16 a = HPDF_TTFontDef_GetGlyphid(def, u), b = theirs(def, u);
                differ += a != b;
                found += order == 0 && a != 0;
            }
    }
    CHECK_INT(differ, 0);
    CHECK(found > 80); /* the font maps the characters a certificate writes */
    HPDF_Free(pdf);
}

TEST(the_glyph_lookup_is_the_library_s_for_the_whole_font)
{
    same_glyphs(font_path(), true);
}

TEST(the_glyph_lookup_is_the_library_s_for_a_certificate_s_subset)
{
    static const char text[] = "获奖证书职业技能等级证书云南省第一二三名金银铜牌优胜奖：（）·、";
    uint32_t cps[64];
    size_t n = 0;
    char err[300], path[64];
    int fd = -1;
    for (const unsigned char *q = (const unsigned char *)text; *q && n < 64;) {
        if (*q < 0x80) {
            cps[n++] = *q++;
        } else if ((*q & 0xE0) == 0xC0) {
            cps[n++] = (uint32_t)(q[0] & 0x1F) << 6 | (q[1] & 0x3Fu);
            q += 2;
        } else {
            cps[n++] = (uint32_t)(q[0] & 0x0F) << 12 | (uint32_t)(q[1] & 0x3F) << 6 | (q[2] & 0x3Fu);
            q += 3;
        }
    }
    CHECK_INT(pdf_subset_font(font_path(), cps, n, &fd, err, sizeof err), 0);
    if (fd < 0)
        return;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    same_glyphs(path, false);
    close(fd);
}

TEST(memcpy_and_memset_are_the_library_s_overlaps_included)
{
    memcpy_fn cpy = (memcpy_fn)dlsym(RTLD_NEXT, "HPDF_MemCpy");
    memset_fn set = (memset_fn)dlsym(RTLD_NEXT, "HPDF_MemSet");
    static HPDF_BYTE a[700], b[700];
    long differ = 0;
    CHECK(cpy && set && cpy != HPDF_MemCpy && set != HPDF_MemSet);
    if (!cpy || !set)
        return;
    for (HPDF_UINT n = 0; n <= 300; n += n < 20 ? 1 : 7)
        for (int shift = -40; shift <= 40; shift += 1) {
            for (int i = 0; i < 700; i++)
                a[i] = b[i] = (HPDF_BYTE)(i * 7 + 3);
            /* out = in + shift: disjoint, out before in, and out after in (the smear) */
            HPDF_BYTE *ra = HPDF_MemCpy(a + 300 + shift, a + 300, n);
            HPDF_BYTE *rb = cpy(b + 300 + shift, b + 300, n);
            differ += memcmp(a, b, sizeof a) != 0 || ra - a != rb - b;
            void *sa = HPDF_MemSet(a + 100, (HPDF_BYTE)shift, n);
            void *sb = set(b + 100, (HPDF_BYTE)shift, n);
            differ += memcmp(a, b, sizeof a) != 0 || (HPDF_BYTE *)sa - a != (HPDF_BYTE *)sb - b;
        }
    CHECK_INT(differ, 0);
}

/*
 * hpdf_speed.c — three functions of libharu 2.3.0 done faster, in place of the library's own:
 * HPDF_TTFontDef_GetGlyphid, HPDF_MemCpy and HPDF_MemSet. Each gives the library's answer;
 * the PDFs are the same bytes (checked with diff -r on 1,000 per-person files, and by
 * tests/test_hpdf_speed.c, which compares each with the library's over its inputs).
 *
 * Why: every per-person certificate file embeds a font subset of its own, and for each the
 * library builds the font's CID tables: HPDF_GetFont (CIDFontType2_New, UTF-8 encoder) asks for
 * the glyph of each of the 65,536 code points of the Basic Multilingual Plane, and the library's
 * lookup walks the cmap segments one by one (~100 for a certificate); its memcpy and memset copy
 * a byte at a time, over every buffer it fills or writes. Together these were 57% of the
 * instructions of `skillscore certificates` writing one file per person (callgrind,
 * docs/performance.md), and 1,000 files no longer fitted in 5 s on 2 cores.
 *
 * How they take the library's place: libhpdf calls these through its PLT, so the definitions in
 * the executable are the ones every call reaches (as a program's malloc is libc's). The bodies
 * follow the library's (hpdf_fontdef_tt.c and hpdf_utils.c of 2.3.0, read from its
 * disassembly), on the structures of its own installed header.
 */
#include <hpdf.h>
#include <hpdf_fontdef.h>
#include <hpdf_utils.h>

#include <stdint.h>
#include <string.h>

/* The segment the last lookup of this thread ended in: CIDFontType2_New asks in increasing
 * order, so the answer is mostly the same segment or the next. Only a hint: it is checked
 * before it is used. */
static _Thread_local HPDF_UINT last_segment;

/* Whether segment i is the first whose end is at or past unicode (end codes sorted). */
static int segment_is(const HPDF_UINT16 *end, HPDF_UINT seg_count, HPDF_UINT i,
                      HPDF_UINT16 unicode)
{
    return i < seg_count && unicode <= end[i] && (i == 0 || end[i - 1] < unicode);
}

HPDF_UINT16 HPDF_TTFontDef_GetGlyphid(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
    HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)fontdef->attr;
    const HPDF_UINT16 *end = attr->cmap.end_count;
    HPDF_UINT seg_count = attr->cmap.seg_count_x2 / 2, i = last_segment;

    /* format 0 */
    if (attr->cmap.format == 0)
        return attr->cmap.glyph_id_array[unicode & 0xFF];

    /* format 4 */
    if (attr->cmap.seg_count_x2 == 0) {
        HPDF_SetError(fontdef->error, HPDF_TTF_INVALID_CMAP, 0);
        return 0;
    }
    /* The library takes the first segment whose end is at or past unicode, walking from the
     * first. The end codes of a format 4 cmap are sorted (OpenType requires it; harfbuzz's
     * subsets and AR PL UMing have them so), so the hint or a bisection finds the same one, as
     * FreeType finds it. */
    if (!segment_is(end, seg_count, i, unicode) && !segment_is(end, seg_count, ++i, unicode)) {
        HPDF_UINT lo = 0, hi = seg_count;
        while (lo < hi) {
            HPDF_UINT mid = lo + (hi - lo) / 2;
            if (unicode <= end[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        i = lo;
    }
    last_segment = i;
    /* The last segment ends at 0xFFFF in every valid cmap, so i < seg_count. The library reads
     * start_count[i] unguarded; past the end of a broken cmap this says "no glyph" instead. */
    if (i >= seg_count || attr->cmap.start_count[i] > unicode)
        return 0;
    if (attr->cmap.id_range_offset[i] == 0)
        return (HPDF_UINT16)(unicode + attr->cmap.id_delta[i]);
    {
        HPDF_UINT idx = attr->cmap.id_range_offset[i] / 2 +
                        (unicode - attr->cmap.start_count[i]) - (seg_count - i);
        if (idx > attr->cmap.glyph_id_array_count)
            return 0;
        return (HPDF_UINT16)(attr->cmap.glyph_id_array[idx] + attr->cmap.id_delta[i]);
    }
}

/* The library copies forward a byte at a time and returns the end of what it wrote. memmove
 * gives the same bytes whenever that forward copy does what a copy means; an overlap with the
 * destination after the source (which the forward loop smears) is copied as the library does. */
HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    if (n == 0)
        return out;
    if ((uintptr_t)out > (uintptr_t)in && (uintptr_t)out < (uintptr_t)in + n) {
        for (HPDF_UINT k = 0; k < n; k++)
            out[k] = in[k];
        return out + n;
    }
    memmove(out, in, n);
    return out + n;
}

/* The library returns the end of what it set (s itself when n is 0). */
void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    if (n == 0)
        return s;
    memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}

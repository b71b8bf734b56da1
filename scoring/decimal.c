/*
 * decimal.c — scores as text, without floating point.
 *
 * A score is written with at most two decimals (rules.md §2). Parsing goes straight from the
 * digits to hundredths; formatting goes straight back. Nothing here ever holds a binary
 * fraction, so "27.5" is exactly 2750 on every machine.
 */
#include "scoring.h"

#include <stdio.h>

int sc_centi_parse(const char *text, size_t len, sc_centi *out)
{
    size_t i = 0;
    sc_centi whole = 0;
    int digits = 0, decimals = 0;
    sc_centi frac = 0;

    if (!text || len == 0)
        return SC_ESYNTAX;
    if (text[0] == '-')
        return (len > 1 && text[1] >= '0' && text[1] <= '9') ? SC_ERANGE : SC_ESYNTAX;
    for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
        whole = whole * 10 + (text[i] - '0');
        if (whole > SC_CENTI_MAX / 100)
            return SC_ERANGE;
    }
    if (digits == 0)
        return SC_ESYNTAX;
    if (i < len && text[i] == '.') {
        i++;
        for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, decimals++) {
            if (decimals >= 2)
                return SC_EPRECISION;
            frac = frac * 10 + (text[i] - '0');
        }
        if (decimals == 0)
            return SC_ESYNTAX;
    }
    if (i != len)
        return SC_ESYNTAX;
    if (decimals == 1)
        frac *= 10;
    if (whole * 100 + frac > SC_CENTI_MAX)
        return SC_ERANGE;
    *out = whole * 100 + frac;
    return SC_OK;
}

char *sc_centi_format(sc_centi v, char *buf)
{
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    snprintf(buf, 24, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
    return buf;
}

char *sc_centi_format_short(sc_centi v, char *buf)
{
    size_t len = 0;
    sc_centi_format(v, buf);
    while (buf[len])
        len++;
    if (buf[len - 1] == '0') {
        buf[--len] = '\0';
        if (buf[len - 1] == '0')
            buf[--len] = '\0';
    }
    if (buf[len - 1] == '.')
        buf[len - 1] = '\0';
    return buf;
}

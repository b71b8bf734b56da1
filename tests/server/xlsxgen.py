"""Writes .xlsx files by hand (zipfile + XML text), the way Excel and WPS lay them out, for the
import tests: no spreadsheet library, so every part the reader meets is one this file wrote.

A row is a list of cells; a cell is
  "text"                    a shared string (an inline string with inline=True)
  12 or 85.5                a number
  ("n", "5.30102199001011E+17")   a number exactly as <v> holds it
  ("date", 46124)           a date serial with a date format (yyyy/m/d)
  ("rich", ["李", "四"])     an inline rich-text string in runs, with a phonetic guide (rPh)
  None                      no cell
Rows are numbered from first_row; blank_rows adds empty formatted rows below (as Excel leaves
them), merges are "A1:L1" areas.
"""
import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def make_xlsx(rows, first_row=1, merges=(), inline=False, blank_rows=0, wps=False):
    strings, index = [], {}
    p = "x:" if wps else ""  # WPS-style: prefixed elements

    def sst(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    out = []
    for k, row in enumerate(rows):
        line = first_row + k
        cells = []
        for j, v in enumerate(row):
            ref = "%s%d" % (col_name(j), line)
            if v is None:
                continue
            if isinstance(v, tuple) and v[0] == "n":
                cells.append('<%sc r="%s"><%sv>%s</%sv></%sc>' % (p, ref, p, v[1], p, p))
            elif isinstance(v, tuple) and v[0] == "date":
                cells.append('<%sc r="%s" s="1"><%sv>%s</%sv></%sc>' % (p, ref, p, v[1], p, p))
            elif isinstance(v, tuple) and v[0] == "rich":
                runs = "".join('<%sr><%srPr><%sb/></%srPr><%st xml:space="preserve">%s</%st></%sr>'
                               % (p, p, p, p, p, escape(t), p, p) for t in v[1])
                runs += '<%srPh sb="0" eb="1"><%st>PINYIN</%st></%srPh>' % (p, p, p, p)
                cells.append('<%sc r="%s" t="inlineStr"><%sis>%s</%sis></%sc>'
                             % (p, ref, p, runs, p, p))
            elif isinstance(v, (int, float)):
                cells.append('<%sc r="%s"><%sv>%r</%sv></%sc>' % (p, ref, p, v, p, p))
            elif inline:
                cells.append('<%sc r="%s" t="inlineStr"><%sis><%st>%s</%st></%sis></%sc>'
                             % (p, ref, p, p, escape(v), p, p, p))
            else:
                cells.append('<%sc r="%s" t="s"><%sv>%d</%sv></%sc>' % (p, ref, p, sst(v), p, p))
        out.append('<%srow r="%d">%s</%srow>' % (p, line, "".join(cells), p))
    last = first_row + len(rows)
    for k in range(blank_rows):
        # What Excel keeps below a table someone once formatted: rows of styled empty cells.
        out.append('<%srow r="%d" s="2" customFormat="1"><%sc r="A%d" s="2"/></%srow>'
                   % (p, last + k, p, last + k, p))
    merge_xml = ""
    if merges:
        merge_xml = '<%smergeCells count="%d">%s</%smergeCells>' % (
            p, len(merges), "".join('<%smergeCell ref="%s"/>' % (p, m) for m in merges), p)
    ns = 'xmlns%s="%s" xmlns:r="%s"' % (":x" if wps else "", MAIN, REL)
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<%sworksheet %s><%ssheetData>%s</%ssheetData>%s</%sworksheet>'
             % (p, ns, p, "".join(out), p, merge_xml, p))
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s" count="%d" '
              'uniqueCount="%d">%s</sst>' % (MAIN, len(strings), len(strings), "".join(
                  '<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in strings)))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="%s">'
              '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/></numFmts>'
              '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/>'
              '<xf numFmtId="0"/></cellXfs></styleSheet>' % MAIN)
    # WPS-style: a hidden first sheet, absolute targets, relationships in another order.
    sheets = ('<sheet name="说明" sheetId="2" state="hidden" r:id="rId9"/>' if wps else "") + \
        '<sheet name="报名表" sheetId="1" r:id="rId1"/>'
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="%s" '
                'xmlns:r="%s"><workbookPr/><sheets>%s</sheets></workbook>' % (MAIN, REL, sheets))
    target = "/xl/worksheets/sheet1.xml" if wps else "worksheets/sheet1.xml"
    rels = [('rId1', 'worksheet', target), ('rId2', 'sharedStrings', 'sharedStrings.xml'),
            ('rId3', 'styles', 'styles.xml')]
    if wps:
        rels = [('rId3', 'styles', '/xl/styles.xml'), ('rId9', 'worksheet', 'worksheets/sheet2.xml')] + \
            rels[:2]
    wb_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s">%s'
               '</Relationships>' % (PKG, "".join(
                   '<Relationship Id="%s" Type="%s/%s" Target="%s"/>' % (i, REL, t, g)
                   for i, t, g in rels)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
                   '.org/package/2006/content-types"><Default Extension="xml" ContentType="application'
                   '/xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="%s"><Relationship '
                   'Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>'
                   % (PKG, REL))
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if wps:
            z.writestr("xl/worksheets/sheet2.xml",
                       '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                       '填表说明</t></is></c></row></sheetData></worksheet>' % MAIN)
        z.writestr("xl/sharedStrings.xml", shared)
        z.writestr("xl/styles.xml", styles)
    return buf.getvalue()


def read_xlsx(data):
    """A second reader, for the workbooks skillscore writes: {sheet name: {(row, col): value}}
    with the standard library only (numbers as float, strings as str)."""
    import xml.etree.ElementTree as ET
    z = zipfile.ZipFile(io.BytesIO(data))
    ns = {"m": MAIN}
    strings = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
            strings.append("".join(t.text or "" for t in si.iter("{%s}t" % MAIN)))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    merged, out = {}, {}
    for sh in wb.find("m:sheets", ns):
        path = "xl/" + target[sh.get("{%s}id" % REL)].lstrip("/").replace("xl/", "", 1)
        root = ET.fromstring(z.read(path))
        cells = {}
        for c in root.iter("{%s}c" % MAIN):
            ref, t = c.get("r"), c.get("t")
            v = c.find("m:v", ns)
            if v is None:
                continue
            letters = "".join(ch for ch in ref if ch.isalpha())
            col = 0
            for ch in letters:
                col = col * 26 + ord(ch) - 64
            cells[(int(ref[len(letters):]), col - 1)] = strings[int(v.text)] if t == "s" else \
                float(v.text)
        out[sh.get("name")] = cells
        merged[sh.get("name")] = [m.get("ref") for m in root.iter("{%s}mergeCell" % MAIN)]
    return out, merged

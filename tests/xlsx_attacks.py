"""Hostile XLSX uploads, built from a real workbook by swapping one of its parts (tests and bench/import_bomb.py).

Each keeps the workbook's other parts intact, so only the swapped part can be what the reader refuses.
"""

from __future__ import annotations

import io
import re
import zipfile

SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_part(book: bytes, title: str) -> str:
    """The zip member that holds the sheet named ``title``."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(title)}" sheetId="\d+" r:id="(rId\d+)"', workbook).group(1)
    target = re.search(rf'<Relationship Id="{rid}" [^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else "xl/" + path


def replace_part(book: bytes, part: str, xml: str | bytes) -> bytes:
    """The workbook with one zip member's content replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = xml.encode() if isinstance(xml, str) else xml
            target.writestr(info.filename, data, compresslevel=9)
    return out.getvalue()


def replace_sheet(book: bytes, title: str, xml: str | bytes) -> bytes:
    return replace_part(book, sheet_part(book, title), xml)


def heading_row(headings) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in headings)
    return f'<row r="1">{cells}</row>'


def huge_sheet(headings, rows: int = 1_000_000, ref: str = "A1:XFD1048576") -> str:
    """A sheet that claims ``ref`` and holds ``rows`` empty rows after its heading row (a 37 KB file)."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {SHEET_NS}>'
            f'<dimension ref="{ref}"/><sheetData>{heading_row(headings)}{"<row/>" * rows}</sheetData></worksheet>')


def wide_row_sheet(headings, cells: int = 1_000_000) -> str:
    """A sheet of the right declared size whose second row holds ``cells`` empty cells."""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {SHEET_NS}>'
            f'<dimension ref="A1:D2"/><sheetData>{heading_row(headings)}<row r="2">{"<c/>" * cells}</row>'
            '</sheetData></worksheet>')


def rows_beyond_sheet(headings, rows: int = 3000) -> str:
    """A sheet that declares one heading row but holds ``rows`` filled rows after it (8 KB, 12 s before)."""
    filled = "".join(f'<row r="{n}"><c t="inlineStr"><is><t>x</t></is></c></row>' for n in range(2, rows + 2))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {SHEET_NS}>'
            f'<dimension ref="A1:D1"/><sheetData>{heading_row(headings)}{filled}</sheetData></worksheet>')


def entity_sheet(headings, kind: str) -> str:
    """A sheet whose XML declares an undefined entity or a billion-laughs entity, or is cut off."""
    body = f'<worksheet {SHEET_NS}><sheetData>{heading_row(headings)}<row r="2"><c t="inlineStr"><is><t>&x9;</t>' \
           '</is></c></row></sheetData></worksheet>'
    if kind == "undefined entity":
        return '<?xml version="1.0" encoding="UTF-8"?>' + body.replace("&x9;", "&undefined;")
    if kind == "billion laughs":
        entities = '<!ENTITY x0 "lol">' + "".join(f'<!ENTITY x{n} "{f"&x{n - 1};" * 10}">' for n in range(1, 10))
        return f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>' + body
    if kind == "broken XML":
        return '<?xml version="1.0" encoding="UTF-8"?>' + body.replace("&x9;", "x")[:-40]
    raise ValueError(kind)

"""Reading an uploaded XLSX workbook within fixed bounds of memory and time.

An XLSX file is a zip of XML parts, and openpyxl believes what they say: a 37 KB sheet that
claims ``A1:XFD1048576`` over a million empty rows becomes a million 16,384-cell tuples. So
before openpyxl reads anything, every XML part is scanned once, as a stream, by expat:

- a part with a document type declaration (where entities, and so entity bombs, live) or
  with XML that does not parse is refused;
- the whole workbook may hold at most ``MAX_XML_ELEMENTS`` elements (the answers template
  holds about 2,500), which bounds the scan's time and what openpyxl builds from the parts;
- each sheet's declared size (its ``dimension``) and real size (the cells it holds) are noted.

``UploadedWorkbook.rows`` then refuses a sheet whose declared or real size is larger than the
block the caller's template defines, naming both, and reads only that block.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

MAX_BYTES = 512 * 1024  # the same limit as every request to the web app
MAX_UNPACKED = 16 * 1024 * 1024  # refuse zip bombs before parsing
MAX_XML_ELEMENTS = 50_000  # in the whole workbook; the answers template holds about 2,500
OTHER_SHEETS = (1_000, 50)  # the last row and column of a sheet the reader does not read
CHUNK = 64 * 1024
SCANNED_SUFFIXES = (".xml", ".rels", ".vml")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class TemplateProblem(ValueError):
    """An uploaded workbook cannot be read; the message names the cell (or part) and what is wrong."""


class _Refused(Exception):
    """Raised inside an expat handler to stop the scan at once."""


def looks_like_xlsx(data: bytes) -> bool:
    """An XLSX file is a zip archive: it starts with the zip signature."""
    return data[:4] == b"PK\x03\x04"


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column), both from 1, of a cell reference such as "XFD1048576"; None if it is not one."""
    match = _CELL_REF.fullmatch(ref.replace("$", ""))
    if not match:
        return None
    return int(match.group(2)), _column_number(match.group(1))


class _PartScan:
    """One streaming pass over an XML part: its element count; for a sheet, its sizes (refused as soon
    as they pass ``bound``); for the package's and the workbook's parts, the sheets and relationships."""

    def __init__(self, budget: int, bound: tuple[int, int] | None = None):
        self.budget = budget
        self.bound = bound
        self.elements = 0
        self.declared: tuple[int, int] | None = None  # (last row, last column) the sheet claims
        self.real = (0, 0)  # (last row, last column) of the cells it holds
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id) of a workbook part
        self.relationships: dict[str, tuple[str, str]] = {}  # id: (type, target) of a .rels part
        self._row = 0
        self._column = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.budget:
            raise _Refused("elements")
        local = tag.rsplit(" ", 1)[-1]
        if local == "row":
            given = attrs.get("r")
            self._row = int(given) if given and given.isascii() and given.isdigit() else self._row + 1
            self._column = 0
        elif local == "c":
            position = _cell_position(attrs.get("r", ""))
            row, self._column = position if position else (self._row, self._column + 1)
            self.real = (max(self.real[0], row), max(self.real[1], self._column))
            self._check()
        elif local == "dimension":
            self.declared = _cell_position(attrs.get("ref", "").split(":")[-1])
            self._check()
        elif local == "sheet":
            rid = next((v for k, v in attrs.items() if k == "r:id" or k.endswith(" id")), "")
            self.sheets.append((attrs.get("name", ""), rid))
        elif local == "Relationship":
            self.relationships[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def reach(self) -> tuple[int, int]:
        """The last row and column the sheet claims or holds."""
        declared = self.declared or (0, 0)
        return max(declared[0], self.real[0]), max(declared[1], self.real[1])

    def _check(self) -> None:
        if self.bound is not None:
            reach = self.reach()
            if reach[0] > self.bound[0] or reach[1] > self.bound[1]:
                raise _Refused("size")

    @staticmethod
    def refuse_declarations(*_args) -> None:
        raise _Refused("doctype")


def _resolve(base: str, target: str) -> str:
    """A relationship's target as a zip member name, relative to the folder of the part ``base``."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


class UploadedWorkbook:
    """An uploaded workbook, scanned and then opened read-only by openpyxl (values, not formulas).

    ``blocks`` gives, by sheet name, the last row and column the caller's template fills; any other
    sheet may reach ``OTHER_SHEETS``. ``kind`` and ``source`` word the messages ("a progress sheet",
    "the progress sheet").
    """

    def __init__(self, data: bytes, name: str, blocks: dict[str, tuple[int, int]], *,
                 kind: str = "an answers file", source: str = "the answers template"):
        from openpyxl import load_workbook

        self.name, self.source, self.blocks = name, source, blocks
        if len(data) > MAX_BYTES:
            raise TemplateProblem(f"{name} is {len(data) / 1024:.0f} KB; {kind} may be at most "
                                  f"{MAX_BYTES // 1024} KB")
        if not looks_like_xlsx(data):
            raise TemplateProblem(f"{name} is not an XLSX spreadsheet; download {source}, fill it in "
                                  "and save it as .xlsx")
        self._scans: dict[str, _PartScan] = {}
        self._elements = 0
        try:
            self._archive = zipfile.ZipFile(io.BytesIO(data))
            if sum(info.file_size for info in self._archive.infolist()) > MAX_UNPACKED:
                raise TemplateProblem(f"{name} unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB; "
                                      f"it is not {source}")
            self._sheet_parts = self._find_sheets()
            for title, part in self._sheet_parts.items():
                self._scan(part, title)
            for info in self._archive.infolist():
                if info.filename.lower().endswith(SCANNED_SUFFIXES):
                    self._scan(info.filename)
            self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except TemplateProblem:
            raise
        except Exception:  # zipfile and openpyxl raise many kinds for a damaged or foreign file
            raise self._unreadable() from None
        self.sheetnames: list[str] = list(self.book.sheetnames)

    def _unreadable(self) -> TemplateProblem:
        return TemplateProblem(f"{self.name} is not an XLSX spreadsheet that can be read; save it again as .xlsx "
                               f"from {self.source}")

    def _find_sheets(self) -> dict[str, str]:
        """Each sheet's part, by sheet name, as openpyxl finds them: package, workbook, its relationships."""
        package = self._scan("_rels/.rels").relationships.values()
        workbook = next(_resolve("", target) for kind, target in package if kind.endswith("/officeDocument"))
        sheets = self._scan(workbook).sheets
        folder, _, file = workbook.rpartition("/")
        relationships = self._scan(f"{folder}/_rels/{file}.rels".lstrip("/")).relationships
        return {title: _resolve(workbook, relationships[rid][1]) for title, rid in sheets if rid in relationships}

    def _bound(self, title: str) -> tuple[int, int]:
        return self.blocks.get(title, OTHER_SHEETS)

    def _too_large(self, title: str, reach: tuple[int, int]) -> TemplateProblem:
        last_row, last_column = self._bound(title)
        block = f"A1:{xl_rowcol_to_cell(last_row - 1, last_column - 1)}"
        if reach[0] > last_row and reach[1] > last_column:
            beyond = f"reaches {xl_rowcol_to_cell(reach[0] - 1, reach[1] - 1)}"
        elif reach[0] > last_row:
            beyond = f"reaches row {reach[0]:,}"
        else:
            beyond = f"reaches column {xl_col_to_name(reach[1] - 1)}"
        return TemplateProblem(f"{title}: the sheet {beyond}, but {self.source}'s {title} sheet is {block}; "
                               f"delete the rows and columns outside {block} and import it again; nothing was read")

    def _scan(self, part: str, title: str | None = None) -> _PartScan:
        """Stream one part through expat once; refuse entities, broken XML, too many elements and,
        for the sheet ``title``, a size larger than its block, as soon as it shows."""
        if part in self._scans:
            return self._scans[part]
        scan = _PartScan(MAX_XML_ELEMENTS - self._elements, self._bound(title) if title is not None else None)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = scan.start
        parser.StartDoctypeDeclHandler = scan.refuse_declarations
        parser.EntityDeclHandler = scan.refuse_declarations
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        try:
            with self._archive.open(part) as stream:
                unpacked = 0
                while chunk := stream.read(CHUNK):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED:  # the archive's directory may understate a part's size
                        raise TemplateProblem(f"{self.name} unpacks to more than "
                                              f"{MAX_UNPACKED // (1024 * 1024)} MB; it is not {self.source}")
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Refused as refused:
            if str(refused) == "size":
                raise self._too_large(title, scan.reach()) from None
            if str(refused) == "elements":
                raise TemplateProblem(f"{self.name} holds more than {MAX_XML_ELEMENTS:,} XML elements, far more "
                                      f"than {self.source}; nothing was read") from None
            raise TemplateProblem(f"{self.name} declares XML entities ({part}), which a spreadsheet never "
                                  "needs; nothing was read") from None
        except expat.ExpatError as err:
            raise TemplateProblem(f"{self.name}: its part {part} is not well-formed XML "
                                  f"({expat.ErrorString(err.code)}, line {err.lineno}); save the file again "
                                  f"as .xlsx from {self.source}") from None
        self._elements += scan.elements
        self._scans[part] = scan
        return scan

    def rows(self, sheet: str, last_row: int, last_column: int) -> list[tuple]:
        """The values of ``sheet`` in A1 to (``last_row``, ``last_column``), both counted from 1, as
        tuples of ``last_column`` values. A sheet that claims or holds cells outside that block is
        refused, naming where it reaches and where the template's sheet ends."""
        self.blocks = {**self.blocks, sheet: (last_row, last_column)}
        reach = self._scan(self._sheet_parts.get(sheet) or self.book[sheet]._worksheet_path.lstrip("/"), sheet).reach()
        if reach[0] > last_row or reach[1] > last_column:
            raise self._too_large(sheet, reach)
        try:
            return [tuple(row) for row in self.book[sheet].iter_rows(min_row=1, max_row=last_row, min_col=1,
                                                                     max_col=last_column, values_only=True)]
        except Exception:  # a value openpyxl cannot convert (a bad date, number or string index)
            raise self._unreadable() from None

    def close(self) -> None:
        self.book.close()
        self._archive.close()

"""The report as a PowerPoint deck for consultants (python-pptx), with native, editable charts:
radar, model fit, roadmap timeline, and for a workshop the room's answers, for an
organisation its trend. ``template`` points to a consultancy's own .pptx master.

Every text a person could have typed passes the formula guard (charts embed a workbook).
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any, Mapping, Sequence

from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.enum.chart import XL_LABEL_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ..engine.summary import day
from ..engine.whatif import NO_CHANGE
from .guard import guard_formula
from .levels import format_score, target_words
from .model import CLOSE_CALL, evidence_given, share_words
from .matrix import matrix_label

NAVY = RGBColor(0x15, 0x32, 0x5C)
BLUE = RGBColor(0x1F, 0x4E, 0x8C)
ORANGE = RGBColor(0xD9, 0x77, 0x06)
GREY = RGBColor(0x6C, 0x75, 0x7D)
LEVEL_COLOURS = [RGBColor(0xC0, 0x39, 0x2B), RGBColor(0xE6, 0x7E, 0x22), RGBColor(0xF1, 0xC4, 0x0F),
                 RGBColor(0x7F, 0xB7, 0x7E), RGBColor(0x2E, 0x8B, 0x57)]
TIMELINE_ITEMS = 16


class BadTemplate(Exception):
    """The --template file is not a PowerPoint file python-pptx can open."""


def _text(value: Any) -> str:
    return guard_formula("" if value is None else str(value))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Deck:
    """A presentation with the few slide shapes the report needs, on any master."""

    def __init__(self, template: str | Path | None = None):
        self.own_layout = template is None
        if template is None:
            self.prs = Presentation()
            self.prs.slide_width, self.prs.slide_height = Inches(13.333), Inches(7.5)
        else:
            try:
                self.prs = Presentation(str(template))
            except Exception as err:  # python-pptx raises several kinds for a file it cannot read
                raise BadTemplate(f"{template} is not a PowerPoint (.pptx) file: {err}") from None
            self._drop_slides()
        self.width, self.height = self.prs.slide_width, self.prs.slide_height
        self.margin = int(self.width * 0.05)

    def _drop_slides(self) -> None:
        """Keep the template's masters and layouts, not its example slides."""
        ids = self.prs.slides._sldIdLst
        for slide_id in list(ids):
            self.prs.part.drop_rel(slide_id.rId)
            ids.remove(slide_id)

    def _layout(self, names: Sequence[str], fallback: int):
        for layout in self.prs.slide_layouts:
            if layout.name in names:
                return layout
        layouts = self.prs.slide_layouts
        return layouts[min(fallback, len(layouts) - 1)]

    def title_slide(self, title: str, subtitle: str):
        slide = self.prs.slides.add_slide(self._layout(("Title Slide",), 0))
        if slide.shapes.title is not None:
            slide.shapes.title.text = _text(title)
            self._place(slide.shapes.title, Inches(2.2), Inches(1.6), 36)
        subtitle_shape = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
        if subtitle_shape is not None:
            subtitle_shape.text = _text(subtitle)
            self._place(subtitle_shape, Inches(4.0), Inches(1.2), 20)
        else:
            self.text_box(slide, [subtitle], top=int(self.height * 0.6), height=int(self.height * 0.2))
        return slide

    def slide(self, title: str):
        """A slide with a title and an empty body area (placeholders other than the title removed)."""
        slide = self.prs.slides.add_slide(self._layout(("Title Only",), 5))
        if slide.shapes.title is not None:
            slide.shapes.title.text = _text(title)
            self._place(slide.shapes.title, Inches(0.35), Inches(1.0), 30)
        else:
            self.text_box(slide, [title], top=self.margin // 2, height=Inches(0.9), size=28)
        for ph in list(slide.placeholders):
            if ph.placeholder_format.idx != 0:
                ph._element.getparent().remove(ph._element)
        return slide

    def _place(self, shape, top: int, height: int, size: int) -> None:
        """On the default master, lay titles out for the wide slide; a template's master decides its own."""
        if not self.own_layout:
            return
        shape.left, shape.top, shape.width, shape.height = self.margin, top, self.width - 2 * self.margin, height
        for paragraph in shape.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
            for run in paragraph.runs:
                run.font.size = Pt(size)
                run.font.color.rgb = NAVY if size >= 30 else GREY

    @property
    def body_top(self) -> int:
        return int(self.height * 0.2)

    @property
    def body_height(self) -> int:
        return int(self.height * 0.74)

    def text_box(self, slide, paragraphs: Sequence[str], *, left: int | None = None, top: int | None = None,
                 width: int | None = None, height: int | None = None, size: int = 16, bold_first: bool = False):
        left = self.margin if left is None else left
        top = self.body_top if top is None else top
        width = (self.width - 2 * self.margin) if width is None else width
        height = self.body_height if height is None else height
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for index, text in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = _text(text)
            paragraph.space_after = Pt(8)
            for run in paragraph.runs:
                run.font.size = Pt(size)
                if bold_first and index == 0:
                    run.font.bold = True
                    run.font.color.rgb = NAVY
        return box

    def table(self, slide, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], *,
              left: int | None = None, top: int | None = None, width: int | None = None, size: int = 12):
        left = self.margin if left is None else left
        top = self.body_top if top is None else top
        width = (self.width - 2 * self.margin) if width is None else width
        row_height = Pt(size * 2.2)
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), left, top, width, row_height * (len(rows) + 1))
        table = shape.table
        total = sum(widths)
        for col, share in enumerate(widths):
            table.columns[col].width = Emu(int(width * share / total))
        for r, values in enumerate([headers, *rows]):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = _text(value)
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(size)
                        run.font.bold = r == 0
        return table

    def chart(self, slide, kind, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Any]]], *,
              left: int, top: int, width: int, height: int, number_format: str = "0.0"):
        data = CategoryChartData(number_format=number_format)
        data.categories = [_text(c) for c in categories]
        for name, values in series:
            data.add_series(_text(name), list(values))
        return slide.shapes.add_chart(kind, left, top, width, height, data).chart

    def save(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def render_pptx(report: Mapping[str, Any], template: str | Path | None = None) -> bytes:
    """The report as a deck of 8 to 12 slides, as PPTX bytes."""
    deck = Deck(template)
    if report["kind"] == "rollup":
        return _rollup_deck(deck, report)
    body_w = deck.width - 2 * deck.margin
    half = body_w // 2
    subject = report["subject"]
    rec = report["recommendation"]

    facts = [subject.get("organisation") or "" if report["kind"] == "workshop" else "",
             f"Assessed {day(subject['assessed_on'])}" if subject.get("assessed_on") else "",
             f"period {subject['period']}" if subject.get("period") else "",
             f"prepared {day(subject['prepared_on'])}"]
    deck.title_slide(report["title"], " · ".join(f for f in facts if f))

    # The summary opens the deck, in the words and numbers every format prints.
    summary = report["summary"]
    slide = deck.slide("Summary")
    design = summary.get("design")
    paragraphs = [f"Overall {report['overall_words']}" + (f": {format_score(report['overall']['score'])} of 5"
                                                          if report["overall"].get("score") is not None else ""),
                  " ".join(summary["situation"][1:] if report["overall"].get("score") is not None
                           else summary["situation"])]
    if design:
        paragraphs.append(f"The PMO that fits: {design['title']}. {_short(design['text'], 260)}")
    paragraphs.append(f"The plan in one line: {summary['plan']['text']}")
    deck.text_box(slide, paragraphs, size=16, bold_first=True)

    slide = deck.slide("Pitfalls that matter most, and the first 90 days")
    if summary["pitfalls"]:
        deck.table(slide, ["Severity", "Pitfall"], [(p["severity"], p["title"]) for p in summary["pitfalls"]],
                   [1, 5], top=deck.body_top, size=14)
    else:
        deck.text_box(slide, ["No pitfalls were flagged by these answers."], height=Inches(0.6), size=14)
    first = report["first_days"]
    # What cannot wait lands after the 90 days: its row says so, so the table's ends stay true.
    rows = [(i["title"], i["owner"], day(i["start"].isoformat()), day(i["end"].isoformat())) for i in first] + [
        (f"{i['title']} (started now, lands after the 90 days)", i["owner"], day(i["start_date"]), day(i["end_date"]))
        for i in summary.get("landing_later") or ()]
    if rows:
        deck.table(slide, ["The first 90 days", "Owner", "Start", "End"], rows,
                   [6, 2.5, 1.5, 1.5], top=deck.body_top + int(deck.body_height * 0.45), size=12)
    else:
        deck.text_box(slide, ["No change is planned to end within the first 90 days."],
                      top=deck.body_top + int(deck.body_height * 0.45), height=Inches(0.6), size=14)

    slide = deck.slide("Maturity overview")
    overall = report["overall"]
    # An area with no score (left out for too few answers) is a gap on the line and says so, never a 0.
    radar = deck.chart(slide, XL_CHART_TYPE.RADAR_MARKERS,
                       [label if score is not None else f"{label} (not scored)"
                        for label, score in zip(report["radar"]["labels"], report["radar"]["score"])],
                       [("Score", list(report["radar"]["score"])),
                        ("Target", [t if t is not None else 0 for t in report["radar"]["target"]])],
                       left=deck.margin, top=deck.body_top, width=half, height=deck.body_height)
    radar.has_legend = True
    radar.legend.position = XL_LEGEND_POSITION.BOTTOM
    radar.legend.include_in_layout = False
    radar.value_axis.minimum_scale, radar.value_axis.maximum_scale, radar.value_axis.major_unit = 0, 5, 1
    radar.plots[0].series[0].format.line.color.rgb = BLUE
    radar.plots[0].series[1].format.line.color.rgb = ORANGE
    score = "–" if overall.get("score") is None else f"{format_score(overall['score'])} / 5"  # as the web and PDF
    deck.text_box(slide, [f"Overall {score}: {report['overall_words']}", overall.get("description", "")],
                  left=deck.margin + half, width=half, height=Inches(1.7), size=17, bold_first=True)
    # The share of each area's answers shown by evidence, where the result kept evidence.
    evidenced = evidence_given(report.get("evidence"))
    # An area kept where it stands for a reason its level does not give says why under the table, as the
    # web and the PDF say it beside the area ('keep*' and '* Tools keeps its level: held by a pitfall, …').
    held = [a for a in report["areas"] if a.get("target_why") and target_words(a["score"], a["target"], short=True)
            == "keep"]
    size = 14 if not evidenced else 13
    deck.table(slide, ["Capability area", "Score", "Level", "Target", *(["By evidence"] if evidenced else [])],
               [(a["title"], format_score(a["score"]), a["level_text"],
                 (target_words(a["score"], a["target"], short=True) or "–") + ("*" if a in held else ""),
                 *([share_words(a.get("evidence"))] if evidenced else [])) for a in report["areas"]],
               [2.8, 1.1, 2.7, 1.4] if not evidenced else [2.5, 1.3, 2.1, 1.4, 2.0], left=deck.margin + half,
               top=deck.body_top + Inches(1.9), width=half, size=size)
    if held:
        below = deck.body_top + Inches(1.9) + Pt(size * 2.2) * (len(report["areas"]) + 1) + Inches(0.15)
        deck.text_box(slide, [f"* {a['title']} keeps its level: {a['target_why']}." for a in held],
                      left=deck.margin + half, top=below, width=half, height=Inches(0.9), size=12)

    if report.get("matrix"):
        _matrix_slide(deck, report, body_w)

    slide = deck.slide(f"Recommended design: {rec.get('title') or 'none'}")
    paragraphs = list(rec.get("sentences") or ["No model could be recommended from these answers."])
    if rec.get("oversight"):
        paragraphs.append(f"{rec['oversight']['title']}: {rec['oversight']['text']}")
    if rec.get("close_call"):
        paragraphs.append(CLOSE_CALL)
    changes = rec.get("what_would_change") or [NO_CHANGE]
    if any(changes):
        paragraphs.append("What would change it: " + " ".join(changes[:2]))
    deck.text_box(slide, paragraphs, width=int(body_w * 0.5), size=15)
    if rec.get("compare"):
        # Each bar named as the web and the PDF name the model: the recommended one by the design, a model
        # the design borrows from or one ruled out saying so.
        rows = list(reversed(rec["compare"]))
        fits = deck.chart(slide, XL_CHART_TYPE.BAR_CLUSTERED,
                          # Broken into lines here: a viewer that does not wrap a long name hides its neighbours'.
                          ["\n".join(textwrap.wrap(m["title"] + ("" if m["chosen"] or m["eligible"]
                                                                  else f" ({m['fit_text']})"), 40))
                           for m in rows],
                          # A model ruled out has no fit to show, as on the web ('ruled out' in its place).
                          [("Fit (0–100)", [m["fit"] if m["eligible"] else None for m in rows])],
                          left=deck.margin + int(body_w * 0.52), top=deck.body_top, width=int(body_w * 0.48),
                          height=int(deck.body_height * 0.85), number_format="0")
        fits.has_legend = False
        fits.value_axis.minimum_scale, fits.value_axis.maximum_scale = 0, 100
        fits.value_axis.major_unit = 25
        fits.value_axis.tick_labels.font.size = fits.category_axis.tick_labels.font.size = Pt(12)
        # Every bar keeps its name: a viewer may skip every other label when a long design's name wraps.
        axis = fits.category_axis._element
        axis.insert_element_before(axis.makeelement(qn("c:tickLblSkip"), {"val": "1"}),
                                   "c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")
        fits.plots[0].has_data_labels = True
        fits.plots[0].data_labels.font.size = Pt(13)

    slide = deck.slide("Pitfalls to watch")
    pitfalls = report["pitfalls"][:6]
    if pitfalls:
        deck.table(slide, ["Severity", "Pitfall", "What to do"],
                   [(p["severity"], p["title"], _short(p["mitigation"], 170)) for p in pitfalls], [1, 3, 6], size=13)
    else:
        deck.text_box(slide, ["No pitfalls were flagged by these answers."])

    slide = deck.slide("Roadmap timeline")
    items = report["roadmap"]["dated_items"][:TIMELINE_ITEMS]
    start = report["roadmap"]["start"]
    if items:
        gantt = deck.chart(slide, XL_CHART_TYPE.BAR_STACKED, [_short(i["title"], 60) for i in reversed(items)],
                           [("Starts (weeks from start)", [round((i["start"] - start).days / 7, 1) for i in reversed(items)]),
                            ("Duration (weeks)", [round((i["end"] - i["start"]).days / 7, 1) for i in reversed(items)])],
                           left=deck.margin, top=deck.body_top, width=body_w, height=deck.body_height,
                           number_format="0")
        offset = gantt.plots[0].series[0]
        offset.format.fill.background()  # the offset bar is invisible: a Gantt chart
        offset.format.line.fill.background()
        gantt.plots[0].series[1].format.fill.solid()
        gantt.plots[0].series[1].format.fill.fore_color.rgb = BLUE
        gantt.has_legend = False
        gantt.category_axis.tick_labels.font.size = Pt(10)
        gantt.value_axis.has_major_gridlines = True
        shown = (f"The first {TIMELINE_ITEMS} shown; the workbook has them all. "
                 if len(report["roadmap"]["dated_items"]) > TIMELINE_ITEMS else "")
        deck.text_box(slide, [shown + _short(summary["plan"]["text"], 200)], top=deck.height - Inches(0.6),
                      height=Inches(0.4), size=11)
    else:
        deck.text_box(slide, [report["roadmap"].get("message") or "Nothing to plan: the target is reached."])

    slide = deck.slide("Capability areas: where to improve")
    deck.table(slide, ["Capability area", "Score", "Weakest practice", "Next level"],
               [(a["title"], format_score(a["score"]),
                 _short(a["weakest"][0]["text"], 90) if a["weakest"] else "–",
                 f"{a['next_level']['level']}: {a['next_level']['name']}" if a["next_level"] else "–")
                for a in report["areas"]], [2, 1, 6, 2.2], size=15)

    if report.get("workshop"):
        _workshop_slide(deck, report["workshop"], body_w)
    if report.get("history") and len(report["history"]["trend"]) > 1:
        _trend_slide(deck, report["history"], body_w)
    if report.get("rollup"):
        _rollup_slides(deck, report["rollup"])
    if report.get("benchmark"):
        _benchmark_slide(deck, report["benchmark"])

    slide = deck.slide("Appendix: who was assessed")
    deck.table(slide, ["Profile question", "Answer"], [(p["label"], p["value"]) for p in report["profile"]],
               [3, 2], size=15)
    return deck.save()


def _matrix_slide(deck: Deck, report: Mapping[str, Any], body_w: int) -> None:
    """Importance against maturity as a native XY scatter: one series per area, named by its label, each
    in its own lane of its importance band (report["matrix"]), so no two labels share a line."""
    slide = deck.slide("Where to improve first")
    data = XyChartData()
    for point in report["matrix"]:
        series = data.add_series(_text(matrix_label(point)), number_format="0.00")
        series.add_data_point(point["score"], point["y"])
    width = int(body_w * 0.6)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, deck.margin, deck.body_top, width, deck.body_height,
                                   data).chart
    chart.has_legend = False
    x_axis, y_axis = chart.category_axis, chart.value_axis
    x_axis.minimum_scale, x_axis.maximum_scale, x_axis.major_unit = 1, 5, 1
    x_axis.has_title = True
    x_axis.axis_title.text_frame.text = "Maturity score (1–5)"
    # Importance: low 1, normal 2, high 3; the gridlines at the half steps divide the bands.
    y_axis.minimum_scale, y_axis.maximum_scale, y_axis.major_unit = 0.5, 3.5, 1
    y_axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    y_axis.has_title = True
    y_axis.axis_title.text_frame.text = "Importance (low → high)"
    for series, point in zip(chart.plots[0].series, report["matrix"]):
        series.marker.style, series.marker.size = XL_MARKER_STYLE.CIRCLE, 9
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = BLUE
        series.format.line.fill.background()
        label = series.points[0].data_label  # python-pptx gives a scatter's labels point by point
        label.position = XL_LABEL_POSITION.RIGHT if point["score"] < 4 else XL_LABEL_POSITION.LEFT
        label.text_frame.text = _text(matrix_label(point))
        label.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    ranked = sorted(report["matrix"], key=lambda p: -(p["priority"] or 0))
    rows = [(p["title"], p["importance"].capitalize(), format_score(p["score"]),
             "–" if p["priority"] is None else f"{p['priority']:.1f}") for p in ranked]
    deck.table(slide, ["Area", "Importance", "Score", "Priority"], rows, [2.6, 2.2, 1.4, 1.6],
               left=deck.margin + width + Inches(0.2), top=deck.body_top, width=body_w - width - Inches(0.2), size=12)
    deck.text_box(slide, [report.get("matrix_caption", "")], left=deck.margin + width + Inches(0.2),
                  top=deck.body_top + int(deck.body_height * 0.6), width=body_w - width - Inches(0.2),
                  height=int(deck.body_height * 0.35), size=12)


def _rollup_deck(deck: Deck, report: Mapping[str, Any]) -> bytes:
    """An organisation assessed unit by unit: the roll-up's slides, never one unit's result."""
    subject = report["subject"]
    deck.title_slide(report["title"], f"The whole organisation, from the latest results of its {subject['units']} "
                                      f"units · period {subject['period']} · prepared {day(subject['prepared_on'])}")
    _rollup_slides(deck, report["rollup"])
    if report.get("benchmark"):
        _benchmark_slide(deck, report["benchmark"])
    return deck.save()


def _rollup_slides(deck: Deck, rollup: Mapping[str, Any]) -> None:
    """The units side by side with the organisation's mean and minimum, pitfalls across units, progress."""
    units = rollup["units"]
    slide = deck.slide("The units side by side")
    headers = ["Capability area", *[u["name"] for u in units], "Mean", "Minimum"]
    rows = [(title, *[format_score(u["scores"].get(d)) for u in units], format_score(rollup["mean"][d]),
             format_score(rollup["minimum"][d])) for d, title in rollup["areas"].items()]
    rows.append(("Overall", *[format_score(u["overall"]) for u in units], format_score(rollup["mean"]["overall"]),
                 format_score(rollup["minimum"]["overall"])))
    # Each unit's recommendation named as the page and the PDF name it: its design (a long name wraps).
    rows.append(("Recommended design", *[u.get("design") or u["model"] or "–" for u in units], "", ""))
    table_h = Pt(14 * 2.2) * (len(rows) + 1) + Pt(14 * 1.2) * 4
    deck.table(slide, headers, rows, [2.4, *[1.2] * len(units), 1.1, 1.1], size=14)
    if rollup["federated"]["text"]:
        deck.text_box(slide, [rollup["federated"]["text"]], top=deck.body_top + table_h + Inches(0.2),
                      height=Inches(1.2), size=16)
    slide = deck.slide("Pitfalls across the units")
    if rollup["pitfalls"]:
        deck.table(slide, ["Pitfall", "Severity", "Units affected"],
                   [(p["title"], p["severity"], f"{p['count']} of {len(units)}: {', '.join(p['units'])}")
                    for p in rollup["pitfalls"][:8]], [5, 1.4, 4], size=14)
    else:
        deck.text_box(slide, ["No unit's latest result flags a pitfall."])
    if rollup["progress"]:
        slide = deck.slide("Roadmap progress per unit")
        deck.table(slide, ["Unit", "Roadmap of", "Done", "Started", "Planned", "Dropped", "Overdue"],
                   [(p["unit"], p["period"], p["done"], p["started"], p["planned"], p["dropped"], p["overdue"])
                    for p in rollup["progress"]], [3, 1.6, 1, 1, 1, 1, 1], size=15)


def _benchmark_slide(deck: Deck, found: Mapping[str, Any]) -> None:
    slide = deck.slide("Where it stands among its peers")
    if not found["shown"]:
        deck.text_box(slide, [found["text"]])
        return
    deck.text_box(slide, [found["text"]], height=Inches(1.1))
    deck.table(slide, ["Capability area", "Quarter (1-4)", "Standing"],
               [(r["area"], "–" if r["quarter"] is None else str(r["quarter"]), r["standing"])
                for r in found["rows"]], [4, 1.6, 2.4], top=deck.body_top + Inches(1.2), size=15)


def _workshop_slide(deck: Deck, room: Mapping[str, Any], body_w: int) -> None:
    slide = deck.slide("Where the room disagreed, and what it agreed")
    rows = room["disputed"][:8]
    if not rows:
        deck.text_box(slide, ["Too few answers to show disagreement."])
        return
    chart = deck.chart(slide, XL_CHART_TYPE.BAR_STACKED, [_short(r["text"], 70) for r in reversed(rows)],
                       [(f"Level {k}", [r["counts"][k] for r in reversed(rows)]) for k in ("1", "2", "3", "4", "5")],
                       left=deck.margin, top=deck.body_top, width=int(body_w * 0.68), height=deck.body_height,
                       number_format="0")
    for series, colour in zip(chart.plots[0].series, LEVEL_COLOURS):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = colour
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.category_axis.tick_labels.font.size = Pt(9)
    deck.table(slide, ["Median", "Agreed"],
               [(r["median"], f"level {r['agreed']}" if r["agreed"] else "–") for r in rows], [1, 1],
               left=deck.margin + int(body_w * 0.7), width=int(body_w * 0.3), size=11)


def _trend_slide(deck: Deck, history: Mapping[str, Any], body_w: int) -> None:
    slide = deck.slide("Trend since the first assessment")
    points = history["trend"]
    series = [(title, [p["scores"].get(dim) for p in points]) for dim, title in history["areas"].items()]
    series.append(("Overall", [p["overall"] for p in points]))
    chart = deck.chart(slide, XL_CHART_TYPE.LINE_MARKERS, [p["period"] or p["assessed_on"] for p in points], series,
                       left=deck.margin, top=deck.body_top, width=body_w, height=deck.body_height, number_format="0.00")
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.RIGHT
    chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 1, 5

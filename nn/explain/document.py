"""Pages for people (feedback, a class summary) as blocks, rendered to Markdown and HTML.

Every string in a block is text: rendering escapes it for where it goes (HTML entities;
in Markdown a backslash before each character that could start markup, so ``<script>``,
``[a](javascript:…)``, a bare ``http://`` link or a ``|`` in a file name a student chose
stays the characters it is), and control characters are shown escaped
(:func:`nn.explain.grade_report.safe_text`).  The only markup that
reaches a page is the markup written here (tables, the bar chart's SVG).

Blocks::

    ("h", level, text)                 a heading (level 1 to 3)
    ("p", text)                        a paragraph
    ("list", [text, ...])              a bulleted list
    ("table", [header, ...], rows)     a table; a cell is text or a number
    ("matrix", name, rows, col, row)   the worksheet's matrices (nn.explain.worksheet)
    ("bars", title, [(label, value, shown), ...])   a horizontal bar chart: value ≥ 0
                                       sets the bar's length, shown is the text beside it
"""

import html
import re

from .grade_report import safe_text
from .render import format_number

__all__ = ["to_markdown", "to_html", "md_text", "html_text"]

# Characters that can open markup anywhere in a line (CommonMark and GitHub's extensions:
# emphasis, code, links, images, raw HTML, entities, tables, strikethrough), the start of
# a bare link, and those that open a block at the start of a line.
# A "[" or "]" opens a link only as "](" or "][" (no reference is defined on our pages but
# one a line starts with), so the notation's W^[1] stays as written.
_MD_ANYWHERE = re.compile(r"([\\`*_{}<>#|!~&]|\](?=[(\[])|(?<=:)//|(?<=www)\.)")
_MD_LINE_START = re.compile(r"^(\s*)([-+=\[]|\d+[.)])")


def md_text(text, line_start=True):
    """``text`` for Markdown, to be read as the same characters: a backslash before each
    character that could open markup (valid CommonMark escapes; at the start of a line
    also list and heading markers, unless ``line_start`` is False, as in a table cell),
    control characters shown escaped, newlines as spaces."""
    text = safe_text(text).replace("\\x0a", " ")
    text = _MD_ANYWHERE.sub(lambda m: "".join("\\" + ch for ch in m.group(1)), text)
    if not line_start:
        return text
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1],
                              text)


def html_text(text):
    """``text`` for HTML: entities for ``<>&"'``, control characters shown escaped."""
    return html.escape(safe_text(text), quote=True)


def _cell(x):
    return format_number(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x


def _matrix_table(block):
    """A ("matrix", name, rows, col, row) block as a table with its index labels."""
    _, name, matrix, col, row = block
    header = [name] + [f"{col}={k}" for k in range(1, len(matrix[0]) + 1)]
    return ("table", header, [[f"{row}={j}"] + list(values)
                              for j, values in enumerate(matrix, 1)])


def _md_block(block):
    kind = block[0]
    if kind == "h":
        return "#" * block[1] + " " + md_text(block[2])
    if kind == "p":
        return md_text(block[1])
    if kind == "list":
        return "\n".join(f"- {md_text(item)}" for item in block[1])
    if kind == "table":
        header, rows = block[1], block[2]
        lines = ["| " + " | ".join(md_text(h, False) for h in header) + " |",
                 "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(md_text(_cell(c), False) for c in row) + " |"
                  for row in rows]
        return "\n".join(lines)
    if kind == "matrix":
        return _md_block(_matrix_table(block))
    if kind == "bars":
        _, title, bars = block
        top = max([value for _, value, _ in bars] + [0]) or 1
        rows = [[label, shown, "█" * round(20 * value / top)] for label, value, shown in bars]
        return md_text(title) + "\n\n" + _md_block(("table", ["", "", ""], rows))
    raise ValueError(f"unknown block kind {kind!r}")


def to_markdown(blocks):
    """The blocks as a Markdown document."""
    return "\n\n".join(_md_block(b) for b in blocks) + "\n"


_BAR_HEIGHT = 22
_LABEL_WIDTH = 260
_BAR_WIDTH = 320


def _svg_bars(title, bars):
    """A horizontal bar chart as inline SVG (no script, no external resource)."""
    top = max([value for _, value, _ in bars] + [0]) or 1
    height = _BAR_HEIGHT * len(bars) + 8
    width = _LABEL_WIDTH + _BAR_WIDTH + 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">',
             f"<title>{html_text(title)}</title>"]
    for n, (label, value, shown) in enumerate(bars):
        y = 4 + n * _BAR_HEIGHT
        length = round(_BAR_WIDTH * value / top, 1)
        parts += [f'<text x="{_LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
                  f"{html_text(label)}</text>",
                  f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{length}" '
                  f'height="{_BAR_HEIGHT - 6}" fill="#4477aa" data-value="{value:g}"/>',
                  f'<text x="{_LABEL_WIDTH + length + 6}" y="{y + 15}">'
                  f"{html_text(shown)}</text>"]
    return "".join(parts) + "</svg>"


def _html_block(block):
    kind = block[0]
    if kind == "h":
        return f"<h{block[1]}>{html_text(block[2])}</h{block[1]}>"
    if kind == "p":
        return f"<p>{html_text(block[1])}</p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{html_text(i)}</li>" for i in block[1]) + "</ul>"
    if kind == "table":
        header, rows = block[1], block[2]
        head = "<tr>" + "".join(f"<th>{html_text(h)}</th>" for h in header) + "</tr>"
        body = "".join("<tr>" + "".join(f"<td>{html_text(_cell(c))}</td>" for c in row)
                       + "</tr>" for row in rows)
        return f"<table>{head}{body}</table>"
    if kind == "matrix":
        return _html_block(_matrix_table(block))
    if kind == "bars":
        _, title, bars = block
        return (f'<figure class="bars"><figcaption>{html_text(title)}</figcaption>'
                f"{_svg_bars(title, bars)}</figure>")
    raise ValueError(f"unknown block kind {kind!r}")


_CSS = ("body{font-family:sans-serif;max-width:56em;margin:2em auto;line-height:1.5}"
        "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #999;"
        "padding:.2em .6em;text-align:left}th{background:#eee}"
        "figure.bars{margin:1em 0}svg text{font:13px sans-serif}")


def to_html(blocks, title):
    """The blocks as a standalone HTML page (no script, nothing fetched)."""
    body = "\n".join(_html_block(b) for b in blocks)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\">"
            f"<title>{html_text(title)}</title><style>{_CSS}</style></head>\n<body>\n"
            f"{body}\n</body></html>\n")

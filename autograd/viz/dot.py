"""Writing DOT text: quoting, attribute lists, the legend table, and numbers for labels."""

import math


def quote(text):
    """``text`` as a DOT double-quoted string.

    DOT itself only unescapes ``\\"``; backslashes are left for the label's own
    escapes (``\\n``, ``\\{``), so label text goes through :func:`plain_text`
    or :func:`record_field` first."""
    return '"' + str(text).replace('"', '\\"') + '"'


def plain_text(text):
    """``text`` made literal inside an ordinary label, where ``\\`` starts an escape."""
    return str(text).replace("\\", "\\\\")


def record_field(text):
    """``text`` made literal inside a record label, where ``{ } | < >`` are syntax."""
    out = str(text).replace("\\", "\\\\")
    for ch in "{}|<>":
        out = out.replace(ch, "\\" + ch)
    return out


def html_text(text):
    """``text`` made literal inside a Graphviz HTML-like label."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


class HtmlLabel(str):
    """An HTML-like label this module built, written unquoted as ``<...>``.

    Only an ``HtmlLabel`` is ever written as HTML: any other string, a user's
    title or label shaped ``<...>`` included, is quoted and stays text."""


def attributes(attrs):
    """A DOT attribute list ``[a="x", b="y"]`` from a dict, in insertion order.

    An :class:`HtmlLabel` value is written as ``<...>``, as DOT requires; every
    other value is quoted."""
    parts = []
    for name, value in attrs.items():
        if isinstance(value, HtmlLabel):
            parts.append(f"{name}=<{value}>")
        else:
            parts.append(f"{name}={quote(value)}")
    return "[" + ", ".join(parts) + "]"


def legend_node(entries, title="legend"):
    """A DOT statement for a node named ``legend``: a table of swatches and meanings.

    ``entries`` are ``(swatch, meaning)`` pairs; a swatch is a dict of HTML
    ``<td>`` attributes, e.g. ``{"bgcolor": "#cfe8ff"}`` for a fill colour or
    ``{"color": "#d4a017", "border": "3"}`` for a border style.  The table is
    drawn in a smaller font than the graph, so it never outweighs it."""
    rows = [f'<tr><td colspan="2"><b>{html_text(title)}</b></td></tr>']
    for swatch, meaning in entries:
        cell = " ".join(f'{k}="{html_text(v)}"' for k, v in swatch.items())
        rows.append(f'<tr><td {cell} width="14" height="10"></td>'
                    f'<td align="left">{html_text(meaning)}</td></tr>')
    table = HtmlLabel('<table border="0" cellborder="1" cellspacing="0" cellpadding="2">'
                      + "".join(rows) + "</table>")
    return "legend " + attributes({"shape": "plaintext", "fontsize": "9", "label": table})


def format_number(x, fmt="{:.4f}"):
    """``x`` formatted with ``fmt``, but never a nonzero number shown as zero.

    Where ``fmt`` would print only zeros for a nonzero x (2.4e-20 with
    ``{:.4f}`` is ``0.0000``), the number is shown as ``2.411e-20`` instead:
    the difference between "tiny" and "zero" is what a learner is looking for."""
    text = fmt.format(x)
    if x != 0 and math.isfinite(x) and not any(c in "123456789" for c in text):
        return f"{x:.3e}"
    return text

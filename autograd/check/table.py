"""Fixed-width text tables, the form every check's failure message takes."""

__tracebackhide__ = True  # pytest hides this module's frames in failure reports


def format_table(headers, rows):
    """Rows of strings as a fixed-width text table (first column left-aligned)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in rows])

"""Worksheets as PDF where the machine has LaTeX: find a TeX engine, compile one .tex.

``backprop exercise --pdf`` compiles each student's ``worksheet.tex`` beside it with the
first engine of :data:`LATEX_ENGINES` on the PATH (pdfLaTeX,
LuaLaTeX, XeLaTeX, Tectonic), with shell escape off, stopping at the first error, and
leaves only the PDF (no .aux or .log).  Without an engine the .tex files say how to
compile them.
"""

import os
import shutil
import subprocess

__all__ = ["find_engine", "compile_pdf", "PdfError", "LATEX_ENGINES"]

LATEX_ENGINES = ("pdflatex", "lualatex", "xelatex", "tectonic")
"""TeX engines that compile a worksheet, in the order they are looked for."""

_TIMEOUT = 120
_LEFTOVERS = (".aux", ".log", ".out")


class PdfError(RuntimeError):
    """A worksheet that did not compile; the message quotes the engine's first error."""


def find_engine():
    """The path of the first TeX engine found on the PATH, or None."""
    for name in LATEX_ENGINES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _command(engine, name):
    if os.path.basename(engine).startswith("tectonic"):
        return [engine, "--chatter", "minimal", "--untrusted", name]
    return [engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", name]


def compile_pdf(tex, engine):
    """Compile the .tex file ``tex`` into the PDF beside it with ``engine``; return the
    PDF's path.  PdfError (with the first error the engine printed) if none comes out."""
    folder, name = os.path.split(os.path.abspath(tex))
    stem = name[:-len(".tex")] if name.endswith(".tex") else name
    pdf = os.path.join(folder, stem + ".pdf")
    try:
        done = subprocess.run(_command(engine, name), cwd=folder, capture_output=True,
                              text=True, errors="replace", timeout=_TIMEOUT,
                              stdin=subprocess.DEVNULL)
        output = done.stdout + done.stderr
        failed = done.returncode != 0 or not os.path.isfile(pdf)
    except subprocess.TimeoutExpired:
        output, failed = f"no PDF after {_TIMEOUT} s", True
    except OSError as e:
        output, failed = str(e), True
    finally:
        for suffix in _LEFTOVERS:
            leftover = os.path.join(folder, stem + suffix)
            if os.path.exists(leftover):
                os.remove(leftover)
    if failed:
        first = next((line for line in output.splitlines() if line.startswith("!")),
                     output.strip().splitlines()[-1] if output.strip() else "no output")
        shown = " ".join(first.split())[:200]
        raise PdfError(f"{os.path.basename(engine)} could not compile {name}: {shown}")
    return pdf

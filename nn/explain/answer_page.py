"""The worksheet page's answer form: a cell per asked number, checked as it is typed, and a
"Download answers" button that writes the answer file.  No JSON to edit by hand.

:func:`answer_form_html` builds the form from the blank answer file itself
(:meth:`nn.explain.exercise.Exercise.answer_file`): each ``null`` number of an asked
entry becomes a cell of that entry's table (rows j, columns the samples i or inputs k,
labelled in the worksheet's notation), and each formula question under ``formulas``
(``{"question": …, "answer": null}``) a text field.  The page's script:

- checks each typed number as the grader reads it (JSON's number syntax; the worksheet's
  − accepted; "0,25", ".25" and "+1" named with the same words as ``backprop
  check-answers``, :data:`nn.explain.typed_numbers.NUMBER_MISTAKES`), and notes a number
  with fewer significant digits than the sheet asks, as it is typed;
- counts what is filled in and what is wrong;
- "Download answers" writes the blank file with each number as typed (its digits kept:
  0.5000 stays 0.5000), blanks left ``null``, formulas as text; it refuses while a cell
  holds no number, naming how many;
- "Load answers" reads an answer file back into the cells, and the cells are kept in
  the browser's storage for this exercise, so a closed tab loses nothing.

The page needs no network: everything is in the one file (the content security policy
allows nothing else).  Every string (the student's ID, a question, what was typed) is
text: HTML-escaped in the page, JSON-encoded in the file.
"""

import html
import json

from .typed_numbers import MINUSES, NOT_A_NUMBER, NUMBER_MISTAKES, NUMBER_PATTERN
from .grade import derivation_order
from .quantities import BY_NAME, entry_name

__all__ = ["answer_form_html", "FORM_CSS", "PAGE_POLICY"]

PAGE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "img-src data:")
"""The worksheet page's content security policy: its own inline script and style only."""

FORM_CSS = ("#answers table{display:inline-table;vertical-align:top;margin:.3em 1.2em .6em 0}"
            "#answers input.cell{width:7em;text-align:right;font:inherit}"
            "#answers input.bad{background:#fdd;border-color:#c00}"
            "#answers input.short{background:#ffd}"
            "#answers textarea{width:100%;font:inherit}"
            "#answers .problem{color:#a00}#answers .note{color:#850}"
            "#answers caption{text-align:left;font-weight:bold;padding:.3em 0}"
            "#answers .status{font-weight:bold}")

_AXES = {"row": "j", "sample": "i", "col": "k"}


def _input(path, label):
    return (f'<input class="cell" type="text" inputmode="decimal" autocomplete="off" '
            f'spellcheck="false" data-path="{html.escape(json.dumps(path))}" '
            f'aria-label="{html.escape(label)}">')


def _where(q, index):
    return ", ".join(f"{axis} {i + 1}" for axis, i in zip(q.axes, index))


def _table(q, layer, value, path):
    """One entry's table: rows j (or one row), columns the last axis."""
    name = entry_name(q.name, layer)
    caption = f"<caption>{html.escape(name)}</caption>"
    if not q.axes:
        return (f"<table>{caption}<tr><td>{_input(path, name)}</td></tr></table>")
    if len(q.axes) == 1:
        head = "<tr>" + "".join(f"<th>{_AXES[q.axes[0]]}={n}</th>"
                                for n in range(1, len(value) + 1)) + "</tr>"
        row = "<tr>" + "".join(f"<td>{_input(path + [n], f'{name} {_where(q, (n,))}')}</td>"
                               for n in range(len(value))) + "</tr>"
        return f"<table>{caption}{head}{row}</table>"
    width = len(value[0])
    head = "<tr><th></th>" + "".join(f"<th>{_AXES[q.axes[1]]}={c}</th>"
                                     for c in range(1, width + 1)) + "</tr>"
    rows = "".join(
        f"<tr><th>{_AXES[q.axes[0]]}={j + 1}</th>" + "".join(
            f"<td>{_input(path + [j, c], f'{name} {_where(q, (j, c))}')}</td>"
            for c in range(width)) + "</tr>" for j in range(len(value)))
    return f"<table>{caption}{head}{rows}</table>"


def _tables(blank):
    """The entry tables in the order of the work: forward 1 → L, the loss, backward
    L → 1, the update (:func:`nn.explain.grade.derivation_order`)."""
    found = [(BY_NAME[key], None, value, [key]) for key, value in blank.items()
             if key in BY_NAME and not BY_NAME[key].per_layer]
    for layer, entries in blank.get("layers", {}).items():
        found += [(BY_NAME[key], int(layer), value, ["layers", layer, key])
                  for key, value in entries.items() if key in BY_NAME]
    depth = len(blank.get("layers", {}))
    found.sort(key=lambda item: derivation_order((item[0], item[1]), depth))
    return [_table(*item) for item in found]


def _formulas(blank, notation):
    questions = blank.get("formulas") or {}
    if not questions:
        return ""
    fields = "".join(
        f'<p><label>{html.escape(str(entry.get("question", key)))}<br>'
        f'<textarea rows="2" data-formula="{html.escape(key)}" spellcheck="false" '
        f'aria-label="{html.escape(key)}"></textarea></label></p>'
        for key, entry in questions.items())
    help_text = f"<p>{html.escape(notation)}</p>" if notation else ""
    return f"<h3>Formulas</h3>{help_text}{fields}"


def _json_for_script(document):
    # "<" escaped so no text in it can close the script element
    return json.dumps(document, ensure_ascii=False).replace("<", "\\u003c")


def answer_form_html(blank, digits, answer_file="answers.json", notation=""):
    """The answer form's HTML (section, tables, buttons, script) for the blank answer file
    ``blank`` (a dict) of a sheet asking ``digits`` significant digits; ``notation`` (text)
    says how to type a formula, above the formula fields."""
    tables = _tables(blank)
    settings = {"blank": blank, "digits": digits, "file": answer_file,
                "number": NUMBER_PATTERN, "minuses": MINUSES,
                "mistakes": [list(m) for m in NUMBER_MISTAKES], "notANumber": NOT_A_NUMBER,
                "storage": f"backproplab:{blank.get('exercise', '')}:{blank.get('student', '')}"}
    return (
        '<section id="answers"><h2>Your answers</h2>'
        f"<p>Type each number into its cell (to {digits} significant digits); each is "
        f"checked as you type. <strong>Download answers</strong> saves "
        f"<code>{html.escape(answer_file)}</code> to hand in; <strong>Load answers</strong> "
        f"opens one to go on with it. Your numbers stay in this browser until you "
        f"download them.</p>"
        '<p class="status" role="status" aria-live="polite"></p><ul class="problems"></ul>'
        + "".join(tables) + _formulas(blank, notation) +
        '<p><button type="button" id="download">Download answers</button> '
        '<label>Load answers <input type="file" id="load" accept=".json,application/json">'
        '</label> <button type="button" id="clear">Clear all</button></p>'
        '<ul class="messages" aria-live="polite"></ul></section>'
        f'<script type="application/json" id="answer-settings">{_json_for_script(settings)}'
        f"</script><script>{_SCRIPT}</script>")


_SCRIPT = r"""
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("answer-settings").textContent);
  const NUMBER = new RegExp("^(?:" + S.number + ")$");
  const MISTAKES = S.mistakes.map(([p, m]) => [new RegExp("^(?:" + p + ")$"), m]);
  const form = document.getElementById("answers");
  const cells = Array.from(form.querySelectorAll("input.cell"));
  const formulas = Array.from(form.querySelectorAll("textarea[data-formula]"));
  const status = form.querySelector(".status");
  const messages = form.querySelector(".messages");
  const problemList = form.querySelector(".problems");

  function read(text) {
    let t = text.trim();
    if (!t) return {blank: true};
    for (const m of S.minuses) t = t.split(m).join("-");
    if (NUMBER.test(t)) return {number: t};
    for (const [pattern, message] of MISTAKES) if (pattern.test(t)) return {error: message};
    return {error: S.notANumber};
  }

  function digits(t) {
    const mantissa = t.replace(/^-/, "").replace(/[eE].*$/, "").replace(".", "");
    return mantissa.replace(/^0+/, "").length;
  }

  function check(cell) {
    const r = read(cell.value);
    cell.classList.toggle("bad", !!r.error);
    let note = "";
    if (r.number && Number(r.number) !== 0 && !Number.isInteger(Number(r.number))
        && digits(r.number) < S.digits) {
      note = "written with " + digits(r.number) + " significant digit(s); the sheet asks for "
        + S.digits + " (fine only if the value is exact)";
    }
    cell.classList.toggle("short", !!note);
    cell.title = r.error || note;
    cell.setAttribute("aria-invalid", r.error ? "true" : "false");
    return r;
  }

  function say(lines, kind, where) {
    (where || messages).replaceChildren(...lines.map((text) => {
      const li = document.createElement("li");
      li.className = kind;
      li.textContent = text;
      return li;
    }));
  }

  function update() {
    let filled = 0;
    const problems = [];
    for (const cell of cells) {
      const r = check(cell);
      if (r.number) filled += 1;
      if (r.error) problems.push(cell.getAttribute("aria-label") + ": " + r.error);
    }
    status.textContent = filled + " of " + cells.length + " numbers filled in"
      + (problems.length ? "; " + problems.length + " not written as a number" : "");
    say(problems, "problem", problemList);
    try {
      localStorage.setItem(S.storage, JSON.stringify({
        cells: cells.map((c) => c.value), formulas: formulas.map((f) => f.value)}));
    } catch (e) { /* storage may be off: the form works without it */ }
    return problems;
  }

  function at(doc, path) {
    return path.slice(0, -1).reduce((node, key) => node[key], doc);
  }

  function answerText() {
    const doc = JSON.parse(JSON.stringify(S.blank));
    const nonce = Math.random().toString(36).slice(2);
    const typed = [];
    for (const cell of cells) {
      const r = read(cell.value);
      if (!r.number) continue;
      const path = JSON.parse(cell.dataset.path);
      at(doc, path)[path[path.length - 1]] = "@@" + nonce + ":" + typed.length + "@@";
      typed.push(r.number);
    }
    for (const f of formulas) {
      if (f.value.trim()) doc.formulas[f.dataset.formula].answer = f.value.trim();
    }
    let text = JSON.stringify(doc, null, 2);
    typed.forEach((number, n) => {
      text = text.split('"@@' + nonce + ":" + n + '@@"').join(number);
    });
    return text + "\n";
  }

  document.getElementById("download").addEventListener("click", () => {
    const problems = update();
    if (problems.length) {
      say(["Nothing was saved: " + problems.length + " cell(s) hold no number; fix the "
           + "cells marked in red first."].concat(problems), "problem");
      return;
    }
    const url = URL.createObjectURL(new Blob([answerText()], {type: "application/json"}));
    const link = document.createElement("a");
    link.href = url;
    link.download = S.file;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    say(["Saved " + S.file + ". Check it before handing in: backprop check-answers "
         + S.file], "note");
  });

  function fill(doc) {
    for (const cell of cells) {
      const path = JSON.parse(cell.dataset.path);
      let node = doc;
      for (const key of path) node = (node === null || node === undefined) ? node : node[key];
      cell.value = (node === null || node === undefined || typeof node === "object")
        ? "" : String(node);
    }
    for (const f of formulas) {
      const entry = (doc.formulas || {})[f.dataset.formula];
      f.value = entry && typeof entry.answer === "string" ? entry.answer : "";
    }
  }

  document.getElementById("load").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (!file) return;
    file.text().then((text) => {
      let doc;
      try {
        // the numbers' own text, digits kept, where the browser gives it
        doc = JSON.parse(text, function (key, value, context) {
          return typeof value === "number" && context && context.source
            ? context.source : value;
        });
      } catch (e) {
        say([file.name + " is not an answer file: " + e.message], "problem");
        return;
      }
      fill(doc);
      update();
      say(["Loaded " + file.name + "."], "note");
    });
  });

  document.getElementById("clear").addEventListener("click", () => {
    cells.forEach((c) => { c.value = ""; });
    formulas.forEach((f) => { f.value = ""; });
    update();
  });

  form.addEventListener("input", update);
  try {
    const saved = JSON.parse(localStorage.getItem(S.storage) || "null");
    if (saved && saved.cells && saved.cells.length === cells.length) {
      saved.cells.forEach((v, n) => { cells[n].value = v; });
      (saved.formulas || []).forEach((v, n) => { if (formulas[n]) formulas[n].value = v; });
    }
  } catch (e) { /* nothing kept */ }
  update();
})();
"""

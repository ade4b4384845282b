"""The worksheet page's answer form in a real browser (headless Chromium driven by Playwright),
opened from the file with every other request blocked: a careful student types their numbers,
"Download answers" writes the answer file (digits as typed) that grades all correct; each
typed number is checked as it is typed, with check-answers' words; formulas are text."""

import json
from decimal import Decimal

from chromium import require_chromium
from hand_students import Student

from nn.explain.answer_check import check_answer_file
from nn.explain.answer_page import PAGE_POLICY, answer_form_html
from nn.explain.class_files import student_set
from nn.explain.exercise import make_exercise
from nn.explain.grade import grade
from nn.explain.policy import Policy
from nn.explain.quantities import ASKED

require_chromium()


class Page:
    """A worksheet page loaded from its file; anything else it asks for is refused and
    recorded, and so is every console error."""

    def __init__(self, browser, path):
        self.url = path.as_uri()
        self.context = browser.new_context(accept_downloads=True)
        self.page = self.context.new_page()
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(self.url)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def cells(self):
        return self.page.locator("input.cell")

    def status(self):
        return self.page.locator("#answers .status").inner_text()

    def download(self):
        with self.page.expect_download() as info:
            self.page.click("#download")
        return info.value.path().read_text(encoding="utf-8")

    def close(self):
        assert self.errors == [] and self.requests == []
        self.context.close()


def sheet(tmp_path, student="ann", **choices):
    ex = make_exercise(student, course="c", **choices)
    files = student_set(ex, Policy())
    path = tmp_path / "worksheet.html"
    path.write_text(files[f"students/{student}/worksheet.html"], encoding="utf-8")
    return ex, path, json.loads(files[f"students/{student}/answers.json"])


def value_at(document, path):
    for key in path:
        document = document[key]
    return document


def typed(ex):
    """A careful student's answers (4 digits, trailing zeros kept)."""
    answers, _ = Student(ex, 4, "written").work()
    return answers


def test_a_careful_student_types_the_numbers_and_downloads_a_file_that_grades_correct(
        browser, tmp_path):
    ex, path, blank = sheet(tmp_path, sizes=(2, 2, 1), m=2, loss="bce")
    answers = typed(ex)
    page = Page(browser, path)
    cells = page.cells()
    assert cells.count() == ex.work()
    assert page.status() == f"0 of {ex.work()} numbers filled in"
    for n in range(cells.count()):
        cell = cells.nth(n)
        cell.fill(str(value_at(answers, json.loads(cell.get_attribute("data-path")))))
    assert page.status() == f"{ex.work()} of {ex.work()} numbers filled in"
    text = page.download()
    saved = tmp_path / "answers.json"
    saved.write_text(text, encoding="utf-8")
    document = json.loads(text, parse_float=Decimal)
    assert list(document) == list(blank)                  # the handed-out file's layout
    assert json.loads(text)["network"] == blank["network"]
    for key in ("losses", "loss"):
        assert document[key] == answers[key]
    for l, entries in answers["layers"].items():
        for key, value in entries.items():
            # the digits as typed (Decimal("0.5000") != "0.5" as text)
            assert str(document["layers"][l][key]) == str(value)
    leaves = json.loads(text)["layers"]["1"]["Z"]
    assert all(isinstance(x, float) for row in leaves for x in row)   # numbers, not strings
    graded = grade(ex.derivation(), document, Policy(), ASKED)
    assert graded.all_correct and graded.total == ex.work()
    assert check_answer_file(saved).ready
    page.close()


def test_each_typed_number_is_checked_with_check_answers_words(browser, tmp_path):
    ex, path, _ = sheet(tmp_path)
    page = Page(browser, path)
    first = page.cells().nth(0)
    for text, words in (("0,5", "decimal point"), (".5", "0 before the point"),
                        ("+1", "leave out the + sign"), ("abc", "not a number")):
        first.fill(text)
        assert "bad" in first.get_attribute("class") and words in first.get_attribute("title")
        assert first.get_attribute("aria-invalid") == "true"
        assert "1 not written as a number" in page.status()
        problems = page.page.locator("#answers .problems li")
        assert problems.count() == 1 and words in problems.first.inner_text()
    first.fill("\u22120.4140")                                   # the sheet's own minus
    assert "bad" not in first.get_attribute("class") and first.get_attribute("title") == ""
    first.fill("0.41")
    assert "short" in first.get_attribute("class")
    assert "2 significant digit(s); the sheet asks for 4" in first.get_attribute("title")
    first.fill("1")                                              # an exact 1 is no note
    assert "short" not in first.get_attribute("class")
    assert page.status() == f"1 of {ex.work()} numbers filled in"
    page.close()


def test_nothing_is_saved_while_a_cell_holds_no_number(browser, tmp_path):
    _, path, blank = sheet(tmp_path)
    page = Page(browser, path)
    downloads = []
    page.page.on("download", lambda d: downloads.append(d))
    page.cells().nth(1).fill("0,25")
    page.page.click("#download")
    message = page.page.locator("#answers .messages li").first
    assert "Nothing was saved: 1 cell(s) hold no number" in message.inner_text()
    assert downloads == []
    page.cells().nth(1).fill("")
    document = json.loads(page.download())                       # blanks stay null
    assert document == json.loads(json.dumps(blank))
    page.close()


def test_loading_a_file_fills_the_cells_with_its_digits_and_a_reload_keeps_them(
        browser, tmp_path):
    ex, path, blank = sheet(tmp_path)
    partial = json.loads(json.dumps(blank))
    partial["layers"]["1"]["Z"][0][0] = "@@"
    text = json.dumps(partial).replace('"@@"', "0.5000")
    (tmp_path / "mine.json").write_text(text, encoding="utf-8")
    page = Page(browser, path)
    page.page.set_input_files("#load", str(tmp_path / "mine.json"))
    cell = page.page.locator('input[data-path=\'["layers", "1", "Z", 0, 0]\']')
    cell.wait_for()
    page.page.wait_for_function("document.querySelector('#answers .messages li')")
    assert cell.input_value() == "0.5000"
    page.page.reload()
    assert page.page.locator('input[data-path=\'["layers", "1", "Z", 0, 0]\']').input_value() \
        == "0.5000"
    assert page.status() == f"1 of {ex.work()} numbers filled in"
    page.close()


def test_formula_questions_are_text_fields_and_stay_text(browser, tmp_path):
    """A blank file with formula questions (as `exercise --formulas` writes them): one
    text field each; the question and the answer are text in the page and the file."""
    ex = make_exercise("ann", course="c")
    blank = dict(ex.answer_file(), digits=4)
    blank["formulas"] = {"delta_L": {"question": "Write δ^[L] <b>as a formula</b>",
                                     "answer": None}}
    page_text = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv="
                 f"\"Content-Security-Policy\" content=\"{PAGE_POLICY}\"></head><body>"
                 + answer_form_html(blank, 4) + "</body></html>")
    path = tmp_path / "form.html"
    path.write_text(page_text, encoding="utf-8")
    page = Page(browser, path)
    label = page.page.locator("#answers label", has_text="Write δ^[L]")
    assert label.inner_text().startswith("Write δ^[L] <b>as a formula</b>")
    assert page.page.locator("#answers b").count() == 0
    hostile = "</script><script>alert(1)</script> (a - y) * a*(1-a)"
    page.page.fill('textarea[data-formula="delta_L"]', hostile)
    document = json.loads(page.download())
    assert document["formulas"]["delta_L"] == {"question": "Write δ^[L] <b>as a formula</b>",
                                               "answer": hostile}
    page.close()


def test_an_exercise_with_formulas_has_a_field_per_question_that_grades(browser, tmp_path):
    ex, path, blank = sheet(tmp_path, sizes=(2, 2, 1), hidden="sigmoid", loss="bce", m=1,
                            formula_weight=1)
    questions = ex.formula_questions()
    page = Page(browser, path)
    fields = page.page.locator("textarea[data-formula]")
    assert fields.count() == len(questions) == len(blank["formulas"])
    assert "Type formulas as you would write them" in page.page.locator("#answers").inner_text()
    for q in questions:
        label = page.page.locator("#answers label", has_text=q.text[:30])
        assert label.count() == 1
        page.page.fill(f'textarea[data-formula="{q.key}"]', q.answer)
    document = json.loads(page.download())
    for q in questions:
        assert document["formulas"][q.key] == {"question": q.text, "answer": q.answer}
    page.close()

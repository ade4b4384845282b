"""autograd.render: real SVG and PNG files through pygraphviz, the dot program, and no renderer."""

import os
import shutil
import stat
import sys
import xml.etree.ElementTree as ET

import pytest

from autograd import Value, draw_dot
from autograd.draw import VANISHING_GRAD
from autograd.render import Picture, RenderError, RendererNotFoundError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_dot_program(monkeypatch):
    """Pretend there is no system Graphviz, so pygraphviz's bundled one is used."""
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)


@pytest.fixture
def no_renderer(no_dot_program, monkeypatch):
    """Neither the dot program nor pygraphviz: `import pygraphviz` raises ImportError."""
    monkeypatch.setitem(sys.modules, "pygraphviz", None)


def saturated():
    w, a = Value(0.8, "w"), Value(62.5, "a")
    C = (w * a).sigmoid() ** 2
    C.backward()
    return C


def svg_root(text):
    root = ET.fromstring(text)
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    return root


def svg_texts(root):
    return [t.text for t in root.iter() if t.tag.endswith("text") and t.text]


def test_svg_file_through_pygraphviz(no_dot_program, tmp_path):
    path = draw_dot(saturated()).render(tmp_path / "graph.svg")
    assert path == str(tmp_path / "graph.svg")
    root = svg_root((tmp_path / "graph.svg").read_text(encoding="utf-8"))
    texts = svg_texts(root)
    assert "grad 2.411e-20" in texts and "w" in texts and "σ" in texts
    fills = {e.get("fill") for e in root.iter()}
    assert VANISHING_GRAD in fills  # the saturated weight's box is drawn orange
    assert os.listdir(tmp_path) == ["graph.svg"]  # no temp file left behind


def test_png_file_through_pygraphviz(no_dot_program, tmp_path):
    path = draw_dot(saturated(), collapse="neuron").render(str(tmp_path / "graph.png"))
    data = open(path, "rb").read()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000


def test_record_escapes_render_as_the_literal_text(no_dot_program):
    odd = Value(1.0, "a|b{c} \\ <d>")
    texts = svg_texts(svg_root(draw_dot(odd).pipe("svg").decode()))
    assert "a|b{c} \\ <d>" in texts


def test_dot_extension_writes_the_source_without_a_renderer(no_renderer, tmp_path):
    picture = draw_dot(saturated())
    picture.render(tmp_path / "graph.gv")
    assert (tmp_path / "graph.gv").read_text(encoding="utf-8") == picture.source


def test_missing_renderer_says_what_to_install(no_renderer, tmp_path):
    picture = draw_dot(saturated())
    with pytest.raises(RendererNotFoundError) as info:
        picture.render(tmp_path / "graph.svg")
    message = str(info.value)
    assert "no `dot` program on PATH" in message
    assert "pip install pygraphviz" in message and "apt install graphviz" in message
    assert ".source" in message
    assert os.listdir(tmp_path) == []  # nothing half-written
    assert picture.source.startswith("digraph computation {")


def test_missing_renderer_in_a_notebook_shows_the_message(no_renderer):
    picture = draw_dot(saturated())
    assert picture._repr_svg_() is None
    bundle = picture._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "pip install pygraphviz" in bundle["text/plain"]
    assert picture.source in bundle["text/plain"]


def test_notebook_display_is_svg(no_dot_program):
    picture = draw_dot(saturated())
    svg_root(picture._repr_svg_())
    svg_root(picture._repr_mimebundle_()["image/svg+xml"])


def test_failed_render_keeps_the_previous_file(no_renderer, tmp_path):
    target = tmp_path / "graph.svg"
    target.write_text("old picture")
    with pytest.raises(RendererNotFoundError):
        draw_dot(saturated()).render(target)
    assert target.read_text() == "old picture"
    assert os.listdir(tmp_path) == ["graph.svg"]


def fake_dot(tmp_path, script):
    path = tmp_path / "dot"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_the_dot_program_is_preferred_when_present(monkeypatch, tmp_path):
    program = fake_dot(tmp_path, 'cat > "$0.in"; echo "<svg>from dot $1</svg>"\n')
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: program if name == "dot" else None)
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # must not be needed
    picture = draw_dot(saturated())
    assert picture.pipe("svg") == b"<svg>from dot -Tsvg</svg>\n"
    assert (tmp_path / "dot.in").read_text(encoding="utf-8") == picture.source


def test_a_failing_dot_program_reports_its_message(monkeypatch, tmp_path):
    program = fake_dot(tmp_path, 'echo "syntax error in line 3" >&2; exit 3\n')
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: program)
    with pytest.raises(RenderError, match="exited with status 3: syntax error in line 3"):
        draw_dot(saturated()).pipe("png")


def test_bad_paths_and_formats(tmp_path):
    picture = draw_dot(saturated())
    with pytest.raises(ValueError, match="unknown picture format 'jpeg'.*svg, png, pdf"):
        picture.render(tmp_path / "graph.jpeg")
    with pytest.raises(ValueError, match="cannot tell the format of"):
        picture.render(tmp_path / "graph")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        picture.render(tmp_path / "missing" / "graph.svg")
    with pytest.raises(ValueError, match="cannot render format 'gif'"):
        picture.pipe("gif")


def test_explicit_format_overrides_the_extension(no_dot_program, tmp_path):
    path = draw_dot(saturated()).render(tmp_path / "graph.img", format="png")
    assert open(path, "rb").read().startswith(PNG_SIGNATURE)


def test_picture_needs_text():
    with pytest.raises(TypeError, match="needs DOT text"):
        Picture(b"digraph {}")
    assert str(Picture("digraph { a }")) == "digraph { a }"


def test_invalid_dot_text_raises_render_error(no_dot_program):
    with pytest.raises(RenderError, match="pygraphviz could not render the DOT text as svg"):
        Picture("digraph { a -> }").pipe("svg")


def test_bundled_fontconfig_warnings_are_dropped_but_other_stderr_is_kept(capfd):
    from autograd.render import _without_fontconfig_warnings

    def noisy_draw():
        os.write(2, b'Fontconfig warning: "/etc/fonts/x.conf", line 6: unknown element "reset-dirs"\n')
        os.write(2, b"Warning: something Graphviz wants you to know\n")
        return b"<svg/>"

    assert _without_fontconfig_warnings(noisy_draw) == b"<svg/>"
    err = capfd.readouterr().err
    assert "Fontconfig" not in err
    assert "something Graphviz wants you to know" in err

"""autograd.viz rendering: real SVG and PNG files through pygraphviz, the dot program, and no
renderer; draw_dot as a graphviz.Digraph (render, view, pipe, save, Jupyter)."""

import os
import shutil
import stat
import sys
import xml.etree.ElementTree as ET

import graphviz
import pytest

import nn  # noqa: F401  (registers collapse="neuron" and "layer")

from autograd import Value, draw_dot
from autograd.viz import PictureTooLargeError, RenderError, RendererNotFoundError
from autograd.viz.draw import VANISHING_GRAD
from autograd.viz.picture import Picture

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


def test_save_writes_the_source_without_a_renderer(no_renderer, tmp_path):
    picture = draw_dot(saturated())
    assert picture.save(tmp_path / "graph.gv") == str(tmp_path / "graph.gv")
    assert (tmp_path / "graph.gv").read_text(encoding="utf-8") == picture.source
    assert os.listdir(tmp_path) == ["graph.gv"]  # written atomically, no temp file left


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
    bundle = picture._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert "pip install pygraphviz" in bundle["text/plain"]
    assert picture.source in bundle["text/plain"]


def test_notebook_display_is_svg(no_dot_program):
    picture = draw_dot(saturated())
    svg_root(picture._repr_image_svg_xml())
    svg_root(picture._repr_mimebundle_()["image/svg+xml"])
    png = picture._repr_mimebundle_(include=["image/png"])["image/png"]
    assert png.startswith(PNG_SIGNATURE)


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
    with pytest.raises(ValueError, match="cannot render format 'jpeg'.*svg, png, pdf"):
        picture.render(outfile=tmp_path / "graph.jpeg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        picture.render(tmp_path / "missing" / "graph.svg")
    with pytest.raises(ValueError, match="cannot render format 'gif'"):
        picture.pipe("gif")
    with pytest.raises(ValueError, match="format must be 'svg', 'png' or 'pdf'; got 'svgz'"):
        draw_dot(saturated(), format="svgz")


def test_no_extension_renders_like_graphviz(no_dot_program, tmp_path):
    # micrograd's lecture: dot = draw_dot(y); dot.render('gout') -> gout (DOT) and gout.svg
    picture = draw_dot(saturated())
    assert isinstance(picture, graphviz.Digraph)
    path = picture.render(str(tmp_path / "gout"))
    assert path == str(tmp_path / "gout.svg")
    assert (tmp_path / "gout").read_text(encoding="utf-8") == picture.source
    svg_root((tmp_path / "gout.svg").read_text(encoding="utf-8"))
    png = draw_dot(saturated(), format="png").render(str(tmp_path / "p"))
    assert open(png, "rb").read().startswith(PNG_SIGNATURE)
    out = picture.render(outfile=tmp_path / "o.png")
    assert open(out, "rb").read().startswith(PNG_SIGNATURE)


def test_pipe_with_encoding_and_format(no_dot_program):
    picture = draw_dot(saturated(), format="png")
    assert picture.pipe().startswith(PNG_SIGNATURE)
    svg_root(picture.pipe(format="svg", encoding="utf-8"))


def test_view_opens_the_rendered_file_in_the_platform_viewer(no_dot_program, tmp_path,
                                                             monkeypatch):
    opened = []
    monkeypatch.setattr(Picture, "_view_linux", staticmethod(
        lambda path, quiet=False: opened.append(path)), raising=False)
    monkeypatch.setattr(graphviz.backend.viewing, "PLATFORM", "linux")
    path = draw_dot(saturated()).view(str(tmp_path / "g"))
    assert opened == [path] and path == str(tmp_path / "g.svg")
    svg_root((tmp_path / "g.svg").read_text(encoding="utf-8"))


def test_invalid_dot_text_raises_render_error(no_dot_program):
    picture = draw_dot(saturated())
    picture.body.append("\ta -> \n")
    with pytest.raises(RenderError, match="pygraphviz could not render the DOT text as svg"):
        picture.pipe("svg")


def test_too_many_nodes_are_refused_with_a_hint(no_dot_program, tmp_path):
    x = Value(0.5, "x")
    y = x
    for _ in range(40):
        y = y * 1.01
    picture = draw_dot(y, collapse=None, max_nodes=50)
    # 41 values + 40 constants 1.01 + 40 × nodes + the legend; 40 × (2 in + 1 out) edges
    with pytest.raises(PictureTooLargeError, match=r"(?s)242 nodes and edges, more than max_nodes=50.*"
                                                   r"collapse='layer'.*max_nodes=None"):
        picture.render(tmp_path / "big.svg")
    assert os.listdir(tmp_path) == []
    assert "max_nodes=50" in picture._repr_mimebundle_()["text/plain"]
    with pytest.raises(PictureTooLargeError):
        picture.copy().pipe()  # graphviz's copy keeps the limit
    assert draw_dot(y, collapse=None, max_nodes=None).pipe().startswith(b"<?xml")


def test_a_slow_layout_is_stopped_after_the_timeout(monkeypatch, tmp_path):
    program = fake_dot(tmp_path, "sleep 30\n")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: program)
    picture = draw_dot(saturated(), timeout=0.5)
    with pytest.raises(RenderError, match=r"stopped after 0.5 s.*collapse='layer'"):
        picture.pipe()


def test_bundled_fontconfig_warnings_are_dropped_but_other_stderr_is_kept():
    from autograd.viz.render import _without_fontconfig_warnings

    text = ('Fontconfig warning: "/etc/fonts/x.conf", line 6: unknown element "reset-dirs"\n'
            "Warning: something Graphviz wants you to know\n")
    assert _without_fontconfig_warnings(text) == "Warning: something Graphviz wants you to know"


def test_collapsed_neurons_render_in_row_order(no_dot_program):
    # A 3-4-2 network's graph collapses to one box per neuron, and Graphviz would
    # draw layer 1 as 4, 3, 1, 2; the boxes are pinned so neuron j is j-th from the top.
    from nn import MLP
    from autograd import total

    mlp = MLP(3, [4, 2], seed=0, activations=["tanh", "linear"])
    loss = total([(o - t) ** 2 for o, t in zip(mlp([0.5, -1.0, 2.0]), [1.0, 0.0])])
    loss.backward()
    picture = draw_dot(loss)
    assert "{rank=same; g0 -> g1 -> g2 -> g3 [style=invis]}" in picture.source
    root = svg_root(picture.pipe("svg").decode())
    top = {}
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        texts = [t.text for t in g.iter() if t.tag.endswith("text") and t.text]
        if texts and texts[0].startswith("neuron "):
            top[texts[0]] = min(float(t.get("y")) for t in g.iter() if t.tag.endswith("text"))
    for layer, n in ((1, 4), (2, 2)):
        ys = [top[f"neuron {j} · layer {layer}"] for j in range(1, n + 1)]
        assert ys == sorted(ys)


def test_ctrl_c_stops_a_layout_at_once(monkeypatch, tmp_path):
    import signal
    import threading
    import time

    from bounded import skip_if_sigint_ignored

    skip_if_sigint_ignored()
    # The layout would take 30 s and then leave dot.done: stopped at once, it never does.
    program = tmp_path / "dot"
    program.write_text(f"#!{sys.executable}\nimport os, sys, time\n"
                       "open(sys.argv[0] + '.pid', 'w').write(str(os.getpid()))\n"
                       "time.sleep(30)\nopen(sys.argv[0] + '.done', 'w').close()\n")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    program = str(program)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: program)
    picture = draw_dot(saturated())
    main = threading.main_thread().ident
    timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT))  # Ctrl-C
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        picture.pipe()
    assert not (tmp_path / "dot.done").exists()
    pid = int((tmp_path / "dot.pid").read_text())
    deadline = time.monotonic() + 60   # a bound against hanging; the kill comes at once
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(pid)  # the layout process was killed, not left running


def running(pid):
    """Whether process ``pid`` is still running (a killed, unreaped one is a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# -- pictures that fit where they are shown ------------------------------------------------

def readme_graph():
    a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
    L = (a * b + c).tanh()
    L.label = "L"
    L.backward()
    return L


def test_notebook_display_scales_down_to_the_cell(no_dot_program):
    """JupyterLab shows a bare SVG at its natural size: the README's graph (1152 px) was cut
    off in an 848 px output.  The notebook gets an image at most as wide as its cell."""
    import base64
    import re

    picture = draw_dot(readme_graph())
    bundle = picture._repr_mimebundle_()
    html = bundle["text/html"]
    assert re.fullmatch(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]*" '
                        r'style="max-width:100%;height:auto">', html)
    svg = base64.b64decode(html.split("base64,")[1].split('"')[0]).decode("utf-8")
    assert svg == bundle["image/svg+xml"]
    assert set(picture._repr_mimebundle_(include=["image/svg+xml"])) == {"image/svg+xml"}


def test_png_doubles_its_resolution_where_text_would_be_too_small(no_dot_program, tmp_path):
    """PNGs were capped at 1152 px with ~6 px text: where the layout's scale would put the
    text under 10 px, the PNG is rendered at 2×, so its text stays legible when zoomed."""
    import struct

    from autograd.viz.picture import text_pixels

    def png_width(path):
        return struct.unpack(">I", open(path, "rb").read()[16:20])[0]

    x = Value(0.5, label="x")
    big = x
    for i in range(40):   # a long chain: wide, scaled down to the 12-inch size
        big = (big * 1.01 + 0.1).tanh()
    big.label = "L"
    svg = draw_dot(big, collapse=None).pipe("svg").decode("utf-8")
    assert text_pixels(svg) < 10
    path = draw_dot(big, collapse=None).render(tmp_path / "big.png")
    assert png_width(path) > 1200   # beyond the 1152 px cap: 2×
    small = draw_dot(readme_graph()).render(tmp_path / "small.png")
    small_svg = draw_dot(readme_graph()).pipe("svg").decode("utf-8")
    assert text_pixels(small_svg) >= 10
    width_pt = float(small_svg.split('width="')[1].split("pt")[0])
    assert abs(png_width(small) - width_pt * 96 / 72) <= 4   # legible already: 1×


def test_a_caption_or_label_shaped_like_html_is_text(no_dot_program):
    """A title "<...>" became a Graphviz HTML label (with a javascript: link): every user
    string is quoted text in the DOT source and in the picture."""
    hostile = '<<a href="javascript:alert(1)">x</a>>'
    v = Value(1.0, label=hostile)
    L = v * 2.0
    L.label = "<b>L</b>"
    picture = draw_dot(L, title=hostile)
    assert f"label=<{hostile[1:-1]}>" not in picture.source
    svg = picture.pipe("svg").decode("utf-8")
    assert "<a " not in svg and "xlink:href" not in svg   # no link element: text only
    root = svg_root(svg.encode())
    texts = [t.text for t in root.iter() if t.tag.endswith("text")]
    assert hostile in texts and "<b>L</b>" in texts

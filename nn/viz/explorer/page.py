"""The standalone explorer page: one HTML file holding the script, the pictures, the
CSS and the JavaScript, which works offline and makes no network request.

Its Content-Security-Policy allows exactly the page's own script and style, by their
SHA-256 hashes, and nothing else: ``default-src 'none'`` refuses any request, no
other inline script or style runs (no ``'unsafe-inline'``), and no link can navigate
or submit anywhere.  Every string a user gave (a title, a label) reaches the page as
text: escaped in the HTML, JSON in a data block, ``textContent`` in the DOM, and
quoted text in the Graphviz pictures.
"""

import base64
import hashlib
import html
import json
from importlib import resources

from autograd.files import write_atomically

EDIT_NOTE = ("Changing a value recomputes every number through the engine, which runs in "
             "Python: in Jupyter, explore(...) shows the same explorer with its leaves "
             "editable (click a weight, an input or a target and type a number). This page "
             "is a record of one computation.")
"""What the standalone page says when a learner clicks a leaf to change it."""


def asset(name):
    """The text of one of the front end's files (``explorer.js``, ``explorer.css``)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _json_for_script_tag(script):
    # "</" would end the <script> element early; "<!--" would start an HTML comment.
    return (json.dumps(script, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("<!--", "<\\u0021--"))


def _sha256(text):
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(scripts, styles):
    """The page's CSP: only these inline ``scripts`` and ``styles`` (their exact text),
    images from ``data:`` URLs, and no request, base URL or form."""
    return (f"default-src 'none'; script-src {' '.join(map(_sha256, scripts))}; "
            f"style-src {' '.join(map(_sha256, styles))}; img-src data:; base-uri 'none'; "
            f"form-action 'none'")


def page_html(script):
    """The whole page for an explorer ``script`` (see :mod:`.script`), as a str."""
    style = f"\n{asset('explorer.css')}\nbody {{ margin: 14px; }}\n"
    code = f"\n{asset('explorer.js')}\nmountPage({json.dumps(EDIT_NOTE)});\n"
    csp = content_security_policy([code], [style])
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(script["title"])} · backproplab explorer</title>
<style>{style}</style>
</head>
<body>
<main id="bpx-root"></main>
<script type="application/json" id="bpx-script">{_json_for_script_tag(script)}</script>
<script type="module">{code}</script>
</body>
</html>
"""


def save_page(script, path):
    """Write the page for ``script`` to ``path`` atomically; return the path as a str."""
    return write_atomically(path, page_html(script))

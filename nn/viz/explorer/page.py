"""The standalone explorer page: one HTML file holding the script, the pictures, the
CSS and the JavaScript, which works offline and makes no network request.

A Content-Security-Policy of ``default-src 'none'`` tells the browser to refuse any
request the page might try, so "no network" holds even if a picture ever linked out.
"""

import html
import json
from importlib import resources

from autograd.files import write_atomically

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:")


def asset(name):
    """The text of one of the front end's files (``explorer.js``, ``explorer.css``)."""
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _json_for_script_tag(script):
    # "</" would end the <script> element early; "<!--" would start an HTML comment.
    return (json.dumps(script, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("<!--", "<\\u0021--"))


def page_html(script):
    """The whole page for an explorer ``script`` (see :mod:`.script`), as a str."""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(script["title"])} · backproplab explorer</title>
<style>
{asset("explorer.css")}
body {{ margin: 14px; }}
</style>
</head>
<body>
<div id="bpx-root"></div>
<script type="application/json" id="bpx-script">{_json_for_script_tag(script)}</script>
<script type="module">
{asset("explorer.js")}
mountPage();
</script>
</body>
</html>
"""


def save_page(script, path):
    """Write the page for ``script`` to ``path`` atomically; return the path as a str."""
    return write_atomically(path, page_html(script))

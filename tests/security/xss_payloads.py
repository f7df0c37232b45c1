"""200 script-injection payloads, each calling `xss(n)` or `alert(n)` with its own number when
it runs, so that a browser test can tell which one got through: tags, event handlers,
attribute breakers, `javascript:` URLs, template syntax, entity, URL and unicode encodings."""

SHAPES = [
    "<script>{call}</script>",
    "<img src=x onerror={call}>",
    "<svg onload={call}>",
    '"><script>{call}</script>',
    "'><img src=x onerror={call}>",
    '" autofocus onfocus="{call}" x="',
    "' onmouseover='{call}' x='",
    "javascript:{call}",
    '<a href="javascript:{call}">lien</a>',
    "{{{{{call}}}}}",
    "{{% if 1 %}}{call}{{% endif %}}",
    "${{{call}}}",
    "&lt;script&gt;{call}&lt;/script&gt;",
    "%3Cscript%3E{call}%3C/script%3E",
    "\\u003cscript\\u003e{call}\\u003c/script\\u003e",
    "＜script＞{call}＜/script＞",
    "<scr<script>ipt>{call}</script>",
    '<iframe srcdoc="<script>parent.{call}</script>"></iframe>',
    "<details open ontoggle={call}>",
    "</textarea><script>{call}</script>",
    "</title><svg/onload={call}>",
    "<body onload={call}>",
    "<math><mtext><img src=x onerror={call}></mtext></math>",
    '<object data="javascript:{call}"></object>',
    "<input autofocus onfocus={call}>",
]
# QuickBooks numbers (payment references, DocNumber) hold 21 characters at most.
SHORT_SHAPES = ["<svg onload={call}>", "<b onclick={call}>"]


def _call(number: int) -> str:
    return f"alert({number})" if number % 4 == 3 else f"xss({number})"


def payloads(count: int = 192) -> list[str]:
    """`count` distinct payloads for names, notes and descriptions."""
    return [SHAPES[n % len(SHAPES)].format(call=_call(n)) for n in range(count)]


def short_payloads(count: int, start: int) -> list[str]:
    """Payloads of 21 characters at most, numbered from `start`."""
    found = [
        SHORT_SHAPES[n % len(SHORT_SHAPES)].format(call=f"xss({start + n})") for n in range(count)
    ]
    assert all(len(text) <= 21 for text in found), found
    return found


def name_safe(text: str) -> str:
    """QuickBooks refuses a colon, a tab or a line break in a name: the colon is spelled as an
    HTML entity instead (as dangerous, were it ever decoded)."""
    return text.replace(":", "&#58;").replace("\t", " ").replace("\n", " ")

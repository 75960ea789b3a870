"""The sanitiser every generated page goes through, on HTML that Markdown could produce."""

from __future__ import annotations

import pytest

from handoffs.site.sanitize import clean_html
from tests.browser.sitebuild import Markup


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<script>window.__xss=1</script></p>",
        '<p onclick="window.__xss=1">attr_list output</p>',
        '<a href="javascript:window.__xss=1">x</a>',
        '<a href=" JaVaScRiPt:window.__xss=1">x</a>',
        '<a href="data:text/html,&lt;script&gt;window.__xss=1&lt;/script&gt;">x</a>',
        '<img src="x" onerror="window.__xss=1">',
        '<svg onload="window.__xss=1"></svg>',
        '<iframe src="https://example.com"></iframe>',
        '<object data="x.swf"></object>',
        "<style>*{background:url(javascript:x)}</style>",
        '<div style="width:expression(window.__xss=1)">s</div>',
        '<input type="image" src="x" onerror="window.__xss=1">',
        '<p id="__config">shadowing the theme</p>',
    ],
)
def test_dangerous_markup_is_removed(html: str) -> None:
    cleaned = Markup(clean_html(html))
    assert not cleaned.tags() & {"script", "style", "iframe", "object", "svg"}
    for tag, attrs in cleaned.elements:
        assert not [a for a in attrs if a.startswith("on") or a == "style"], (tag, attrs)
        assert not attrs.get("href", "").strip().casefold().startswith(("javascript:", "data:"))
        assert attrs.get("id") != "__config"
        assert tag != "input" or attrs.get("type") in (None, "checkbox")


def test_the_pages_own_markup_survives() -> None:
    html = (
        '<h2 id="goal">Goal<a class="headerlink" href="#goal">¶</a></h2>'
        '<div class="ho-grid"><ul class="task-list"><li><input type="checkbox" disabled> risk</li></ul>'
        '<a href="../../indexes/customer/#customer-acme">Acme</a> <a href="https://example.com/x">x</a></div>'
    )
    cleaned = clean_html(html)
    for kept in (
        'id="goal"',
        'class="ho-grid"',
        'type="checkbox"',
        'href="../../indexes/customer/#customer-acme"',
        'href="https://example.com/x"',
    ):
        assert kept in cleaned

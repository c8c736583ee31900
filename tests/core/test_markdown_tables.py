"""A table written in Markdown scrolls in its own named, keyboard-reachable box."""

from nytte.core.templatetags.nytte_ui import markdown_filter


def test_a_markdown_table_sits_in_a_named_scroll_box():
    html = markdown_filter("| Goal | Indicator |\n|---|---|\n| EM-1 | Cost |\n")
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="' in html
    assert html.count("<table") == 1 and html.endswith("</table></div>")


def test_markup_around_a_table_is_still_cleaned():
    html = markdown_filter('<table onclick="x()"><tr><td>a</td></tr></table><script>x()</script>')
    assert "onclick" not in html and "<script" not in html

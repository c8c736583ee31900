"""What every app's charts share, so that each Vega-Lite spec names the same schema version
that ``charts.js`` draws and long labels wrap the same way everywhere."""

import textwrap

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"

# Long axis labels (initiative and input names) are never cut: they wrap onto lines of their
# own, joined by newlines that the axis splits (Vega draws an array as lines).
WRAPPED_LABELS = {"labelExpr": "split(datum.label, '\\n')", "labelLimit": 0}
LABEL_LINE_HEIGHT = 16


def wrapped(text: str, width: int = 32) -> str:
    """The text on lines of at most ``width`` characters (a longer word keeps its line)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def label_step(labels: list[str]) -> int:
    """Height of one band in a chart whose labels are ``wrapped``: room for its lines."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(22, lines * LABEL_LINE_HEIGHT + 8)

"""What every app's charts share, so that each Vega-Lite spec names the same schema version
that ``charts.js`` draws."""

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v5.json"

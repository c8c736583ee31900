// Draws the Vega-Lite charts on a page. Progressive enhancement: every chart has a table
// next to it, so nothing is lost without JavaScript or if a chart fails.
//
// The spec sits in a <script type="application/json" id="…"> data block (never executed,
// so the CSP allows it); the chart element names it with data-chart="…".
// ast: true makes Vega evaluate expressions with the interpreter bundled in vega-embed
// instead of new Function(), which the CSP forbids. actions: false drops the link to the
// online editor; defaultStyle: false and tooltip: false stop vega-embed and vega-tooltip
// from injecting <style> elements, which the CSP's style-src 'self' would block.
(function () {
  "use strict";

  // One look for every chart: the page's font at a readable size. A spec's own config wins
  // where it sets something (vega-embed merges this under it).
  const FONT = "Inter, system-ui, sans-serif";
  const CONFIG = {
    font: FONT,
    axis: { labelOverlap: true, labelSeparation: 6, labelFont: FONT, titleFont: FONT, labelFontSize: 13, titleFontSize: 13, titleFontWeight: 600 },
    legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 13, titleFontSize: 13, labelLimit: 0 },
    header: { labelFont: FONT, titleFont: FONT, labelFontSize: 13, titleFontSize: 13 },
    title: { font: FONT, subtitleFont: FONT, fontSize: 14, subtitleFontSize: 13 },
    text: { font: FONT, fontSize: 13 },
    view: { stroke: null },
  };
  // Numbers the Norwegian way on bokmål pages: decimal comma, a thin space between thousands,
  // a true minus (d3-format locale; the specs say how many decimals).
  const NORWEGIAN = {
    decimal: ",",
    thousands: "\u202f",
    grouping: [3],
    currency: ["", "\u00a0kr"],
    minus: "\u2212",
  };
  const LANG = (document.documentElement.lang || "nb").toLowerCase();
  const OPTIONS = {
    actions: false,
    ast: true,
    renderer: "svg",
    defaultStyle: false,
    tooltip: false,
    config: CONFIG,
  };
  if (/^(nb|nn|no)/.test(LANG)) OPTIONS.formatLocale = NORWEGIAN;

  // On a narrow screen every legend lists its entries one under the other, so none is cut:
  // the spec's own legends and (through the config) the default ones.
  function stackLegends(node) {
    if (Array.isArray(node)) {
      node.forEach(stackLegends);
    } else if (node && typeof node === "object") {
      Object.entries(node).forEach(([key, value]) => {
        if (key === "legend" && value && typeof value === "object") {
          value.columns = 1;
          value.direction = "vertical";
        } else {
          stackLegends(value);
        }
      });
    }
  }
  const NARROW = {
    ...OPTIONS,
    config: { ...CONFIG, legend: { ...CONFIG.legend, columns: 1, direction: "vertical" } },
  };

  function draw(root) {
    if (typeof window.vegaEmbed !== "function") return;
    root.querySelectorAll("[data-chart]:not([data-chart-drawn])").forEach((element) => {
      const source = document.getElementById(element.dataset.chart);
      if (!source) return;
      element.setAttribute("data-chart-drawn", "");
      let spec;
      try {
        spec = JSON.parse(source.textContent);
      } catch (error) {
        console.warn("Chart spec is not valid JSON", error);
        return;
      }
      const narrow = element.clientWidth < 640;
      if (narrow) stackLegends(spec);
      window.vegaEmbed(element, spec, narrow ? NARROW : OPTIONS).catch((error) => {
        console.warn("Chart could not be drawn; the table shows the same figures", error);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  // Charts that arrive in an HTMX swap are drawn too.
  document.addEventListener("htmx:afterSettle", (event) => draw(event.target));
})();

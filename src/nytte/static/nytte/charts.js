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

  const OPTIONS = {
    actions: false,
    ast: true,
    renderer: "svg",
    defaultStyle: false,
    tooltip: false,
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
      window.vegaEmbed(element, spec, OPTIONS).catch((error) => {
        console.warn("Chart could not be drawn; the table shows the same figures", error);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  // Charts that arrive in an HTMX swap are drawn too.
  document.addEventListener("htmx:afterSettle", (event) => draw(event.target));
})();

// Benefits map: pointing at a box (or moving to it with Tab) highlights every path through
// it, upstream to the initiatives and downstream to the goals. Progressive enhancement only:
// without this file the map is still drawn on the server and the lists say the same.
(function () {
  "use strict";

  function walk(start, links) {
    // Every box reachable from `start` along `links`, and the links used on the way.
    const nodes = new Set([start]);
    const edges = new Set();
    const queue = [start];
    while (queue.length) {
      const key = queue.shift();
      (links.get(key) || []).forEach(([next, edge]) => {
        edges.add(edge);
        if (!nodes.has(next)) {
          nodes.add(next);
          queue.push(next);
        }
      });
    }
    return { nodes, edges };
  }

  function setUp(svg) {
    const forward = new Map();
    const backward = new Map();
    const edges = Array.from(svg.querySelectorAll("[data-from][data-to]"));
    edges.forEach((edge) => {
      const from = edge.dataset.from;
      const to = edge.dataset.to;
      if (!forward.has(from)) forward.set(from, []);
      if (!backward.has(to)) backward.set(to, []);
      forward.get(from).push([to, edge]);
      backward.get(to).push([from, edge]);
    });
    const nodes = Array.from(svg.querySelectorAll("[data-node]"));

    function clear() {
      svg.classList.remove("is-highlighting");
      svg.querySelectorAll(".is-lit").forEach((element) => element.classList.remove("is-lit"));
    }

    function highlight(key) {
      clear();
      const down = walk(key, forward);
      const up = walk(key, backward);
      svg.classList.add("is-highlighting");
      nodes.forEach((node) => {
        if (down.nodes.has(node.dataset.node) || up.nodes.has(node.dataset.node)) {
          node.classList.add("is-lit");
        }
      });
      down.edges.forEach((edge) => edge.classList.add("is-lit"));
      up.edges.forEach((edge) => edge.classList.add("is-lit"));
    }

    nodes.forEach((node) => {
      node.addEventListener("mouseenter", () => highlight(node.dataset.node));
      node.addEventListener("focus", () => highlight(node.dataset.node));
      node.addEventListener("mouseleave", clear);
      node.addEventListener("blur", clear);
    });
    svg.addEventListener("keydown", (event) => {
      if (event.key === "Escape") clear();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("svg[data-benefits-map]").forEach(setUp);
  });
})();

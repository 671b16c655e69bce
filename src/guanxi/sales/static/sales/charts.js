// Report charts: reads the JSON handed over with json_script and draws an SVG bar chart with
// SVG attributes only (no inline styles, no innerHTML with data, no eval: CSP-safe).
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function draw(figure, data) {
    var labels = data.labels || [];
    var series = data.series || [];
    if (!labels.length || !series.length) { return; }
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) { max = v; } }); });
    if (max <= 0) { max = 1; }
    var rowHeight = 18 * series.length + 8, labelWidth = 190, width = 800, chartWidth = width - labelWidth - 90;
    var height = labels.length * rowHeight + 30;
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height, role: "img" });
    labels.forEach(function (label, i) {
      var y = 24 + i * rowHeight;
      svg.appendChild(el("text", { x: labelWidth - 6, y: y + 12, "text-anchor": "end" }, String(label).slice(0, 28)));
      series.forEach(function (s, k) {
        var value = s.values[i] || 0;
        var w = Math.max(0, (value / max) * chartWidth);
        var bar = el("rect", { x: labelWidth, y: y + k * 18, width: w.toFixed(1), height: 15, "class": "bar s" + k });
        bar.appendChild(el("title", {}, s.name + ": " + value.toLocaleString()));
        svg.appendChild(bar);
        svg.appendChild(el("text", { x: labelWidth + w + 4, y: y + k * 18 + 12 }, value.toLocaleString()));
      });
    });
    svg.appendChild(el("line", { x1: labelWidth, y1: 18, x2: labelWidth, y2: height, "class": "axis" }));
    var legend = el("g", { "class": "legend" });
    series.forEach(function (s, k) {
      legend.appendChild(el("rect", { x: labelWidth + k * 200, y: 2, width: 12, height: 12, "class": "bar s" + k }));
      legend.appendChild(el("text", { x: labelWidth + k * 200 + 16, y: 12 }, s.name));
    });
    svg.appendChild(legend);
    figure.appendChild(svg);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
      var source = document.getElementById(figure.getAttribute("data-chart"));
      if (source) { draw(figure, JSON.parse(source.textContent)); }
    });
  });
})();

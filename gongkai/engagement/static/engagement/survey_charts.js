// Draws one bar chart per survey question from the JSON block the page carries. The tables
// next to each chart hold the same numbers, so nothing is lost without JavaScript or ECharts.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("survey-chart-data");
    if (!source || typeof window.echarts === "undefined") { return; }
    JSON.parse(source.textContent).forEach(function (q) {
      var node = document.getElementById("chart-" + q.id);
      if (!node) { return; }
      node.style.height = Math.max(160, 48 * q.labels.length) + "px";
      window.echarts.init(node).setOption({
        aria: { enabled: true },
        grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: q.labels, inverse: true },
        series: [{ type: "bar", data: q.values, label: { show: true, position: "right" } }]
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

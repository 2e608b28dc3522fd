// Draws the data browser's chart from the JSON block the page carries: a line per series
// over time, or bars comparing regions for one period. The table under the chart holds the
// same numbers, so nothing is lost without JavaScript or without ECharts (then the figure
// stays hidden).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("data-chart-data");
    var figure = document.getElementById("data-chart-figure");
    var node = document.getElementById("data-chart");
    if (!source || !figure || !node || typeof window.echarts === "undefined") { return; }
    var chart = JSON.parse(source.textContent);
    if (!chart.series.length || !chart.categories.length) { return; }
    figure.hidden = false;
    var bar = chart.type === "bar";
    var instance = window.echarts.init(node);
    instance.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: chart.categories, boundaryGap: bar },
      yAxis: { type: "value", name: chart.units.join("、"), scale: !bar },
      series: chart.series.map(function (s) {
        return { name: s.name, type: bar ? "bar" : "line", data: s.data,
                 connectNulls: false, showSymbol: chart.categories.length <= 36 };
      })
    });
    window.addEventListener("resize", function () { instance.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

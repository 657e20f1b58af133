// KPI charts (Apache ECharts, vendored): spend, revenue and conversions by day; spend, revenue and ROI by channel.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  var wordsSource = document.getElementById("chart-words");
  if (!source || !wordsSource || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var words = JSON.parse(wordsSource.textContent);
  var charts = [];

  function draw(id, option) {
    var holder = document.getElementById(id);
    if (!holder) { return; }
    var chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }
  var common = { tooltip: { trigger: "axis", renderMode: "richText" }, legend: { top: 0 },
                 grid: { left: 48, right: 48, top: 36, bottom: 48 }, animation: false };

  draw("chart-days", Object.assign({}, common, {
    title: { text: words.days, left: "center", bottom: 0, textStyle: { fontSize: 12 } },
    xAxis: { type: "category", data: data.days },
    yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
    dataZoom: data.days.length > 60 ? [{ type: "inside", start: 100 - 6000 / data.days.length, end: 100 }] : [],
    series: [
      { name: words.spend, type: "line", data: data.spend, showSymbol: false },
      { name: words.revenue, type: "line", data: data.revenue, showSymbol: false },
      { name: words.conversions, type: "bar", yAxisIndex: 1, data: data.conversions }
    ]
  }));
  draw("chart-channels", Object.assign({}, common, {
    title: { text: words.channels, left: "center", bottom: 0, textStyle: { fontSize: 12 } },
    xAxis: { type: "category", data: data.channels },
    yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: words.spend, type: "bar", data: data.channel_spend },
      { name: words.revenue, type: "bar", data: data.channel_revenue },
      { name: words.roi, type: "line", yAxisIndex: 1, data: data.channel_roi }
    ]
  }));
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();

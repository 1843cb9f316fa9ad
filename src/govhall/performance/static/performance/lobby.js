/* 数据大屏: draws the day's charts with Apache ECharts (served from static/performance/vendor)
   and refreshes tiles and charts from one JSON endpoint (performance:lobby_data). */
(function () {
  "use strict";

  var TEXT = "#e6edf6";
  var AXIS = { axisLabel: { color: TEXT, fontSize: 16 }, axisLine: { lineStyle: { color: "#4d6f9c" } } };
  var labels = JSON.parse(document.getElementById("lobby-labels").textContent);
  var charts = {};

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) { return value == null ? value : value[key]; }, data);
  }

  function show(value, format) {
    if (value === null || value === undefined) { return "—"; }
    if (format === "percent") { return (value * 100).toFixed(1) + "%"; }
    if (format === "minutes") { return labels.minutes.replace("%(m)s", (value / 60).toFixed(1)); }
    return String(value);
  }

  function chart(id) {
    if (!charts[id]) { charts[id] = window.echarts.init(document.getElementById(id)); }
    return charts[id];
  }

  function empty(id, isEmpty) {
    var node = document.getElementById(id);
    return isEmpty ? { title: { show: true, text: node.dataset.empty, left: "center", top: "middle", textStyle: { color: "#9fb8d8", fontSize: 22, fontWeight: "normal" } } }
                   : { title: { show: false } };
  }

  function draw(data) {
    if (!window.echarts) { return; }
    var hours = data.hourly.map(function (row) { return labels.hour.replace("%(h)s", row.hour); });
    chart("chart-hourly").setOption(Object.assign({
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      xAxis: Object.assign({ type: "category", data: hours }, AXIS),
      yAxis: Object.assign({ type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#23436e" } } }, AXIS),
      series: [{ name: labels.issued, type: "bar", data: data.hourly.map(function (r) { return r.issued; }), itemStyle: { color: "#4fc3f7" } }]
    }, empty("chart-hourly", !data.hourly.length)), true);

    var rows = data.departments.slice(0, 10).reverse();
    chart("chart-departments").setOption(Object.assign({
      legend: { top: 0, right: 10, textStyle: { color: TEXT, fontSize: 16 } },
      grid: { left: 10, right: 30, top: 36, bottom: 10, containLabel: true },
      xAxis: Object.assign({ type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#23436e" } } }, AXIS),
      yAxis: Object.assign({ type: "category", data: rows.map(function (r) { return r.name; }) }, AXIS),
      series: [
        { name: labels.accepted, type: "bar", data: rows.map(function (r) { return r.accepted; }), itemStyle: { color: "#ffd666" }, label: { show: true, position: "right", color: TEXT } },
        { name: labels.completed, type: "bar", data: rows.map(function (r) { return r.completed; }), itemStyle: { color: "#69db7c" }, label: { show: true, position: "right", color: TEXT } }
      ]
    }, empty("chart-departments", !rows.length)), true);

    var levels = Object.keys(labels.levels).sort().reverse();
    chart("chart-ratings").setOption(Object.assign({
      color: ["#2f9e44", "#69db7c", "#ffd43b", "#ff8787", "#e03131"],
      legend: { bottom: 0, textStyle: { color: TEXT, fontSize: 16 } },
      series: [{
        type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        label: { color: TEXT, fontSize: 16, formatter: "{b}\n{c}" },
        data: levels.map(function (k) { return { name: labels.levels[k], value: data.ratings.by_level[k] || 0 }; })
             .filter(function (d) { return d.value > 0; })
      }]
    }, empty("chart-ratings", !data.ratings.total)), true);
  }

  function fill(data) {
    document.querySelectorAll("[data-lobby]").forEach(function (node) {
      var key = node.dataset.lobby;
      node.textContent = key === "at" ? data.at : show(pick(data, key), node.dataset.format);
    });
    draw(data);
  }

  function refresh(url) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { fill(data); } })
      .catch(function () { /* keep the last figures; the next poll tries again */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("lobby");
    draw(JSON.parse(document.getElementById("lobby-data").textContent));
    window.setInterval(function () { refresh(root.dataset.url); }, Number(root.dataset.interval));
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
  });
})();

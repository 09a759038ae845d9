/* IOC charts (vendored ECharts 6.1.0) and commune map (Leaflet from the feedback app), built from
   JSON data blocks — no inline scripts (strict CSP). */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var chart = data("ioc-chart-data");
  if (chart && window.echarts) {
    var monthly = document.getElementById("chart-monthly");
    if (monthly) {
      echarts.init(monthly).setOption({
        title: { text: "Theo tháng", textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis" }, legend: { bottom: 0, textStyle: { fontSize: 11 } },
        grid: { left: 40, right: 40, top: 40, bottom: 50 },
        xAxis: { type: "category", data: chart.months },
        yAxis: [{ type: "value", name: "Hồ sơ" }, { type: "value", name: "%", max: 100 }],
        series: [
          { name: "Hồ sơ tiếp nhận", type: "bar", data: chart.received },
          { name: "Đúng hạn %", type: "line", yAxisIndex: 1, data: chart.on_time_pct },
          { name: "Trực tuyến %", type: "line", yAxisIndex: 1, data: chart.online_pct },
          { name: "Số hóa %", type: "line", yAxisIndex: 1, data: chart.digitized_pct }
        ]
      });
    }
    var daily = document.getElementById("chart-daily");
    if (daily) {
      echarts.init(daily).setOption({
        title: { text: "30 ngày gần nhất", textStyle: { fontSize: 13 } },
        tooltip: { trigger: "axis" }, legend: { bottom: 0, textStyle: { fontSize: 11 } },
        grid: { left: 40, right: 20, top: 40, bottom: 50 },
        xAxis: { type: "category", data: chart.days },
        yAxis: { type: "value" },
        series: [
          { name: "Tiếp nhận", type: "line", data: chart.daily_received },
          { name: "Kết thúc", type: "line", data: chart.daily_ended }
        ]
      });
    }
  }
  var points = data("ioc-map-data");
  var mapEl = document.getElementById("ioc-map");
  if (points && mapEl && window.L && points.length) {
    var map = L.map(mapEl);
    if (mapEl.dataset.tiles) {
      L.tileLayer(mapEl.dataset.tiles, { maxZoom: 18, attribution: mapEl.dataset.attribution || "" }).addTo(map);
    }
    function colour(v) {
      if (v === null) { return "#9e9e9e"; }
      if (v >= 95) { return "#2e7d32"; }
      if (v >= 80) { return "#9ccc65"; }
      if (v >= 60) { return "#fbc02d"; }
      return "#c62828";
    }
    var bounds = [];
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 7, weight: 1, color: "#333", fillColor: colour(p.value), fillOpacity: 0.85 })
        .bindTooltip(p.name + ": " + (p.value === null ? "chưa có dữ liệu" : p.value + "%"))
        .addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    map.fitBounds(bounds);
  }
})();

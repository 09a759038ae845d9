/* Map of communes by digital-transformation index (Leaflet vendored by the feedback app). */
(function () {
  var el = document.getElementById("as-map");
  var dataEl = document.getElementById("as-map-data");
  if (!el || !dataEl || !window.L) return;
  var points = JSON.parse(dataEl.textContent);
  if (!points.length) { el.hidden = true; return; }
  function colour(v) {
    if (v === null) return "#999";
    if (v >= 0.8) return "#1b7f3b";
    if (v >= 0.65) return "#7cb342";
    if (v >= 0.5) return "#f9a825";
    return "#c62828";
  }
  var map = L.map(el);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (p) {
    var label = document.createElement("span");
    label.textContent = p.rank + ". " + p.name + ": " + (p.value === null ? "—" : p.value.toFixed(4));
    L.circleMarker([p.lat, p.lon], { radius: 8, weight: 1, color: "#333", fillColor: colour(p.value), fillOpacity: 0.85 })
      .bindTooltip(label).addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 12); else map.fitBounds(bounds, { padding: [20, 20] });
})();

/* Field reports: maps (vendored Leaflet) without inline scripts; settings come from data-
   attributes. Works without JavaScript too: the address field is the fallback. */
(function () {
  "use strict";
  function tiles(el, map) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  function center(el) {
    return [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  }

  function picker(el) {
    var map = L.map(el).setView(center(el), parseInt(el.dataset.zoom || "10", 10));
    tiles(el, map);
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var shown = document.getElementById("picked-point");
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      if (shown) { shown.textContent = lat.value + ", " + lon.value; }
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (lat.value && lon.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value))); map.setView(marker.getLatLng(), 16); }
    map.on("click", function (e) { place(e.latlng); });
    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(ll, 17); place(ll);
        });
      });
    }
  }

  function points(el) {
    var map = L.map(el).setView(center(el), parseInt(el.dataset.zoom || "9", 10));
    tiles(el, map);
    fetch(el.dataset.points, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, {
        onEachFeature: function (f, layer) {
          var a = document.createElement("a");
          a.href = f.properties.url;
          a.textContent = f.properties.number + " — " + f.properties.category + " (" + f.properties.status + ")";
          layer.bindPopup(a);
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 15, padding: [20, 20] }); }
    });
  }

  function single(el) {
    var map = L.map(el).setView(center(el), 16);
    tiles(el, map);
    L.marker(center(el)).addTo(map);
  }

  document.querySelectorAll("[data-map-picker]").forEach(picker);
  document.querySelectorAll("[data-map-points]").forEach(points);
  document.querySelectorAll("[data-map-single]").forEach(single);
})();

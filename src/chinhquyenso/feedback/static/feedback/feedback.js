/* Field reports: maps (vendored Leaflet) without inline scripts; settings come from data-
   attributes. Works without JavaScript too: the address field is the fallback.

   Leaflet (~40 KB compressed) is fetched only where a map is needed: at once on pages that show
   reports on a map, and on the report form only when the citizen asks for the map ("Chọn trên
   bản đồ") — "Dùng vị trí của tôi" and the address need no map, so a cheap phone on a slow
   network gets a usable form without it. */
(function () {
  "use strict";
  var me = document.currentScript;
  var loading = null;

  function leaflet() {
    if (window.L) { return Promise.resolve(window.L); }
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = me.dataset.leafletCss;
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = me.dataset.leafletJs;
      js.onload = function () { resolve(window.L); };
      js.onerror = function () { loading = null; reject(new Error("leaflet")); };
      document.head.appendChild(js);
    });
    return loading;
  }

  function tiles(el, map) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  function center(el) {
    return [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
  }

  function picker(el) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var shown = document.getElementById("picked-point");
    var open = document.getElementById("open-map");
    var map = null, marker = null;

    function set(la, lo) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      if (shown) { shown.textContent = lat.value + ", " + lon.value; }
      if (map) {
        var ll = L.latLng(la, lo);
        if (marker) { marker.setLatLng(ll); } else { marker = L.marker(ll).addTo(map); }
      }
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }
    if (lat.value && lon.value && shown) { shown.textContent = lat.value + ", " + lon.value; }

    function showMap() {
      if (map) { return; }
      if (open) { open.disabled = true; }
      leaflet().then(function () {
        el.hidden = false;
        map = L.map(el).setView(center(el), parseInt(el.dataset.zoom || "10", 10));
        tiles(el, map);
        if (lat.value && lon.value) {
          marker = L.marker(L.latLng(parseFloat(lat.value), parseFloat(lon.value))).addTo(map);
          map.setView(marker.getLatLng(), 16);
        }
        map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng); });
        if (open) { open.hidden = true; }
      }, function () {
        if (open) { open.disabled = false; }
      });
    }
    if (open) { open.hidden = false; open.addEventListener("click", showMap); }

    var locate = document.getElementById("locate-me");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          set(pos.coords.latitude, pos.coords.longitude);
          if (map) { map.setView([pos.coords.latitude, pos.coords.longitude], 17); }
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
  var shown = document.querySelectorAll("[data-map-points], [data-map-single]");
  if (shown.length) {
    leaflet().then(function () {
      document.querySelectorAll("[data-map-points]").forEach(points);
      document.querySelectorAll("[data-map-single]").forEach(single);
    });
  }
})();

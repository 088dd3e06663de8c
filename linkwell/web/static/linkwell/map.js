/* Progressive enhancement: a Leaflet map of the services on the current results page.
   Without JavaScript, or without Leaflet, the list is the whole page and the map stays hidden.
   Tiles only when the deployer configured LINKWELL_MAP_TILE_URL (nothing is fetched otherwise):
   without tiles the markers are still shown relative to each other and to the searched point. */
(function () {
  "use strict";
  var el = document.getElementById("app-map");
  var data = document.getElementById("app-map-markers");
  if (!el || !data || typeof window.L === "undefined") return;
  var markers;
  try { markers = JSON.parse(data.textContent); } catch (e) { return; }
  if (!markers.length) return;
  el.hidden = false;
  var L = window.L;
  var map = L.map(el, { scrollWheelZoom: false });
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: el.getAttribute("data-tile-attribution") || "", maxZoom: 19 }).addTo(map);
  } else {
    el.classList.add("app-map--no-tiles");
  }
  var bounds = [];
  var lat = parseFloat(el.getAttribute("data-centre-lat"));
  var lon = parseFloat(el.getAttribute("data-centre-lon"));
  if (!isNaN(lat) && !isNaN(lon)) {
    L.circleMarker([lat, lon], { radius: 6, color: "#330072", fillOpacity: 1 })
      .addTo(map).bindTooltip("Searched postcode");
    bounds.push([lat, lon]);
  }
  markers.forEach(function (m) {
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    L.circleMarker([m.lat, m.lon], { radius: 8, color: "#005eb8", fillOpacity: 0.8 })
      .addTo(map).bindPopup(link);
    bounds.push([m.lat, m.lon]);
  });
  map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
})();

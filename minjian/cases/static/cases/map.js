// The case map: points from the page itself, tiles only from the operator's own server.
// Without tiles (none configured, blocked or offline) the points are still drawn.
(function () {
  "use strict";
  var element = document.getElementById("case-map");
  var data = document.getElementById("case-points");
  if (!element || !data || typeof L === "undefined") {
    return;
  }
  var points = JSON.parse(data.textContent);
  var map = L.map(element, { zoomControl: true, attributionControl: true });
  var tileUrl = element.dataset.tileUrl;
  var notice = L.control({ position: "bottomleft" });
  notice.onAdd = function () {
    var box = L.DomUtil.create("div", "map-notice");
    box.textContent = element.dataset.noTiles;
    return box;
  };
  if (tileUrl) {
    var failures = 0;
    var layer = L.tileLayer(tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 18 });
    layer.on("tileerror", function () {
      failures += 1;
      if (failures === 4) {
        notice.addTo(map);
      }
    });
    layer.addTo(map);
  } else {
    notice.addTo(map);
  }
  var caseUrl = element.dataset.caseUrl;
  var bounds = [];
  points.forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.lng], { radius: 7, weight: 2 });
    var link = document.createElement("a");
    link.href = caseUrl.replace(/0\/$/, point.id + "/");
    link.textContent = point.title;
    marker.bindPopup(link);
    marker.addTo(map);
    bounds.push([point.lat, point.lng]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
  } else {
    map.setView([35.0, 105.0], 4);
  }
})();

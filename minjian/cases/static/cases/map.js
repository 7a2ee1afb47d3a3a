// The case map, drawn from Minjian's own server only: the provinces' outlines, then the
// prefectures' and counties' of the provinces in view as one zooms in; at low zoom each
// province (then prefecture) coloured by its number of cases under the page's filters;
// and a mark per case whose colour and shape say its state (the legend under the map
// says which), or where many are in view a circle per cell of a grid keyed to the zoom
// with their count, both asked of the server for each view (/cases/map/features.json).
// Tiles come only from the operator's own server, under the outlines. Every case is
// also listed beside the map, so that nothing needs this script.
(function () {
  "use strict";
  var element = document.getElementById("case-map");
  var textsData = document.getElementById("map-texts");
  if (!element || !textsData || typeof L === "undefined") {
    return;
  }
  var texts = JSON.parse(textsData.textContent);
  var english = document.documentElement.lang === "en";

  // From PREFECTURE_ZOOM, the prefectures of the provinces in view are drawn and
  // coloured instead of the provinces; from COUNTY_ZOOM, their counties are drawn,
  // and nothing is coloured any more: the marks are what one reads there.
  var PREFECTURE_ZOOM = 6;
  var COUNTY_ZOOM = 8;
  // The outlines' levels of detail (places: 0 about 2 km, 1 about 500 m, 2 about 100 m),
  // each fine enough for a pixel at these zooms.
  function detailFor(zoom) {
    if (zoom >= 10) {
      return 2;
    }
    return zoom >= COUNTY_ZOOM ? 1 : 0;
  }
  // The steps of the colours of the counts (map.css: choropleth-1 to -5).
  var STEPS = 5;

  var map = L.map(element, { zoomControl: true, attributionControl: true, minZoom: 2 });
  // The regions' names: above their outlines, under the marks of the cases.
  map.createPane("labels").style.zIndex = 450;
  var notice = L.control({ position: "bottomleft" });
  var noticeShown = false;
  function showNotice(text) {
    if (noticeShown) {
      return;
    }
    noticeShown = true;
    notice.onAdd = function () {
      var box = L.DomUtil.create("div", "map-notice");
      box.textContent = text;
      return box;
    };
    notice.addTo(map);
  }
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    var failures = 0;
    var tiles = L.tileLayer(tileUrl, { attribution: element.dataset.tileAttribution, maxZoom: 18 });
    tiles.on("tileerror", function () {
      failures += 1;
      if (failures === 4) {
        showNotice(texts.tiles_failed);
      }
    });
    tiles.addTo(map);
  }

  // --- The cases: clusters, and marks where few are in view ------------------------

  var legends = document.querySelector(".map-legends");
  var featuresUrl = element.dataset.featuresUrl;
  var status = document.getElementById("map-status");
  // Mainland China and its seas, as the map first shows it.
  map.fitBounds([[18.0, 73.0], [54.0, 135.0]]);
  function markOf(state) {
    var shape = document.querySelector('.state-legend svg[data-state="' + state + '"]');
    return shape ? shape.outerHTML : "";
  }
  function counted(template, count) {
    return template.replace("%(count)s", count.toLocaleString(document.documentElement.lang));
  }
  var marks = L.layerGroup().addTo(map);

  function caseMark(point) {
    var stateLabel = texts.states[point.state] || point.state;
    var name = point.title + " (" + stateLabel + ")";
    var marker = L.marker([point.lat, point.lng], {
      icon: L.divIcon({
        className: "case-marker case-marker-" + point.state,
        html: markOf(point.state),
        iconSize: [24, 24],
        iconAnchor: [12, 12],
        popupAnchor: [0, -10],
      }),
      title: name,
      riseOnHover: true,
    });
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.title;
    var popup = document.createElement("div");
    var state = document.createElement("p");
    state.className = "meta";
    state.textContent = stateLabel;
    popup.appendChild(link);
    popup.appendChild(state);
    marker.bindPopup(popup);
    marks.addLayer(marker);
    marker.getElement().setAttribute("aria-label", name);
  }

  // A cluster: a circle whose area grows with its count, the count written in it
  // (shortened, 1.2万 or 12K; the whole number is its name), zooming in when chosen.
  var compact = window.Intl && Intl.NumberFormat
    ? new Intl.NumberFormat(document.documentElement.lang, { notation: "compact" })
    : null;
  function clusterMark(cluster) {
    var size = Math.round(30 + 7 * Math.log10(cluster.count));
    var name = counted(cluster.count === 1 ? texts.cluster_one : texts.cluster_many, cluster.count);
    var text = document.createElement("span");
    text.textContent = compact ? compact.format(cluster.count) : "" + cluster.count;
    var marker = L.marker([cluster.lat, cluster.lng], {
      icon: L.divIcon({ className: "case-cluster", html: text, iconSize: [size, size] }),
      title: name,
      riseOnHover: true,
    });
    marker.on("click", function () {
      map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
    });
    marks.addLayer(marker);
    marker.getElement().setAttribute("aria-label", name);
  }

  // The features of the view, asked for once the map has stopped moving for a moment;
  // an answer for a view left since is dropped.
  var FEATURES_DELAY_MS = 250;
  var featuresTimer = null;
  var featuresAsked = 0;
  var featuresFailed = false;
  function loadFeatures() {
    var view = map.getBounds();
    var box = [
      Math.max(-180, view.getWest()),
      Math.max(-90, view.getSouth()),
      Math.min(180, view.getEast()),
      Math.min(90, view.getNorth()),
    ];
    if (box[0] >= box[2] || box[1] >= box[3]) {
      return;
    }
    var asked = (featuresAsked += 1);
    var separator = featuresUrl.indexOf("?") === -1 ? "?" : "&";
    var url =
      featuresUrl +
      separator +
      "bbox=" +
      box.map(function (value) { return value.toFixed(6); }).join(",") +
      "&zoom=" +
      Math.round(map.getZoom());
    fetchJson(url).then(
      function (answer) {
        if (asked !== featuresAsked) {
          return;
        }
        element.setAttribute("aria-busy", "false");
        marks.clearLayers();
        answer.clusters.forEach(clusterMark);
        answer.cases.forEach(caseMark);
        if (status) {
          status.textContent = counted(
            answer.total === 1 ? texts.in_view_one : texts.in_view_many,
            answer.total,
          );
        }
      },
      function () {
        element.setAttribute("aria-busy", "false");
        if (!featuresFailed) {
          featuresFailed = true;
          showNotice(texts.features_failed);
        }
      },
    );
  }
  function featuresLater() {
    // Until the marks of the new view are drawn, those shown are of the last one.
    element.setAttribute("aria-busy", "true");
    window.clearTimeout(featuresTimer);
    featuresTimer = window.setTimeout(loadFeatures, FEATURES_DELAY_MS);
  }
  // Leaflet ends every zoom with a moveend too.
  map.on("moveend", featuresLater);
  loadFeatures();
  if (legends) {
    legends.hidden = false;
  }

  // --- Counts of cases per region ----------------------------------------------

  var countsUrl = element.dataset.countsUrl;
  var counts = {};
  var countRequests = {};
  function countsOf(level) {
    if (!countRequests[level]) {
      var separator = countsUrl.indexOf("?") === -1 ? "?" : "&";
      // Without counts (filters the page refused), the outlines are drawn uncoloured.
      countRequests[level] = fetchJson(countsUrl + separator + "level=" + level).then(
        function (answer) {
          counts[level] = withSteps(answer);
          return counts[level];
        },
        function () {
          return null;
        },
      );
    }
    return countRequests[level];
  }

  // The upper bound of each step: one step per number up to STEPS, else steps growing
  // geometrically to the largest count, so that one crowded region leaves the others
  // readable.
  function withSteps(answer) {
    var largest = 0;
    Object.keys(answer.counts).forEach(function (code) {
      largest = Math.max(largest, answer.counts[code]);
    });
    var upper = [];
    for (var step = 1; step <= STEPS; step += 1) {
      var bound = largest <= STEPS ? step : Math.round(Math.pow(largest, step / STEPS));
      if (bound <= largest && (!upper.length || bound > upper[upper.length - 1])) {
        upper.push(bound);
      }
    }
    if (largest && upper[upper.length - 1] !== largest) {
      upper.push(largest);
    }
    answer.upper = upper;
    return answer;
  }

  function stepOf(level, count) {
    var upper = counts[level].upper;
    for (var index = 0; index < upper.length; index += 1) {
      if (count <= upper[index]) {
        // Few steps are spread over the whole range of colours.
        return Math.max(1, Math.round(((index + 1) * STEPS) / upper.length));
      }
    }
    return STEPS;
  }

  function caseCount(count) {
    return (count === 1 ? texts.case_one : texts.case_many).replace("%(count)s", count);
  }

  var countLegend = document.getElementById("count-legend");
  function showCountLegend(level) {
    if (!countLegend) {
      return;
    }
    var answer = counts[level];
    if (!answer) {
      countLegend.hidden = true;
      return;
    }
    document.getElementById("count-legend-title").textContent = texts.per_level[level];
    var list = countLegend.querySelector("ul");
    list.textContent = "";
    list.appendChild(legendRow(0, "0"));
    var lower = 1;
    answer.upper.forEach(function (upper) {
      list.appendChild(legendRow(stepOf(level, upper), lower === upper ? "" + upper : lower + "–" + upper));
      lower = upper + 1;
    });
    var counted = 0;
    Object.keys(answer.counts).forEach(function (code) {
      counted += answer.counts[code];
    });
    var uncounted = answer.total - counted;
    document.getElementById("count-legend-total").textContent = uncounted
      ? (uncounted === 1 ? texts.uncounted_one : texts.uncounted_many).replace("%(count)s", uncounted)
      : "";
    countLegend.hidden = false;
  }

  function legendRow(step, label) {
    var row = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.className = "swatch" + (step ? " choropleth-" + step : "");
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(label));
    return row;
  }

  // --- Outlines -------------------------------------------------------------------

  var outlinesUrl = element.dataset.outlinesUrl;
  var layers = {};
  var shown = {};
  var failed = false;

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": " + response.status);
      }
      return response.json();
    });
  }

  function outlineKey(level, within, detail) {
    return level + "/" + (within || "") + "/" + detail;
  }

  // The outlines of one level (under one province, if `within`), fetched once; the
  // layer comes with a promise of itself.
  function outlines(level, within, detail) {
    var key = outlineKey(level, within, detail);
    if (!layers[key]) {
      var url = outlinesUrl.replace(/1\.geojson$/, level + ".geojson") + "?detail=" + detail;
      if (within) {
        url += "&within=" + encodeURIComponent(within);
      }
      var countsReady = level < 3 ? countsOf(level) : Promise.resolve(null);
      layers[key] = Promise.all([fetchJson(url), countsReady]).then(function (found) {
        return outlineLayer(level, found[0], found[1]);
      });
      layers[key].catch(function () {
        if (!failed) {
          failed = true;
          showNotice(texts.outlines_failed);
        }
      });
    }
    return layers[key];
  }

  function nameOf(properties) {
    return english ? properties.name_en || properties.name_zh : properties.name_zh;
  }

  function outlineLayer(level, collection, levelCounts) {
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        var classes = "region-outline outline-" + level;
        var count = levelCounts ? levelCounts.counts[feature.properties.code] || 0 : 0;
        if (count) {
          classes += " choropleth-" + stepOf(level, count);
        }
        return { className: classes, weight: 1, fill: true };
      },
      onEachFeature: function (feature, layer) {
        var name = nameOf(feature.properties);
        if (levelCounts) {
          name += ": " + caseCount(levelCounts.counts[feature.properties.code] || 0);
        }
        layer.bindTooltip(name, { sticky: true });
      },
    });
    // The names, shown at the zooms where this level is the finest drawn (map.css).
    var labels = L.layerGroup(
      collection.features.filter(polygonal).map(function (feature) {
        var text = document.createElement("span");
        text.textContent = nameOf(feature.properties);
        return L.marker(labelPoint(feature.geometry), {
          pane: "labels",
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "region-label label-" + level, html: text, iconSize: null }),
        });
      }),
    );
    layer.on("add", function () {
      labels.addTo(map);
    });
    layer.on("remove", function () {
      map.removeLayer(labels);
    });
    return layer;
  }

  function polygonal(feature) {
    var type = feature.geometry && feature.geometry.type;
    return type === "Polygon" || type === "MultiPolygon";
  }

  // A point inside a region's largest polygon for its name: the middle of the widest
  // stretch of the polygon along the line across its middle latitude (the middle of
  // the bounds can fall outside: Hebei's, in Beijing).
  function labelPoint(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var largest = null;
    var largestArea = -1;
    polygons.forEach(function (polygon) {
      var box = L.latLngBounds(
        polygon[0].map(function (position) {
          return [position[1], position[0]];
        }),
      );
      var area = (box.getEast() - box.getWest()) * (box.getNorth() - box.getSouth());
      if (area > largestArea) {
        largestArea = area;
        largest = { rings: polygon, box: box };
      }
    });
    var latitude = largest.box.getCenter().lat;
    var crossings = [];
    largest.rings.forEach(function (ring) {
      for (var index = 1; index < ring.length; index += 1) {
        var a = ring[index - 1];
        var b = ring[index];
        if (a[1] <= latitude !== b[1] <= latitude) {
          crossings.push(a[0] + ((latitude - a[1]) / (b[1] - a[1])) * (b[0] - a[0]));
        }
      }
    });
    crossings.sort(function (x, y) {
      return x - y;
    });
    var best = [largest.box.getCenter().lng, largest.box.getCenter().lng];
    for (var pair = 0; pair + 1 < crossings.length; pair += 2) {
      if (crossings[pair + 1] - crossings[pair] > best[1] - best[0]) {
        best = [crossings[pair], crossings[pair + 1]];
      }
    }
    return [latitude, (best[0] + best[1]) / 2];
  }

  // The provinces whose outline meets the view.
  function provincesInView(provinces) {
    var view = map.getBounds();
    var codes = [];
    provinces.eachLayer(function (province) {
      if (view.intersects(province.getBounds())) {
        codes.push(province.feature.properties.code);
      }
    });
    return codes;
  }

  var provinces = null;
  // The outlines wanted for the view of the last update: one that arrives later is
  // shown only if it still is.
  var wantedNow = {};

  function show(key, layer) {
    shown[key] = layer;
    if (!map.hasLayer(layer)) {
      layer.addTo(map);
    }
  }

  function update() {
    var zoom = map.getZoom();
    var countedLevel = zoom < PREFECTURE_ZOOM ? 1 : zoom < COUNTY_ZOOM ? 2 : 0;
    element.classList.toggle("counts-1", countedLevel === 1);
    element.classList.toggle("counts-2", countedLevel === 2);
    // The counties' finer lines draw the provinces' borders too, where the coarse
    // outline of a province would stray from them.
    element.classList.toggle("shows-counties", zoom >= COUNTY_ZOOM);
    // The names of the finest regions drawn, once there is room for them.
    element.classList.toggle("labels-1", zoom === PREFECTURE_ZOOM - 1);
    element.classList.toggle("labels-2", zoom >= PREFECTURE_ZOOM && zoom < COUNTY_ZOOM);
    element.classList.toggle("labels-3", zoom >= COUNTY_ZOOM);
    if (countedLevel) {
      countsOf(countedLevel).then(function () {
        // The legend of the level coloured now, if the zoom has not moved on since.
        if (map.getZoom() === zoom) {
          showCountLegend(countedLevel);
        }
      });
    } else if (countLegend) {
      countLegend.hidden = true;
    }
    if (!provinces) {
      return;
    }
    var wanted = {};
    wanted[outlineKey(1, "", 0)] = true;
    wantedNow = wanted;
    var detail = detailFor(zoom);
    var under = zoom >= COUNTY_ZOOM ? 3 : zoom >= PREFECTURE_ZOOM ? 2 : 0;
    if (under) {
      provincesInView(provinces).forEach(function (code) {
        var key = outlineKey(under, code, under === 2 ? 0 : detail);
        wanted[key] = true;
        outlines(under, code, under === 2 ? 0 : detail).then(function (layer) {
          if (under === 2 && !layer.getLayers().length) {
            // A municipality (Beijing) holds its counties directly: the province
            // itself keeps the colour of its count.
            markWithoutPrefectures(code);
          }
          if (wantedNow[key]) {
            show(key, layer);
          }
        });
      });
    }
    Object.keys(shown).forEach(function (key) {
      if (!wanted[key]) {
        map.removeLayer(shown[key]);
        delete shown[key];
      }
    });
  }

  function markWithoutPrefectures(code) {
    provinces.eachLayer(function (province) {
      if (province.feature.properties.code === code && province.getElement()) {
        province.getElement().classList.add("keeps-counts");
      }
    });
  }

  map.on("zoomend moveend", update);
  update();
  outlines(1, "", 0).then(function (layer) {
    provinces = layer;
    show(outlineKey(1, "", 0), layer);
    // Under the marks, whatever is drawn later.
    layer.bringToBack();
    update();
  });
})();

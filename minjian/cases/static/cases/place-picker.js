// The place on the report form: tap the map (or "use my location") to put the pin, and
// the region is found from it; or type the region's name and pick it from those that
// match. The chosen region goes in the hidden field region_code, the pin in latitude and
// longitude. Without JavaScript the form works without any of this: the name is found on
// the server, or the region chosen from the list.
//
// The map needs no tile server: it draws the province outlines Minjian serves, and the
// county outlines of the province in view once zoomed in; tiles, when an operator has
// their own (data-tile-url), lie under them. Leaflet is fetched when the map comes near
// the screen (on a phone it lies below the first screenful), so the form is ready first.
(function () {
  "use strict";
  var picker = document.getElementById("place-picker");
  var nameInput = document.getElementById("id_region_name");
  if (!picker || !nameInput || !window.fetch) {
    return;
  }
  var form = nameInput.form;
  var data = picker.dataset;
  var suggestions = document.getElementById("region-suggestions");
  var status = document.getElementById("place-status");
  var latitudeInput = document.getElementById("id_latitude");
  var longitudeInput = document.getElementById("id_longitude");
  var codeInput = form.querySelector("input[type=hidden][name=region_code]");
  var CHINA = [[18.0, 73.5], [53.6, 135.1]];
  var COUNTIES_FROM_ZOOM = 7;

  function say(text) {
    status.textContent = text;
  }

  function named(template, name) {
    return template.replace("%(name)s", name);
  }

  function label(name, parentName) {
    return parentName ? name + " · " + parentName : name;
  }

  // The hidden field that carries the choice. Where the server offered the regions a
  // typed name could mean (as radio buttons, for a form without JavaScript), picking
  // from the names as one types replaces them.
  function codeField() {
    if (!codeInput) {
      var offered = form.querySelector(".region-candidates");
      if (offered) {
        offered.remove();
      }
      codeInput = document.createElement("input");
      codeInput.type = "hidden";
      codeInput.name = "region_code";
      codeInput.id = "id_region_code";
      nameInput.parentNode.appendChild(codeInput);
    }
    return codeInput;
  }

  // `message` is what the status line says; none for the choice the page came back with.
  function choose(code, text, message) {
    codeField().value = code;
    nameInput.value = text;
    closeSuggestions();
    if (message !== null) {
      say(message || named(data.chosen, text));
    }
  }

  // --- The name, with the regions that match as she types -------------------------

  var options = [];
  var active = -1;
  var typing = null;
  var asked = 0;

  nameInput.setAttribute("role", "combobox");
  nameInput.setAttribute("aria-autocomplete", "list");
  nameInput.setAttribute("aria-controls", suggestions.id);
  nameInput.setAttribute("aria-expanded", "false");

  function closeSuggestions() {
    suggestions.hidden = true;
    suggestions.replaceChildren();
    options = [];
    active = -1;
    nameInput.setAttribute("aria-expanded", "false");
    nameInput.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    options.forEach(function (option, number) {
      option.element.setAttribute("aria-selected", number === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      nameInput.setAttribute("aria-activedescendant", options[index].element.id);
      options[index].element.scrollIntoView({ block: "nearest" });
    } else {
      nameInput.removeAttribute("aria-activedescendant");
    }
  }

  function showSuggestions(regions) {
    suggestions.replaceChildren();
    options = regions.map(function (region, index) {
      var element = document.createElement("li");
      element.id = "region-option-" + index;
      element.setAttribute("role", "option");
      element.setAttribute("aria-selected", "false");
      element.textContent = label(region.name, region.parent_name);
      element.addEventListener("mousedown", function (event) {
        // Before the input loses focus, so that the list is still there.
        event.preventDefault();
      });
      element.addEventListener("click", function () {
        pickSuggestion(index);
      });
      suggestions.appendChild(element);
      return { element: element, region: region };
    });
    if (!options.length) {
      var none = document.createElement("li");
      none.className = "no-match";
      none.textContent = data.noMatch;
      suggestions.appendChild(none);
    }
    suggestions.hidden = false;
    nameInput.setAttribute("aria-expanded", options.length ? "true" : "false");
    active = -1;
  }

  function pickSuggestion(index) {
    var region = options[index].region;
    choose(region.code, label(region.name, region.parent_name));
    showRegionOnMap(region.code);
  }

  function search(text) {
    var number = ++asked;
    fetch(data.searchUrl + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (regions) {
        // An answer to an older question, overtaken by the reporter's typing: dropped.
        if (number === asked && nameInput.value.trim() === text) {
          showSuggestions(regions);
        }
      })
      .catch(function () {
        // Offline or refused: the name is then found by the server when the form is sent.
      });
  }

  nameInput.addEventListener("input", function () {
    if (codeInput) {
      codeInput.value = "";
    }
    window.clearTimeout(typing);
    var text = nameInput.value.trim();
    if (!text) {
      closeSuggestions();
      return;
    }
    typing = window.setTimeout(function () {
      search(text);
    }, 250);
  });

  nameInput.addEventListener("keydown", function (event) {
    if (suggestions.hidden || !options.length) {
      if (event.key === "Enter" && codeInput && codeInput.value) {
        // The region is chosen: Enter in this field must not send the report.
        event.preventDefault();
      }
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      pickSuggestion(active >= 0 ? active : 0);
    } else if (event.key === "Escape") {
      closeSuggestions();
    }
  });

  nameInput.addEventListener("blur", function () {
    window.setTimeout(closeSuggestions, 150);
  });

  // --- The map -------------------------------------------------------------------

  var map = null;
  var pin = null;
  var provinces = null;
  var countyLayers = {};
  var shownProvince = null;
  var drawnCounties = null;

  function coordinate(input, limit) {
    var value = parseFloat((input.value || "").trim());
    return isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  function putPin(latitude, longitude) {
    if (!map) {
      return;
    }
    if (pin) {
      pin.setLatLng([latitude, longitude]);
    } else {
      pin = L.circleMarker([latitude, longitude], {
        radius: 9,
        weight: 3,
        color: "#b3261e",
        fillColor: "#b3261e",
        fillOpacity: 0.5,
        interactive: false,
      }).addTo(map);
    }
  }

  function regionOfPoint(latitude, longitude) {
    latitudeInput.value = latitude.toFixed(6);
    longitudeInput.value = longitude.toFixed(6);
    putPin(latitude, longitude);
    say(data.lookingUp);
    var address = data.atUrl + "?lat=" + latitude.toFixed(6) + "&lng=" + longitude.toFixed(6);
    fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) {
          say(data.notFound);
          return null;
        }
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (found) {
        if (!found) {
          return;
        }
        var parent = found.path.length > 1 ? found.path[found.path.length - 2].name : "";
        var text = label(found.name, parent);
        choose(found.code, text, named(data.found, text));
        showCounties(found.path[0].code);
      })
      .catch(function () {
        say(data.lookupFailed);
      });
  }

  function outlineStyle(weight) {
    return { color: "#4a5560", weight: weight, fill: false, interactive: false };
  }

  function loadOutlines(address) {
    return fetch(address, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  // The county outlines of a province, loaded once: a promise of their layer.
  function countiesOf(provinceCode) {
    if (!countyLayers[provinceCode]) {
      // At the detail made for drawing one province (1).
      var address = data.countiesUrl + "?detail=1&within=" + encodeURIComponent(provinceCode);
      countyLayers[provinceCode] = loadOutlines(address).then(function (collection) {
        return L.geoJSON(collection, { style: outlineStyle(0.6) });
      });
      countyLayers[provinceCode].catch(function () {
        delete countyLayers[provinceCode];
      });
    }
    return countyLayers[provinceCode];
  }

  // Draws the county outlines of one province (those of the one before go); a promise
  // of their layer, or of null when they could not be loaded.
  function showCounties(provinceCode) {
    if (!map || !provinceCode) {
      return Promise.resolve(null);
    }
    shownProvince = provinceCode;
    return countiesOf(provinceCode).then(
      function (layer) {
        if (shownProvince === provinceCode && drawnCounties !== layer) {
          if (drawnCounties) {
            map.removeLayer(drawnCounties);
          }
          drawnCounties = layer.addTo(map);
        }
        return layer;
      },
      function () {
        return null;
      }
    );
  }

  // Which province holds a point, from the outlines already drawn (ray casting).
  function insideRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function insidePolygon(rings, x, y) {
    if (!insideRing(rings[0], x, y)) {
      return false;
    }
    return !rings.slice(1).some(function (hole) {
      return insideRing(hole, x, y);
    });
  }

  function provinceAt(latLng) {
    if (!provinces) {
      return null;
    }
    var found = null;
    provinces.features.some(function (feature) {
      var geometry = feature.geometry || {};
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates || [];
      if (polygons.some(function (rings) { return insidePolygon(rings, latLng.lng, latLng.lat); })) {
        found = feature.properties.code;
        return true;
      }
      return false;
    });
    return found;
  }

  // The province of a region: its code's first two digits, then zeros (GB/T 2260); none
  // for another country's codes, whose outlines then follow the map's moves.
  function provinceOf(code) {
    return /^\d{6}$/.test(code) ? code.slice(0, 2) + "0000" : null;
  }

  // A region picked by its name: the map shows its county, ready for the pin to be put
  // in it.
  function showRegionOnMap(code) {
    showCounties(provinceOf(code)).then(function (layer) {
      if (!layer) {
        return;
      }
      layer.eachLayer(function (county) {
        if (county.feature && county.feature.properties.code === code) {
          map.fitBounds(county.getBounds(), { maxZoom: 12 });
        }
      });
    });
  }

  function loadLeaflet(then) {
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = data.leafletCss;
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = data.leafletJs;
    script.addEventListener("load", then);
    script.addEventListener("error", then);
    document.head.appendChild(script);
  }

  function whenNear(element, then) {
    if (!("IntersectionObserver" in window)) {
      then();
      return;
    }
    var watcher = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          watcher.disconnect();
          then();
        }
      },
      { rootMargin: "400px 0px" }
    );
    watcher.observe(element);
  }

  function startMap() {
    var element = document.getElementById("place-map");
    if (typeof L === "undefined") {
      element.hidden = true;
      return;
    }
    // Fractional zoom, so that the whole country fills a phone's width.
    map = L.map(element, {
      zoomControl: true,
      zoomSnap: 0.25,
      attributionControl: Boolean(data.tileUrl),
    });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 18 }).addTo(map);
    }
    map.fitBounds(CHINA);
    loadOutlines(data.provincesUrl)
      .then(function (collection) {
        provinces = collection;
        L.geoJSON(collection, { style: outlineStyle(1.2) }).addTo(map);
      })
      .catch(function () {
        // Without outlines the pin can still be put; the name says the rest.
      });
    map.on("click", function (event) {
      regionOfPoint(event.latlng.lat, event.latlng.lng);
    });
    map.on("moveend", function () {
      if (map.getZoom() >= COUNTIES_FROM_ZOOM) {
        var code = provinceAt(map.getCenter());
        if (code) {
          showCounties(code);
        }
      }
    });
    var latitude = coordinate(latitudeInput, 90);
    var longitude = coordinate(longitudeInput, 180);
    if (latitude !== null && longitude !== null) {
      putPin(latitude, longitude);
      map.setView([latitude, longitude], 11);
      showCounties(provinceOf(codeInput ? codeInput.value : ""));
    } else if (codeInput && codeInput.value) {
      showRegionOnMap(codeInput.value);
    }
  }

  // --- "Use my location" -----------------------------------------------------------

  var locate = document.getElementById("use-my-location");
  if (navigator.geolocation) {
    locate.addEventListener("click", function () {
      say(data.locating);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var latitude = position.coords.latitude;
          var longitude = position.coords.longitude;
          if (map) {
            map.setView([latitude, longitude], 10);
          }
          regionOfPoint(latitude, longitude);
        },
        function () {
          say(data.locationFailed);
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  } else {
    locate.hidden = true;
  }

  // Coordinates typed by hand put the pin too.
  [latitudeInput, longitudeInput].forEach(function (input) {
    input.addEventListener("change", function () {
      var latitude = coordinate(latitudeInput, 90);
      var longitude = coordinate(longitudeInput, 180);
      if (latitude !== null && longitude !== null) {
        if (map) {
          map.setView([latitude, longitude], Math.max(map.getZoom(), 11));
        }
        regionOfPoint(latitude, longitude);
      }
    });
  });

  // --- Start ---------------------------------------------------------------------

  picker.hidden = false;
  // The name and the map say the place; the list and its "narrow down" are for forms
  // without JavaScript, and stay only when the server refused what was chosen there.
  var list = form.querySelector(".region-list");
  if (list && !list.querySelector(".errorlist")) {
    list.hidden = true;
  }
  form.querySelectorAll(".region-search button[name=narrow]").forEach(function (button) {
    button.hidden = true;
  });
  if (data.chosenCode && !nameInput.value) {
    choose(data.chosenCode, data.chosenLabel, null);
  }
  whenNear(document.getElementById("place-map"), function () {
    loadLeaflet(startMap);
  });

  // One tap sends one report: the button waits once the form is on its way (unless
  // something, such as the anti-spam check still running, held the sending back).
  var send = form.querySelector("button.send-report");
  form.addEventListener("submit", function (event) {
    if (event.submitter !== send) {
      return;
    }
    window.setTimeout(function () {
      if (!event.defaultPrevented) {
        send.disabled = true;
      }
    }, 0);
  });
  window.addEventListener("pageshow", function () {
    send.disabled = false;
  });
})();

// "Is it one of these?" on the report form: as the reporter writes her title and
// description, the public cases most like them are asked for (POST
// /api/v1/cases/similar, with the region or the point when she has chosen one) and
// listed under the description, each with a button that takes what she wrote and the
// photos she chose to that case, as an addition rather than a new report.
//
// Made for a slow phone link: asked only once she has stopped typing for a moment
// (DELAY), once there is enough text to compare (MIN_CHARACTERS), never twice for the
// same text and place, one request at a time (a newer one aborts the one under way),
// no cookies, five cases at most. Told to wait (429), it waits as long as it is told.
// Without JavaScript the form's "Check for similar cases" button shows the same list,
// made by the server (cases/_similar_cases.html): this builds the same markup.
(function () {
  "use strict";
  var panel = document.getElementById("similar-cases");
  var title = document.getElementById("id_title");
  var description = document.getElementById("id_description");
  if (!panel || !title || !description || !window.fetch || !window.AbortController) {
    return;
  }
  var form = title.form;
  var data = panel.dataset;
  var labels = JSON.parse(data.labels || "{}");
  var list = panel.querySelector(".similar-list");
  var status = document.getElementById("similar-status");
  var dismiss = panel.querySelector(".similar-dismiss");
  var language = document.documentElement.lang || "";
  var DELAY = 700;
  var MIN_CHARACTERS = 8;
  var SHOWN = 5;
  // Enough of a long description to find its case by; the request stays small.
  var MAX_DESCRIPTION = 2000;

  var timer = null;
  var running = null;
  var asked = "";
  var shownIds = panel.hidden ? "" : "server";
  var dismissed = false;
  var waitUntil = 0;

  // The list comes by itself: the button that asks the server for it is not needed.
  var checkButton = document.getElementById("check-similar");
  if (checkButton) {
    checkButton.hidden = true;
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) {
      made.className = className;
    }
    if (text) {
      made.textContent = text;
    }
    return made;
  }

  function characters(text) {
    return Array.from(text.replace(/\s+/g, "")).length;
  }

  function value(selector) {
    var field = form.querySelector(selector);
    return field && field.value ? field.value.trim() : "";
  }

  // The region she chose, the most deliberate choice first (as the server reads it).
  function regionCode() {
    return (
      value("input[name=region_code]:checked") ||
      value("input[type=hidden][name=region_code]") ||
      value("select[name=county]") ||
      value("select[name=region]")
    );
  }

  function question() {
    var typedTitle = title.value.trim();
    var typedDescription = description.value.trim();
    if (characters(typedTitle + typedDescription) < MIN_CHARACTERS) {
      return null;
    }
    var body = {
      title: typedTitle,
      description: Array.from(typedDescription).slice(0, MAX_DESCRIPTION).join(""),
      limit: SHOWN,
    };
    var latitude = parseFloat(value("#id_latitude"));
    var longitude = parseFloat(value("#id_longitude"));
    if (isFinite(latitude) && isFinite(longitude)) {
      body.latitude = latitude;
      body.longitude = longitude;
    }
    var code = regionCode();
    if (code) {
      body.region = code;
    }
    return body;
  }

  function day(iso) {
    try {
      return new Intl.DateTimeFormat("en-CA", {
        timeZone: data.timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
      }).format(new Date(iso));
    } catch (error) {
      return iso.slice(0, 10);
    }
  }

  // A case's address from the page's address of case 0 ("/cases/0/add/").
  function caseAddress(template, id) {
    var at = template.lastIndexOf("/0/");
    return template.slice(0, at) + "/" + id + "/" + template.slice(at + 3);
  }

  function item(found) {
    var entry = element("li", "similar-case");
    var photo = found.photos && found.photos[0];
    if (photo) {
      var image = element("img");
      image.src = photo.thumbnail_url;
      image.alt = "";
      image.width = 64;
      image.height = 48;
      image.loading = "lazy";
      entry.appendChild(image);
    } else {
      entry.appendChild(element("span", "similar-case-no-photo"));
    }
    var body = element("div", "similar-case-body");
    var link = element("a", "", found.title);
    link.href = caseAddress(data.detailUrl, found.id);
    link.target = "_blank";
    link.rel = "noopener";
    link.appendChild(element("span", "visually-hidden", data.newTab));
    var meta = element("p", "meta");
    var states = labels.states || {};
    meta.appendChild(element("span", "state state-" + found.state, states[found.state] || found.state));
    if (found.verdict && found.verdict !== "unverified") {
      var verdicts = labels.verdicts || {};
      meta.append(" ");
      meta.appendChild(
        element("span", "state verdict verdict-" + found.verdict, verdicts[found.verdict] || found.verdict)
      );
    }
    meta.append(" · " + found.region.name);
    if (found.published_at) {
      var time = element("time", "", day(found.published_at));
      time.dateTime = time.textContent;
      meta.append(" · ");
      meta.appendChild(time);
    }
    var add = element("button", "secondary", data.addLabel);
    add.type = "submit";
    add.name = "from_report";
    add.value = "1";
    add.formAction = caseAddress(data.addUrl, found.id);
    add.formNoValidate = true;
    body.appendChild(link);
    body.appendChild(meta);
    body.appendChild(add);
    entry.appendChild(body);
    return entry;
  }

  function show(results) {
    var ids = results
      .map(function (found) {
        return found.id;
      })
      .join(",");
    var none = form.querySelector(".similar-none");
    if (none) {
      none.remove();
    }
    if (ids === shownIds) {
      return;
    }
    shownIds = ids;
    // Kept in place while the list changes: what lies below does not move twice.
    list.replaceChildren.apply(list, results.map(item));
    panel.hidden = results.length === 0;
    if (!results.length) {
      status.textContent = "";
    } else if (results.length === 1) {
      status.textContent = data.foundOne;
    } else {
      status.textContent = data.foundMany.replace("%(count)s", String(results.length));
    }
  }

  function lookUp() {
    timer = null;
    if (dismissed || Date.now() < waitUntil) {
      return;
    }
    var body = question();
    if (!body) {
      asked = "";
      if (running) {
        running.abort();
        running = null;
      }
      show([]);
      return;
    }
    var sent = JSON.stringify(body);
    if (sent === asked) {
      return;
    }
    asked = sent;
    if (running) {
      running.abort();
    }
    var controller = new AbortController();
    running = controller;
    fetch(data.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        // The page's language, since no cookie goes with the question.
        "Accept-Language": language,
      },
      body: sent,
      credentials: "omit",
      signal: controller.signal,
    })
      .then(function (response) {
        if (response.status === 429) {
          var seconds = parseInt(response.headers.get("Retry-After") || "60", 10);
          waitUntil = Date.now() + (isFinite(seconds) ? seconds : 60) * 1000;
          asked = "";
          return null;
        }
        // A title too long, a place that is not one: the form says so when it is sent.
        return response.ok ? response.json() : { results: [] };
      })
      .then(
        function (answer) {
          if (running !== controller) {
            return;
          }
          running = null;
          if (answer && !dismissed) {
            show(answer.results.slice(0, SHOWN));
          }
        },
        function () {
          // Aborted by a newer question, or the link dropped: asked again next time.
          if (running === controller) {
            running = null;
            asked = "";
          }
        }
      );
  }

  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(lookUp, DELAY);
  }

  title.addEventListener("input", later);
  description.addEventListener("input", later);
  // A place chosen from the lists changes which cases come first.
  form.addEventListener("change", function (event) {
    var name = event.target && event.target.name;
    if (name === "region" || name === "county" || name === "region_code") {
      later();
    }
  });

  dismiss.addEventListener("click", function (event) {
    event.preventDefault();
    dismissed = true;
    if (timer) {
      clearTimeout(timer);
    }
    if (running) {
      running.abort();
      running = null;
    }
    panel.hidden = true;
    status.textContent = "";
    var next = document.getElementById("id_topic");
    if (next) {
      next.focus();
    }
  });

  // Text typed before this script ran (a slow link) or given back by the browser.
  if (question()) {
    later();
  }
})();

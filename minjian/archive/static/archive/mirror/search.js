// The static mirror's offline search (minjian/archive/search_index.py says how the index
// is made). Works from file://: the index is loaded with script elements, never fetch().
(function () {
  "use strict";
  var box = document.getElementById("mirror-search");
  if (!box) {
    return;
  }
  var indexFolder = box.getAttribute("data-index");
  var status = document.getElementById("mirror-search-status");
  var results = document.getElementById("mirror-search-results");
  var chinese = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var pieces = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var query = new URLSearchParams(window.location.search).get("q") || "";
  var input = document.getElementById("mirror-query");
  input.value = query;

  function load(name, then) {
    var script = document.createElement("script");
    script.src = indexFolder + name;
    script.onload = then;
    script.onerror = function () {
      status.textContent = box.getAttribute("data-missing") + " " + indexFolder + name;
    };
    document.head.appendChild(script);
  }

  // As the site folds text (minjian.core.text.fold): NFKC, lower case, simplified.
  function fold(text, table) {
    var folded = "";
    Array.from(text.normalize("NFKC").toLowerCase().normalize("NFKC")).forEach(function (c) {
      folded += table[c] || c;
    });
    return folded;
  }

  // The query's terms, cut as the index's are (search_index.terms_of).
  function termsOf(text, table) {
    var terms = [];
    (fold(text, table).match(/[\p{L}\p{N}\p{M}]+/gu) || []).forEach(function (word) {
      (word.match(pieces) || []).forEach(function (piece) {
        var characters = Array.from(piece);
        if (!chinese.test(characters[0])) {
          terms.push(piece);
        } else if (characters.length === 1) {
          terms.push(piece);
        } else {
          for (var i = 0; i + 1 < characters.length; i++) {
            terms.push(characters[i] + characters[i + 1]);
          }
        }
      });
    });
    return terms.filter(function (term, at) {
      return terms.indexOf(term) === at;
    });
  }

  function show(search, pageNumbers) {
    results.textContent = "";
    if (pageNumbers.length === 0) {
      status.textContent = box.getAttribute("data-none");
      return;
    }
    status.textContent = box.getAttribute("data-found") + " " + pageNumbers.length;
    pageNumbers.forEach(function (number) {
      var page = search.pages[number];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = page[0];
      link.textContent = page[1];
      item.appendChild(link);
      results.appendChild(item);
    });
  }

  function run(search) {
    var terms = termsOf(query, search.fold);
    if (terms.length === 0) {
      return;
    }
    var shards = {};
    var wanted = terms.map(function (term) {
      return term.codePointAt(0) % search.shards;
    });
    var waiting = wanted.filter(function (shard, at) {
      return wanted.indexOf(shard) === at;
    });
    search.loaded = function (shard, postings) {
      shards[shard] = postings;
      if (waiting.every(function (each) { return each in shards; })) {
        var found = null;
        terms.forEach(function (term, at) {
          var pages = shards[wanted[at]][term] || [];
          found = found === null ? pages : found.filter(function (page) {
            return pages.indexOf(page) !== -1;
          });
        });
        show(search, found);
      }
    };
    waiting.forEach(function (shard) {
      load("terms-" + String(shard).padStart(2, "0") + ".js");
    });
  }

  load("pages.js", function () {
    run(window.MinjianMirrorSearch);
  });
})();

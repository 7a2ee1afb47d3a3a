// The list's region filter: as the reader types a region's name (Chinese, pinyin or
// English), the regions it may mean are offered (GET /api/v1/regions?q=); picking one
// puts its code in the form, so that two regions of one name are told apart. Without
// this script the typed name is found on the server, which offers the choices.
(function () {
  "use strict";
  var WAIT_MS = 200;

  function picker(box) {
    var input = box.querySelector('input[name="place"]');
    var url = box.dataset.regionsUrl;
    if (!input || !url) {
      return;
    }
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "region-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var timer = null;
    var asked = 0;
    var active = -1;

    function chosenCode() {
      return box.querySelector('input[name="region"]');
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(region) {
      input.value = region.name;
      var code = chosenCode();
      if (!code) {
        code = document.createElement("input");
        code.type = "hidden";
        code.name = "region";
        box.appendChild(code);
      }
      code.value = region.code;
      close();
    }

    function highlight(index) {
      var options = list.querySelectorAll('[role="option"]');
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function show(regions) {
      list.textContent = "";
      active = -1;
      regions.forEach(function (region, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.code = region.code;
        option.textContent = region.name;
        if (region.parent_name) {
          var parent = document.createElement("span");
          parent.className = "meta";
          parent.textContent = " (" + region.parent_name + ")";
          option.appendChild(parent);
        }
        // Before the input loses its focus, so that the click is not lost with the list.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(region);
        });
        list.appendChild(option);
      });
      list.hidden = !regions.length;
      input.setAttribute("aria-expanded", regions.length ? "true" : "false");
      list.regions = regions;
    }

    function ask() {
      var text = input.value.trim();
      if (!text) {
        close();
        return;
      }
      var number = ++asked;
      fetch(url + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (regions) {
          // Only the answer to what is typed now.
          if (number === asked && document.activeElement === input) {
            show(regions);
          }
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      // What is typed now is a new name: the server finds it, unless one is picked.
      var code = chosenCode();
      if (code) {
        code.remove();
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.regions[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("[data-region-picker]").forEach(picker);
})();

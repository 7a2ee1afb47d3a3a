// Lets a reporter draw extra blur boxes on the photos she is about to send.
// Boxes are kept as fractions of the photo as the browser shows it (upright), in
// hidden inputs blur_boxes_<photo number>; the server blurs them before it stores
// anything. Without JavaScript the form works as before, faces still blurred.
// Photos kept from an earlier sending of the form (.kept-photo, numbered first, their
// boxes in hidden inputs of the page) are drawn on in place; the files chosen now are
// numbered after them (data-first-number).
(function () {
  "use strict";
  var input = document.getElementById("id_photos");
  var area = document.getElementById("blur-editor");
  if (!input || !area || !window.URL) {
    return;
  }
  var form = input.form;
  var firstNumber = parseInt(area.dataset.firstNumber || "1", 10);

  function fraction(value) {
    return Math.min(1, Math.max(0, value)).toFixed(4);
  }

  // The browser shows what it can decode; for what it cannot (HEIC, but in Safari) the
  // server makes a small upright JPEG of the same photo, on which boxes are drawn alike:
  // they are fractions of the photo. Its refusal (not a photo, too large) is shown instead.
  function showPreview(image, file) {
    var local = URL.createObjectURL(file);
    image.addEventListener("error", function askTheServer() {
      image.removeEventListener("error", askTheServer);
      URL.revokeObjectURL(local);
      var body = new FormData();
      body.append("photo", file);
      body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      fetch(area.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.blob() : response.text().then(function (text) { throw new Error(text); });
        })
        .then(function (jpeg) { image.src = URL.createObjectURL(jpeg); })
        .catch(function (refusal) {
          var note = document.createElement("p");
          note.className = "errorlist";
          note.textContent = refusal.message;
          image.replaceWith(note);
        });
    });
    image.src = local;
  }

  function editor(file, number) {
    var figure = document.createElement("figure");
    figure.className = "blur-photo";
    var frame = document.createElement("div");
    frame.className = "blur-frame";
    var image = document.createElement("img");
    image.alt = area.dataset.photoLabel.replace("%(number)s", number);
    showPreview(image, file);
    image.draggable = false;
    frame.appendChild(image);
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "blur_boxes_" + number;
    hidden.value = "";
    hidden.dataset.chosenNow = "";
    form.appendChild(hidden);
    var caption = document.createElement("figcaption");
    caption.textContent = image.alt;
    caption.appendChild(drawable(frame, image, hidden));
    figure.appendChild(frame);
    figure.appendChild(caption);
    return figure;
  }

  // Drawing boxes on `image` inside `frame`, kept in `hidden` (which may hold boxes
  // already); returns the button that removes them.
  function drawable(frame, image, hidden) {
    var boxes = hidden.value.split(";").filter(Boolean).map(function (entry) {
      var numbers = entry.split(",").map(parseFloat);
      return { x: numbers[0], y: numbers[1], w: numbers[2], h: numbers[3] };
    });
    var start = null;
    var drawing = null;

    function point(event) {
      var bounds = image.getBoundingClientRect();
      return { x: (event.clientX - bounds.left) / bounds.width, y: (event.clientY - bounds.top) / bounds.height };
    }
    function place(element, box) {
      element.style.left = box.x * 100 + "%";
      element.style.top = box.y * 100 + "%";
      element.style.width = box.w * 100 + "%";
      element.style.height = box.h * 100 + "%";
    }
    boxes.forEach(function (box) {
      var drawn = document.createElement("div");
      drawn.className = "blur-box";
      place(drawn, box);
      frame.appendChild(drawn);
    });
    frame.addEventListener("pointerdown", function (event) {
      start = point(event);
      drawing = document.createElement("div");
      drawing.className = "blur-box";
      frame.appendChild(drawing);
      frame.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    frame.addEventListener("pointermove", function (event) {
      if (!start) {
        return;
      }
      var here = point(event);
      place(drawing, {
        x: Math.min(start.x, here.x), y: Math.min(start.y, here.y),
        w: Math.abs(here.x - start.x), h: Math.abs(here.y - start.y),
      });
    });
    frame.addEventListener("pointerup", function (event) {
      if (!start) {
        return;
      }
      var here = point(event);
      var box = {
        x: Math.max(0, Math.min(start.x, here.x)), y: Math.max(0, Math.min(start.y, here.y)),
        w: Math.abs(here.x - start.x), h: Math.abs(here.y - start.y),
      };
      start = null;
      if (box.w < 0.01 || box.h < 0.01) {
        drawing.remove();
        return;
      }
      box.w = Math.min(box.w, 1 - box.x);
      box.h = Math.min(box.h, 1 - box.y);
      boxes.push(box);
      hidden.value = boxes.map(function (b) {
        return [fraction(b.x), fraction(b.y), fraction(b.w), fraction(b.h)].join(",");
      }).join(";");
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "secondary";
    clear.textContent = area.dataset.clearLabel;
    clear.addEventListener("click", function () {
      boxes = [];
      hidden.value = "";
      frame.querySelectorAll(".blur-box").forEach(function (element) { element.remove(); });
    });
    return clear;
  }

  form.querySelectorAll(".kept-photo").forEach(function (kept) {
    var image = kept.querySelector("img");
    var hidden = kept.querySelector("input[name^='blur_boxes_']");
    var frame = document.createElement("div");
    frame.className = "blur-frame";
    image.draggable = false;
    image.replaceWith(frame);
    frame.appendChild(image);
    kept.insertBefore(drawable(frame, image, hidden), hidden);
  });

  input.addEventListener("change", function () {
    area.replaceChildren();
    form.querySelectorAll("input[data-chosen-now]").forEach(function (old) { old.remove(); });
    Array.prototype.forEach.call(input.files, function (file, index) {
      area.appendChild(editor(file, firstNumber + index));
    });
    area.hidden = input.files.length === 0;
  });
})();

// Lets a reporter draw extra blur boxes on the photos she is about to send.
// Boxes are kept as fractions of the photo as the browser shows it (upright), in
// hidden inputs blur_boxes_<photo number>; the server blurs them before it stores
// anything. Without JavaScript the form works as before, faces still blurred.
(function () {
  "use strict";
  var input = document.getElementById("id_photos");
  var area = document.getElementById("blur-editor");
  if (!input || !area || !window.URL) {
    return;
  }
  var form = input.form;

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
    form.appendChild(hidden);
    var boxes = [];
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
    var caption = document.createElement("figcaption");
    caption.textContent = image.alt;
    caption.appendChild(clear);
    figure.appendChild(frame);
    figure.appendChild(caption);
    return figure;
  }

  input.addEventListener("change", function () {
    area.replaceChildren();
    form.querySelectorAll("input[name^='blur_boxes_']").forEach(function (old) { old.remove(); });
    Array.prototype.forEach.call(input.files, function (file, index) {
      area.appendChild(editor(file, index + 1));
    });
    area.hidden = input.files.length === 0;
  });
})();

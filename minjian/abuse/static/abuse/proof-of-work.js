// Puts the ALTCHA widget into every [data-proof-of-work] slot of the page.
// Loaded as a module after the widget's own module, so $altcha exists. Everything
// comes from this host: the widget, its stylesheet, its worker and the challenge.
const slots = document.querySelectorAll("[data-proof-of-work]");
if (slots.length && globalThis.$altcha) {
  const first = slots[0].dataset;
  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = first.stylesheetUrl;
  document.head.append(stylesheet);
  const workerUrl = first.workerUrl;
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(workerUrl));
  globalThis.$altcha.i18n.set(first.language, {
    ...globalThis.$altcha.i18n.get("en"),
    ...JSON.parse(first.strings),
  });
  for (const slot of slots) {
    const widget = document.createElement("altcha-widget");
    widget.setAttribute("challenge", slot.dataset.challengeUrl);
    widget.setAttribute("auto", "onsubmit");
    widget.setAttribute("language", slot.dataset.language);
    widget.setAttribute(
      "configuration",
      JSON.stringify({ hideFooter: true, humanInteractionSignature: false }),
    );
    slot.replaceChildren(widget);
  }
}

// Page-wide accessibility helpers, loaded on every page.
(function () {
  "use strict";

  // Form errors (WCAG 3.3.1): when a page comes back with an error summary, move focus to it so a
  // screen reader reads the problems at once; its links move focus to the field they name (a plain
  // fragment link would only scroll). A container target focuses its first control.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var control = target.matches("input, select, textarea") ? target :
        target.querySelector("input:not([type=hidden]), select, textarea");
      if (!control) { return; }
      event.preventDefault();
      control.focus();
      (target.closest("fieldset, .mb-3, .mb-4") || control).scrollIntoView({ block: "center" });
    });
  }

  // A table wider than a narrow screen scrolls inside its box (WCAG 1.4.10); keyboard users must be
  // able to scroll it too, so a box that overflows becomes a tab stop (and stops being one if not).
  function scrollable() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  scrollable();
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(scrollable, 150);
  });
  window.pmoScrollable = scrollable;

  // A sticky Back/Next bar covers the bottom of the view: a field that takes focus under it (Chromium
  // counts a field at the very bottom as seen and does not scroll) is scrolled up above it, with its label.
  var bar = document.querySelector(".sticky-actions");
  if (bar) {
    document.addEventListener("focusin", function (event) {
      var field = event.target;
      if (bar.contains(field) || getComputedStyle(bar).position !== "sticky") { return; }
      // After the browser's own scroll to the focused field, which comes after this event.
      window.requestAnimationFrame(function () {
        var top = bar.getBoundingClientRect().top;
        var label = field.labels && field.labels[0];
        var bottom = Math.max(field.getBoundingClientRect().bottom, label ? label.getBoundingClientRect().bottom : 0);
        if (bottom > top - 8) { window.scrollBy(0, bottom - top + 24); }
      });
    });
  }
})();

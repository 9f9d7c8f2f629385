// The console's live parts refresh themselves every few seconds (304 while unchanged). A part
// is left alone while someone works in it: a field has the focus, a box is open, or a field holds a
// value the server refused (its reason beside it) until it is sent again.
(function () {
  "use strict";
  var parts = document.querySelectorAll("[data-live-fragment]");
  if (!parts.length || !window.fetch) { return; }
  var EVERY = 3000;
  var announcer = document.querySelector("[data-live-announce]");
  var news = Array.prototype.map.call(parts, function (part) {
    return window.pmoRoomNews ? window.pmoRoomNews(part, announcer) : function () {};
  });

  function busy(part) {
    return part.contains(document.activeElement) && document.activeElement !== document.body ||
      !!part.querySelector("details[open], [aria-invalid='true']");
  }

  function refresh(part, i) {
    if (busy(part) || document.hidden) { return Promise.resolve(); }
    return fetch(part.getAttribute("data-live-fragment"), { credentials: "same-origin", cache: "no-cache" })
      .then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.text();
      })
      .then(function (html) {
        if (html !== part.getAttribute("data-html") && !busy(part)) {
          part.innerHTML = html;  // the server's own escaped fragment
          part.setAttribute("data-html", html);
          news[i]();
        }
        part.removeAttribute("data-lost");
      })
      .catch(function () { part.setAttribute("data-lost", "1"); });
  }

  function tick() {
    Promise.all(Array.prototype.map.call(parts, refresh)).then(function () { setTimeout(tick, EVERY); });
  }
  setTimeout(tick, EVERY);
})();

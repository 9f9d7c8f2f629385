// The projector: swaps in the view the server prepared whenever it changes (polled, 304 while
// unchanged), steps through the results views with the arrow keys or the space bar, and goes
// full screen with F. It runs for hours: failures are retried with a back-off.
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  if (!stage || !window.fetch) { return; }
  var url = stage.getAttribute("data-stage-url");
  var screenUrl = stage.getAttribute("data-screen-url");
  var status = document.querySelector("[data-live-status]");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var announcer = document.querySelector("[data-live-announce]");
  var EVERY = 1500, failures = 0, timer = null;
  var news = window.pmoRoomNews ? window.pmoRoomNews(stage, announcer) : function () {};

  function schedule(ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(poll, ms);
  }

  function poll() {
    timer = null;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-cache" })
      .then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.json();
      })
      .then(function (body) {
        failures = 0;
        status.textContent = "";
        if (body.key !== stage.getAttribute("data-key")) {
          stage.innerHTML = body.html;  // the server's own escaped view
          stage.setAttribute("data-key", body.key);
          news();
        }
        stage.setAttribute("data-updated", String(Date.now()));
        schedule(EVERY);
      })
      .catch(function () {
        failures += 1;
        var wait = Math.min(30000, EVERY * Math.pow(2, failures));
        status.textContent = "Connection lost; trying again in " + Math.round(wait / 1000) + " s";
        schedule(wait);
      });
  }

  function step(direction) {
    if (!screenUrl) { return; }
    fetch(screenUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: "csrf_token=" + encodeURIComponent(csrf) + "&step=" + direction
    }).then(function () { schedule(0); }).catch(function () { schedule(0); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (key === "ArrowRight" || key === "ArrowDown" || key === "PageDown" || key === " ") {
      event.preventDefault(); step("next");
    } else if (key === "ArrowLeft" || key === "ArrowUp" || key === "PageUp") {
      event.preventDefault(); step("previous");
    } else if (key === "f" || key === "F") {
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
    }
  });
  document.addEventListener("dblclick", function () {
    if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen();
    }
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { schedule(0); } });
  schedule(EVERY);
})();

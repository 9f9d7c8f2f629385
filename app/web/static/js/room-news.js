// What a screen reader should hear when the workshop's room changes (the console and the projector):
// only what changed, in words ("2 more people joined; 3 answering, 5 submitted."), each change once,
// never left standing once the room it described has changed,
// never the clock. The state is read from the server's [data-room-state] element in the view.
(function () {
  "use strict";
  function state(root) {
    var el = root.querySelector("[data-room-state]");
    if (!el) { return null; }
    var n = function (name) { return parseInt(el.getAttribute("data-" + name), 10) || 0; };
    return { joined: n("joined"), in_progress: n("in-progress"), submitted: n("submitted"),
             revealed: el.getAttribute("data-revealed") === "1", status: el.getAttribute("data-status") };
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function said(previous, now) {
    var parts = [];
    if (previous && now) {
      var joined = now.joined - previous.joined, submitted = now.submitted - previous.submitted;
      if (joined > 0) { parts.push(plural(joined, "more person", "more people") + " joined"); }
      if (submitted > 0) { parts.push(plural(submitted, "more person", "more people") + " submitted"); }
      // The counts are said whenever one the screen shows moves, so the last thing said is never behind it.
      if (parts.length || now.in_progress !== previous.in_progress) {
        parts.push(now.in_progress + " answering, " + now.submitted + " submitted");
      }
      if (now.revealed && !previous.revealed) { parts.push("The results are now shown"); }
      if (!now.revealed && previous.revealed) { parts.push("The results are hidden again"); }
      if (now.status !== previous.status && now.status !== "open") { parts.push("The workshop is " + now.status); }
    }
    return parts.length ? parts.join("; ") + "." : "";
  }

  function moved(previous, now) {
    return !!(previous && now) && Object.keys(now).some(function (key) { return now[key] !== previous[key]; });
  }

  // news(root, announcer): call after each refresh of root; it says what changed since the last call,
  // and when the room changed with nothing to say, clears what was said before (it may no longer be true).
  // A refresh that leaves the room as it was (another part of the view changed) leaves it alone.
  window.pmoRoomNews = function (root, announcer) {
    var previous = state(root);
    return function () {
      var now = state(root), message = said(previous, now), changed = moved(previous, now);
      if (now) { previous = now; }
      if (announcer && (message || changed)) { announcer.textContent = message; }
    };
  };
})();

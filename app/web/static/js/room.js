// A participant's phone follows the room by itself: it polls a small state (304 while nothing
// changed) and, when the facilitator shows the results, fetches the room's picture into the
// page; when a second round opens it shows just that question, and returns to the page and
// question it was on when the vote ends (a page loaded during a vote is sent there by the server).
// A lost connection is said on the page and retried with a back-off; nobody needs to reload.
(function () {
  "use strict";
  var root = document.querySelector("[data-participant-state]");
  if (!root || !window.fetch) { return; }
  var stateUrl = root.getAttribute("data-state-url");
  var key = root.getAttribute("data-key");
  var myRound = root.getAttribute("data-round");  // set on the round page
  var waiting = root.getAttribute("data-waiting") === "1";
  var connection = root.querySelector("[data-connection]");
  var room = root.querySelector("[data-room]");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content;
  var FAST = 2000, SLOW = 10000, LONGEST = 30000;
  var failures = 0, timer = null;

  function schedule(ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(poll, ms);
  }

  function lost() {
    failures += 1;
    var wait = Math.min(LONGEST, FAST * Math.pow(2, failures));
    if (connection) {
      connection.hidden = false;
      connection.className = "connection small lost";
      connection.textContent = "Connection lost. Trying again in " + Math.round(wait / 1000) + " s… ";
      var now = document.createElement("button");
      now.type = "button";
      now.className = "btn btn-sm btn-outline-secondary ms-1";
      now.textContent = "Try now";
      now.addEventListener("click", function () { schedule(0); });
      connection.appendChild(now);
    }
    schedule(wait);
  }

  function found() {
    if (failures && connection) {
      connection.className = "connection small";
      connection.textContent = "Connected again.";
      setTimeout(function () { if (!failures) { connection.hidden = true; } }, 3000);
    }
    failures = 0;
  }

  function leaveTo(url) {
    var waited = 0;
    (function go() {  // answers being saved arrive first (at most two seconds)
      if (window.pmoAutosave && !window.pmoAutosave.idle() && waited < 2000) { waited += 100; setTimeout(go, 100); return; }
      location.assign(url);
    })();
  }

  function showRoom(body) {
    if (!room) { return Promise.resolve(); }
    if (!body.revealed) {
      if (root.getAttribute("data-revealed") === "1") {
        room.textContent = "";
        var note = document.createElement("p");
        note.className = "text-muted";
        note.textContent = "The facilitator has hidden the results for now.";
        room.appendChild(note);
        root.setAttribute("data-revealed", "0");
      }
      return Promise.resolve();
    }
    if (root.getAttribute("data-revealed") === "1") { return Promise.resolve(); }
    return fetch(root.getAttribute("data-room-url"), { credentials: "same-origin", cache: "no-cache" })
      .then(function (res) {
        if (res.status === 404) { return null; }  // nothing answered: nothing to show
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        room.innerHTML = html;  // the server's own escaped fragment
        root.setAttribute("data-revealed", "1");
        root.setAttribute("data-shown-at", String(Date.now()));
      });
  }

  function apply(body) {
    if (myRound) {
      if (String(body.round) !== myRound) {
        // Back to the page the phone was on, at the question it showed (#id).
        var back = root.getAttribute("data-back-url");
        leaveTo(back.indexOf("#") < 0 ? back + location.hash : back);
      }
      return Promise.resolve();
    }
    if (body.round && root.getAttribute("data-round-url") && body.status === "open") {
      leaveTo(root.getAttribute("data-round-url") + "?back=" + encodeURIComponent(location.pathname + location.hash));
      return Promise.resolve();
    }
    if (body.status !== "open" && root.getAttribute("data-closed") !== "1") {
      root.setAttribute("data-closed", "1");
      var closed = document.createElement("div");
      closed.className = "alert alert-info";
      closed.setAttribute("role", "status");
      closed.textContent = "This workshop has closed. Thank you for taking part.";
      root.insertBefore(closed, root.firstChild);
    }
    return showRoom(body);
  }

  function poll() {
    timer = null;
    fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-cache" })
      .then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.json();
      })
      .then(function (body) {
        found();
        var changed = body.key !== key;
        key = body.key;
        return (changed || root.getAttribute("data-revealed") !== (body.revealed ? "1" : "0") ? apply(body)
                                                                                             : Promise.resolve())
          .then(function () { schedule(waiting ? FAST : SLOW); });
      })
      .catch(lost);
  }

  // A vote is saved the moment it is tapped; a failed save is said and sent again.
  var vote = document.querySelector("form[data-vote]");
  if (vote) {
    var status = document.getElementById("save-status");
    var pendingLevel = null, tries = 0;
    var send = function () {
      if (pendingLevel === null) { return; }
      var level = pendingLevel;
      status.textContent = "Saving…";
      fetch(vote.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify({ level: level })
      }).then(function (res) {
        if (res.status === 409) { status.textContent = "The vote has ended."; pendingLevel = null; return; }
        if (!res.ok) { throw new Error("status " + res.status); }
        if (pendingLevel === level) { pendingLevel = null; }
        tries = 0;
        status.className = "save-status saved";
        status.textContent = "Your vote is in" + (level === "dk" ? " (don't know)." : ": level " + level + ".");
      }).catch(function () {
        tries += 1;
        var wait = Math.min(30, 2 * Math.pow(2, tries - 1));
        status.className = "save-status retrying";
        status.textContent = "Not saved yet (no connection). Trying again in " + wait + " s.";
        setTimeout(send, wait * 1000);
      });
    };
    vote.addEventListener("change", function (event) {
      if (event.target.name !== "level") { return; }
      pendingLevel = event.target.value;
      send();
    });
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) { schedule(0); } });
  schedule(waiting ? FAST : SLOW);
})();

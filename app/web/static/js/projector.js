// The live workshop view: polls the JSON endpoint every few seconds and redraws counts,
// charts and the discussion list without reloading. It keeps going for hours: failures
// are retried with a back-off, and nothing accumulates between polls.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-live-url");
  var status = root.querySelector("[data-live-status]");
  var delay = 3000, failures = 0, timer = null;
  var config = { responsive: true, displaylogo: false, displayModeBar: false };

  function text(el, value) { if (el) { el.textContent = value; } }

  function draw(id, fig) {
    var el = document.getElementById(id);
    if (!el || !fig || !window.Plotly) { return; }
    window.Plotly.react(el, fig.data || [], fig.layout || {}, config);
  }

  function discussion(items) {
    var list = root.querySelector("[data-discussion]");
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!items.length) {
      var empty = document.createElement("li");
      empty.textContent = "Questions appear here once at least two people have answered them.";
      list.appendChild(empty);
      return;
    }
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "mb-2";
      var q = document.createElement("span");
      q.textContent = item.text;
      var meta = document.createElement("span");
      meta.className = "d-block small text-muted";
      meta.textContent = item.dimension + " · median " + item.median + " · IQR " + item.iqr + " · " +
        item.answered + " answers" + (item.consensus ? " · agreed: level " + item.consensus : "");
      li.appendChild(q);
      li.appendChild(meta);
      list.appendChild(li);
    });
  }

  function roles(data, dimensions) {
    var card = root.querySelector("[data-roles-card]");
    var table = root.querySelector("[data-roles]");
    var names = Object.keys(data || {});
    if (!card || !table) { return; }
    card.hidden = names.length === 0;
    while (table.firstChild) { table.removeChild(table.firstChild); }
    if (!names.length) { return; }
    var dims = (dimensions || []).map(function (d) { return d[0]; });
    var titles = (dimensions || []).map(function (d) { return d[1]; });
    var head = table.createTHead().insertRow();
    ["Role"].concat(titles).forEach(function (h) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = h;
      head.appendChild(th);
    });
    var body = table.createTBody();
    names.forEach(function (name) {
      var row = body.insertRow();
      var th = document.createElement("th"); th.scope = "row";
      th.textContent = name + " (" + data[name].respondents + ")";
      row.appendChild(th);
      dims.forEach(function (d) {
        var v = data[name].medians[d];
        row.insertCell().textContent = v === null ? "–" : v.toFixed(2);
      });
    });
  }

  function render(body) {
    ["joined", "in_progress", "submitted"].forEach(function (k) {
      text(root.querySelector('[data-count="' + k + '"]'), body.counts[k]);
    });
    var results = root.querySelector("[data-results]");
    var hidden = root.querySelector("[data-hidden-note]");
    if (body.revealed) {
      if (results) { results.hidden = false; }
      if (hidden) { hidden.hidden = true; }
      draw("live-radar", body.figures.radar);
      if (body.figures.distribution) { draw("live-distribution", body.figures.distribution); }
      discussion(body.discussion || []);
      roles(body.roles, body.dimensions);
    } else {
      if (results) { results.hidden = true; }
      if (hidden) { hidden.hidden = false; }
    }
    root.setAttribute("data-updated", String(Date.now()));
    text(status, body.status === "closed" ? "The workshop is closed." :
      "Updated " + new Date().toLocaleTimeString() + ".");
  }

  function poll() {
    timer = null;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        return res.json();
      })
      .then(function (body) {
        failures = 0;
        render(body);
        if (body.status !== "closed") { schedule(delay); }
      })
      .catch(function (err) {
        failures += 1;
        text(status, "Connection lost (" + err.message + "); retrying…");
        schedule(Math.min(30000, delay * Math.pow(2, failures)));
      });
  }

  function schedule(ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(poll, ms);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { schedule(0); }
  });
  poll();
})();

// Save each answer as soon as it changes, so nothing is lost if the tab closes.
// Without JavaScript the page still saves on Next and Back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var status = document.getElementById("save-status");
  var answeredEl = document.querySelector("[data-answered]");
  var bar = document.querySelector("[data-progress-bar]");
  var pending = {};
  var timer = null;

  function show(text, cls) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "save-status " + (cls || "");
  }

  function flush() {
    timer = null;
    var batch = pending;
    pending = {};
    if (Object.keys(batch).length === 0) { return; }
    show("Saving…");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ answers: batch })
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.body && r.body.error ? r.body.error : "not saved"); }
      show("All answers saved", "saved");
      if (answeredEl) { answeredEl.textContent = r.body.answered; }
      if (bar && r.body.total) { bar.style.width = Math.round(100 * r.body.answered / r.body.total) + "%"; }
    }).catch(function (err) {
      // Keep the answers: they are sent again with the next change or on Next.
      Object.keys(batch).forEach(function (k) { if (!(k in pending)) { pending[k] = batch[k]; } });
      show("Not saved yet (" + err.message + "). Your answers will be saved when you press Next.", "failed");
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || input.name.indexOf("q-") !== 0) { return; }
    pending[input.name.slice(2)] = input.value === "dk" ? null : parseInt(input.value, 10);
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(flush, 250);
  });

  form.addEventListener("submit", function () {
    if (timer) { clearTimeout(timer); timer = null; }
  });
})();

// Disable a submit button after the first click, so a double click sends one request.
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
})();

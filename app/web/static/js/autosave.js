// Save each answer as soon as it changes, so nothing is lost if the tab closes.
// Without JavaScript the page still saves on Next and Back.
// When the server cannot save (503: storage full, read-only or locked; or no connection),
// the answers are kept here and sent again with back-off, and the person is told so.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var status = document.getElementById("save-status");
  var answeredEl = document.querySelector("[data-answered]");
  var bar = document.querySelector("[data-progress-bar]");
  var pending = {};         // question id -> level (null: don't know)
  var pendingConfirm = {};  // question id -> confirmed (re-assessments)
  var pendingEvidence = {}; // question id -> {evidence, reference, confidence}, sent with the answer's level
  var timer = null;
  var sending = false;
  var retries = 0;          // failed attempts in a row
  var FIRST_RETRY = 2;      // seconds; doubles after each failure ...
  var LONGEST_RETRY = 60;   // ... up to this, and never longer than the server's Retry-After

  function show(text, cls) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "save-status " + (cls || "");
  }

  function keep(batch) {
    Object.keys(batch.answers).forEach(function (k) { if (!(k in pending)) { pending[k] = batch.answers[k]; } });
    Object.keys(batch.confirm).forEach(function (k) {
      if (!(k in pendingConfirm)) { pendingConfirm[k] = batch.confirm[k]; }
    });
    Object.keys(batch.evidence).forEach(function (k) {
      if (!(k in pendingEvidence)) { pendingEvidence[k] = batch.evidence[k]; }
    });
  }

  function waiting() { return Object.keys(pending).length + Object.keys(pendingConfirm).length; }

  function schedule(seconds) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(flush, seconds * 1000);
  }

  function retryLater(retryAfter) {
    retries += 1;
    var wait = Math.min(FIRST_RETRY * Math.pow(2, retries - 1), LONGEST_RETRY);
    if (retryAfter > 0) { wait = Math.min(wait, retryAfter); }
    show("The server cannot save right now. Your earlier answers are safe; retrying in " + wait + " s.",
         "retrying");
    schedule(wait);
  }

  function flush() {
    timer = null;
    if (sending) { return; }
    var batch = { answers: pending, confirm: pendingConfirm, evidence: pendingEvidence };
    pending = {};
    pendingConfirm = {};
    pendingEvidence = {};
    if (Object.keys(batch.answers).length + Object.keys(batch.confirm).length === 0) { return; }
    sending = true;
    if (retries === 0) { show("Saving…"); }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(batch)
    }).then(function (res) {
      sending = false;
      if (res.status === 503 || res.status === 502 || res.status === 504 || res.status === 429) {
        keep(batch);
        retryLater(parseInt(res.headers.get("Retry-After") || "0", 10));
        return;
      }
      return res.json().then(function (body) {
        if (!res.ok) {
          // Refused for what was sent (closed, not valid): sending it again would not help.
          keep(batch);
          retries = 0;
          show("Not saved (" + (body && body.error ? body.error : "refused") +
               "). Your answers will be saved when you press Next.", "failed");
          return;
        }
        retries = 0;
        if (answeredEl) { answeredEl.textContent = body.answered; }
        if (bar && body.total) {
          bar.style.width = Math.round(100 * body.answered / body.total) + "%";
          var meter = bar.closest("[role=progressbar]");
          if (meter) { meter.setAttribute("aria-valuenow", body.answered); }
        }
        if (waiting()) { schedule(0.25); } else {
          show("All answers saved" + (body.total ? "; " + body.answered + " of " + body.total + " answered." : "."),
               "saved");
        }
      });
    }).catch(function () {
      // No connection (or no answer): keep the answers and try again.
      sending = false;
      keep(batch);
      retryLater(0);
    });
  }

  var STATE_TEXT = { unconfirmed: "not yet confirmed", changed: "changed", confirmed: "confirmed" };

  // A re-assessment's question: show whether its answer is changed, confirmed or not yet confirmed.
  function showState(fieldset, state) {
    fieldset.classList.remove("state-unconfirmed", "state-changed", "state-confirmed");
    fieldset.classList.add("state-" + state);
    var badge = fieldset.querySelector("[data-state]");
    if (badge) { badge.textContent = STATE_TEXT[state]; }
  }

  // An answer's evidence box (collapsed below its levels): what it holds, and a one-line summary of it.
  var SURE_TEXT = { evidence: "shown by evidence", judgement: "our judgement", guess: "a guess" };
  function field(kind, qid) { return form.querySelector('[name="' + kind + "-" + qid + '"]'); }
  function evidenceOf(qid) {
    var sure = form.querySelector('[name="c-' + qid + '"]:checked');
    return { confidence: sure ? sure.value : "judgement", evidence: field("e", qid).value.trim(),
             reference: field("r", qid).value.trim() };
  }
  function levelOf(qid) {
    var chosen = form.querySelector('[name="q-' + qid + '"]:checked');
    if (!chosen) { return undefined; }
    return chosen.value === "dk" ? null : parseInt(chosen.value, 10);
  }
  function summarise(qid) {
    var box = form.querySelector('[data-evidence="' + qid + '"]');
    if (!box) { return; }
    var ev = evidenceOf(qid);
    box.querySelector("[data-evidence-summary]").textContent =
      SURE_TEXT[ev.confidence] + (ev.evidence || ev.reference ? ", noted" : "");
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name) { return; }
    var fieldset = input.closest("fieldset[data-previous]");
    var kind = input.name.slice(0, 2);
    if ((kind === "c-" || kind === "e-" || kind === "r-") && field("e", input.name.slice(2))) {
      var qid = input.name.slice(2);
      summarise(qid);
      var level = levelOf(qid);
      if (level === undefined) {
        show("Choose a level for this question: its evidence is saved with it.", "failed");
        return;
      }
      pending[qid] = level;
      pendingEvidence[qid] = evidenceOf(qid);
      var carried = input.closest("fieldset").querySelector("[data-carried]");
      if (carried) { carried.hidden = true; }  // edited: no longer last time's as it was
      if (fieldset) {  // editing the evidence confirms the answer, as a change of level does
        var tick = fieldset.querySelector("input[name^='confirm-']");
        if (tick) { tick.checked = true; }
        showState(fieldset, String(level === null ? "dk" : level) === fieldset.getAttribute("data-previous")
          ? "confirmed" : "changed");
      }
    } else if (input.name.indexOf("q-") === 0) {
      pending[input.name.slice(2)] = input.value === "dk" ? null : parseInt(input.value, 10);
      if (field("e", input.name.slice(2))) { pendingEvidence[input.name.slice(2)] = evidenceOf(input.name.slice(2)); }
      if (fieldset) {  // the server counts any change as confirmed
        var box = fieldset.querySelector("input[name^='confirm-']");
        if (box) { box.checked = true; }
        showState(fieldset, input.value === fieldset.getAttribute("data-previous") ? "confirmed" : "changed");
      }
    } else if (input.name.indexOf("confirm-") === 0 && fieldset) {
      pendingConfirm[input.name.slice(8)] = input.checked;
      var chosen = fieldset.querySelector("input[name^='q-']:checked");
      var changed = chosen && chosen.value !== fieldset.getAttribute("data-previous");
      showState(fieldset, changed ? "changed" : (input.checked ? "confirmed" : "unconfirmed"));
    } else {
      return;
    }
    if (retries > 0) { return; }  // sent with the retry already planned
    schedule(0.25);
  });

  window.addEventListener("online", function () { if (retries > 0) { schedule(0); } });

  // Whether every answer tapped so far has been acknowledged (pager.js waits for it before leaving).
  window.pmoAutosave = {
    idle: function () { return !sending && !timer && Object.keys(pending).length === 0; }
  };

  var submitting = false;
  form.addEventListener("submit", function () {
    submitting = true;  // the form itself carries every answer of the page
    if (timer) { clearTimeout(timer); timer = null; }
  });

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && (retries > 0 || sending) && waiting()) {
      event.preventDefault();
      event.returnValue = "";
    }
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

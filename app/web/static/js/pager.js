// One question per screen on small screens: next/back, swipe, and an overview of every question.
// Wide screens keep the whole capability area on one page; without JavaScript the page works
// as before. Answers are saved the moment they are tapped (autosave.js), as on wide screens.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pager]");
  if (!form || !window.matchMedia) { return; }
  var small = window.matchMedia("(max-width: 767.98px)");
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var note = form.querySelector(".area-note");  // the area's notes: a screen of their own after its questions
  var steps = note ? questions.concat([note]) : questions;
  var head = document.querySelector("[data-pager-head]");
  var position = document.querySelector("[data-pager-position]");
  var overview = document.querySelector("[data-overview]");
  var openOverview = document.querySelector("[data-overview-open]");
  var closeOverview = document.querySelector("[data-overview-close]");
  var backButton = form.querySelector("button[name=action][value=back]");
  var nextButton = form.querySelector("button[name=action][value=next]");
  var labels = { back: backButton.textContent, next: nextButton.textContent };
  var total = form.getAttribute("data-total");
  var area = form.getAttribute("data-area");
  var LAST = "pmo-pager-last";  // going back from a page's first question opens the previous page's last
  var index = 0, on = false;
  // The form posts to this page's URL; without this its #fragment (say #note) would follow the
  // redirect and open the next area on its last screen instead of its first question.
  form.addEventListener("submit", function () {
    if (location.hash && history.replaceState) { history.replaceState(null, "", location.pathname + location.search); }
  });

  function answered(fieldset) { return !!fieldset.querySelector("input[type=radio]:checked"); }

  function startIndex() {
    var id = decodeURIComponent(location.hash.slice(1));
    for (var i = 0; i < questions.length; i++) { if (questions[i].id === id) { return i; } }
    if (id === "note" && note) { return steps.length - 1; }
    var last = null;
    try { last = sessionStorage.getItem(LAST); sessionStorage.removeItem(LAST); } catch (e) { /* private mode */ }
    if (last && Date.now() - parseInt(last, 10) < 10000) { return steps.length - 1; }
    for (var j = 0; j < questions.length; j++) { if (!answered(questions[j])) { return j; } }
    return 0;
  }

  // The question's #fragment keeps its place on a reload. Put in the address before the page has loaded,
  // Chromium scrolls to it when loading ends, hiding the "Question n of 50" line above it: wait till then.
  function remember(hash) {
    if (document.readyState === "complete") { history.replaceState(null, "", hash); return; }
    window.addEventListener("load", function () {
      setTimeout(function () { history.replaceState(null, "", location.pathname + location.search + hash); }, 0);
    }, { once: true });
  }

  function show(i, moved) {
    index = Math.max(0, Math.min(steps.length - 1, i));
    steps.forEach(function (q, n) { q.hidden = n !== index; });
    var q = steps[index];
    var isNote = q === note;
    position.textContent = isNote ? area + " · your notes (optional)"
      : "Question " + q.getAttribute("data-number") + " of " + total + " · " + area;
    backButton.textContent = index === 0 ? labels.back : "Back";
    nextButton.textContent = index === steps.length - 1 ? labels.next : "Next";
    form.classList.toggle("on-first", index === 0);
    if (history.replaceState) { remember("#" + (isNote ? "note" : q.id)); }
    if (moved) {
      window.scrollTo(0, 0);
      var title = q.querySelector(isNote ? "label" : "legend");
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: true });
    }
  }

  function enable() {
    on = true;
    document.body.classList.add("one-question");
    head.hidden = false;
    questions.forEach(function (q) { q.querySelector("[data-descriptions]").hidden = false; });
    show(startIndex(), false);
    window.scrollTo(0, 0);  // the page is one question now: start at its top
  }

  function disable() {
    on = false;
    document.body.classList.remove("one-question");
    head.hidden = true;
    overview.hidden = true;
    form.hidden = false;
    steps.forEach(function (q) { q.hidden = false; });
    questions.forEach(function (q) { q.querySelector("[data-descriptions]").hidden = true; });
    backButton.textContent = labels.back;
    nextButton.textContent = labels.next;
  }

  function go(step) {
    var target = index + step;
    if (target >= 0 && target < steps.length) { show(target, true); return true; }
    return false;
  }

  nextButton.addEventListener("click", function (event) {
    if (on && go(1)) { event.preventDefault(); }
  });
  backButton.addEventListener("click", function (event) {
    if (!on) { return; }
    if (go(-1)) { event.preventDefault(); return; }
    try { sessionStorage.setItem(LAST, String(Date.now())); } catch (e) { /* private mode */ }
  });

  // A swipe to the left is Next, to the right Back; mostly vertical moves are scrolling.
  var startX = null, startY = 0;
  form.addEventListener("touchstart", function (event) {
    if (!on || event.touches.length !== 1) { startX = null; return; }
    startX = event.touches[0].clientX; startY = event.touches[0].clientY;
  }, { passive: true });
  form.addEventListener("touchend", function (event) {
    if (!on || startX === null) { return; }
    var dx = event.changedTouches[0].clientX - startX, dy = event.changedTouches[0].clientY - startY;
    startX = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 1.5 * Math.abs(dy)) {
      (dx < 0 ? nextButton : backButton).click();
    }
  }, { passive: true });

  window.addEventListener("hashchange", function () {
    if (!on) { return; }
    var id = decodeURIComponent(location.hash.slice(1));
    questions.forEach(function (q, n) { if (q.id === id && n !== index) { show(n, true); } });
  });

  form.querySelectorAll("[data-descriptions]").forEach(function (button) {
    button.addEventListener("click", function () {
      var shown = form.classList.toggle("show-descriptions");
      form.querySelectorAll("[data-descriptions]").forEach(function (b) {
        b.textContent = shown ? "Show only the short labels" : "Show every description";
      });
    });
  });

  function setOverview(open) {
    overview.hidden = !open;
    form.hidden = open;
    openOverview.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { overview.querySelector("h2").setAttribute("tabindex", "-1"); overview.querySelector("h2").focus(); }
  }
  openOverview.addEventListener("click", function () { setOverview(overview.hidden); });
  closeOverview.addEventListener("click", function () { setOverview(false); });
  overview.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-overview-item]");
    if (!link) { return; }
    var url = new URL(link.href, location.href);
    if (url.pathname === location.pathname) {  // a question of this page
      event.preventDefault();
      setOverview(false);
      questions.forEach(function (q, n) { if (q.id === url.hash.slice(1)) { show(n, true); } });
      return;
    }
    // Another page: let the answers being saved arrive first (at most two seconds).
    event.preventDefault();
    var waited = 0;
    (function leave() {
      if (window.pmoAutosave && !window.pmoAutosave.idle() && waited < 2000) { waited += 100; setTimeout(leave, 100); return; }
      location.assign(link.href);
    })();
  });
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || input.name.indexOf("q-") !== 0) { return; }
    var item = overview.querySelector('[data-overview-item="' + input.name.slice(2) + '"]');
    if (item) { item.classList.remove("open"); item.classList.add("answered"); }
  });

  if (small.matches) { enable(); }
  var onChange = function (event) { if (event.matches) { enable(); } else { disable(); } };
  if (small.addEventListener) { small.addEventListener("change", onChange); } else { small.addListener(onChange); }
})();

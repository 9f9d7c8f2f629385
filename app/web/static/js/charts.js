// Draw every plotly figure on the page. Figures are built on the server and passed as
// JSON in <script type="application/json" id="..."> blocks, so no inline script is needed.
// plotly.js (about 1 MB compressed, a second or more to start on a slow machine) is fetched only
// when a chart comes near the screen, or once the page has loaded and the browser is idle: what
// the first screen shows (text, server-drawn SVG radars) never waits for it.
(function () {
  "use strict";
  var PLOTLY_URL = document.currentScript && document.currentScript.getAttribute("data-plotly");
  var loading = null;
  function plotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = PLOTLY_URL;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  // A chart folded on a phone (details[data-open-wide]) is open from a laptop's width on.
  var wide = window.matchMedia && window.matchMedia("(min-width: 768px)").matches;
  document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
    if (wide) { box.open = true; }
  });
  // A chart inside a closed <details> has no size to draw at: it is drawn when it is opened near the
  // screen. One opened far below (a laptop opens data-open-wide boxes as the page loads) waits to come
  // near, or for the idle time after load, like any other: fetching plotly.js then would hold up the page.
  var NEAR_PX = 300;
  function isNear(el) {
    var box = el.getBoundingClientRect();
    return box.bottom > -NEAR_PX && box.top < window.innerHeight + NEAR_PX;
  }
  document.addEventListener("toggle", function (event) {
    if (!event.target.open) { return; }
    event.target.querySelectorAll("[data-figure]").forEach(function (el) { if (isNear(el)) { draw(el); } });
  }, true);

  function draw(el) {
    if (el.getAttribute("data-drawing") || !el.getClientRects().length) { return; }
    el.setAttribute("data-drawing", "true");
    plotly().then(function () { drawNow(el); });
  }

  function drawNow(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var fig = JSON.parse(source.textContent);
    narrow(el, fig);
    // No toolbar: its buttons would be hidden tab stops inside role="img" (WCAG 4.1.2); the numbers
    // are in the table under each chart instead.
    var config = { responsive: true, displaylogo: false, displayModeBar: false };
    var small = window.matchMedia && window.matchMedia("(max-width: 767.98px)").matches;
    el.setAttribute("data-layout", layoutKey(el));
    window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, config).then(function () {
      return small ? unclip(el, fig.layout || {}) : null;
    }).then(function () {
      el.setAttribute("data-drawn", "true");
    });
  }

  // On a narrow screen a radar's area names can reach past the chart's edge: widen the margin
  // on that side by what is cut off (once), so every label stays whole.
  function unclip(el, layout) {
    var box = el.getBoundingClientRect();
    var left = 0, right = 0;
    el.querySelectorAll(".main-svg text").forEach(function (text) {
      var r = text.getBoundingClientRect();
      if (!r.width) { return; }
      left = Math.max(left, box.left - r.left);
      right = Math.max(right, r.right - box.right);
    });
    if (left <= 0 && right <= 0) { return null; }
    var margin = layout.margin || {};
    return window.Plotly.relayout(el, {
      "margin.l": (margin.l || 80) + Math.ceil(Math.max(0, left)) + 6,
      "margin.r": (margin.r || 80) + Math.ceil(Math.max(0, right)) + 6
    });
  }

  // A figure may carry a narrow variant (layout.meta.narrow, trace.meta.narrow_y) for phones:
  // shorter labels so the data keeps its room.
  var NARROW_PX = 576;
  function narrow(el, fig) {
    var layout = fig.layout || {};
    var variant = layout.meta && layout.meta.narrow;
    if (!variant || el.clientWidth >= NARROW_PX) { return; }
    Object.keys(variant).forEach(function (key) { layout[key] = variant[key]; });
    (fig.data || []).forEach(function (trace) {
      if (trace.meta && trace.meta.narrow_y) { trace.y = trace.meta.narrow_y; }
    });
  }
  // Which drawing fits the element now: a figure's narrow variant and the phone's margins depend on it.
  function layoutKey(el) {
    var small = window.matchMedia && window.matchMedia("(max-width: 767.98px)").matches;
    return (el.clientWidth < NARROW_PX ? "narrow" : "wide") + (small ? "-small" : "");
  }
  // A window narrowed (or a phone turned) past a chart's breakpoint draws that chart again from its
  // figure, so a timeline drawn for a laptop never spills out of a phone's box.
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(function () {
      document.querySelectorAll("[data-figure][data-drawn]").forEach(function (el) {
        if (!window.Plotly || el.getAttribute("data-layout") === layoutKey(el)) { return; }
        el.removeAttribute("data-drawn");
        window.Plotly.purge(el);
        drawNow(el);
      });
    }, 150);
  });
  window.pmoDrawCharts = function (root) {
    (root || document).querySelectorAll("[data-figure]").forEach(draw);
  };
  var charts = document.querySelectorAll("[data-figure]");
  if ("IntersectionObserver" in window) {
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { near.unobserve(entry.target); draw(entry.target); }
      });
    }, { rootMargin: NEAR_PX + "px 0px" });
    charts.forEach(function (el) { near.observe(el); });
  }
  // The rest once the page is loaded and the browser idle, so a printout or a quick scroll finds them drawn.
  function drawRest() {
    var idle = window.requestIdleCallback || function (fn) { return window.setTimeout(fn, 200); };
    idle(function () { window.pmoDrawCharts(); });
  }
  if (charts.length) {
    if (document.readyState === "complete") { drawRest(); } else { window.addEventListener("load", drawRest); }
  }
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      if (!window.Plotly || !el.getAttribute("data-drawn")) { return; }
      // Fit the page's width, at the height it was drawn: the print style lowers a chart's
      // min-height, and a responsive resize would otherwise fold the chart to nothing.
      var height = el.getBoundingClientRect().height;
      if (height) { el.style.minHeight = height + "px"; }
      window.Plotly.Plots.resize(el);
    });
  });
})();

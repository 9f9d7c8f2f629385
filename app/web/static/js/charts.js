// Draw every plotly figure on the page. Figures are built on the server and passed as
// JSON in <script type="application/json" id="..."> blocks, so no inline script is needed.
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-figure"));
    if (!source || !window.Plotly) { return; }
    var fig = JSON.parse(source.textContent);
    var config = { responsive: true, displaylogo: false,
                   modeBarButtonsToRemove: ["lasso2d", "select2d"] };
    window.Plotly.newPlot(el, fig.data || [], fig.layout || {}, config).then(function () {
      el.setAttribute("data-drawn", "true");
    });
  }
  window.pmoDrawCharts = function (root) {
    (root || document).querySelectorAll("[data-figure]").forEach(draw);
  };
  window.pmoDrawCharts();
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      if (window.Plotly && el.getAttribute("data-drawn")) { window.Plotly.Plots.resize(el); }
    });
  });
})();

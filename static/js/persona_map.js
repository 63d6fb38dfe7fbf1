/* Draws the deal's persona map from the figure the server built (no inline script: CSP-safe).
 * The figure sits in <script type="application/json" id="persona-map-data">; plotly.js is served
 * by the app itself (static/vendor/plotly/plotly.min.js). */
(function () {
  "use strict";

  function draw() {
    var data = document.getElementById("persona-map-data");
    var target = document.getElementById("persona-map");
    if (!data || !target || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

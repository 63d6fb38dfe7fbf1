/* Draws the deal's persona map from the figure the server built (no inline script: CSP-safe).
 * The figure sits in <script type="application/json" id="persona-map-data">; plotly.js is served
 * by the app itself (static/vendor/plotly/plotly.min.js).
 *
 * The map follows its card, not the window: a ResizeObserver on the card re-lays the plot out
 * whenever the card's width changes (a window resized either way, a phone rotated, the grid
 * switching to one column). plotly's own `responsive` option only listens to the window and reads
 * the plot's current size, so a map drawn wide spilled out of a narrower card, and one drawn
 * while the card was narrow stayed narrow. On a narrow card the legend moves under the map. */
(function () {
  "use strict";

  var NARROW = 640; // px of card width below which the legend goes under the map

  function legendFor(width) {
    if (width < NARROW) {
      return { orientation: "h", x: 0, xanchor: "left", y: -0.02, yanchor: "top" };
    }
    return { orientation: "v", x: 1.01, xanchor: "left", y: 1, yanchor: "top" };
  }

  function draw() {
    var data = document.getElementById("persona-map-data");
    var target = document.getElementById("persona-map");
    if (!data || !target || !window.Plotly) {
      return;
    }
    var Plotly = window.Plotly;
    var figure = JSON.parse(data.textContent);
    var layout = figure.layout || {};
    var baseHeight = layout.height || 320;
    var width = target.clientWidth;
    var narrow = width < NARROW;

    function sized(layoutIn, isNarrow) {
      layoutIn.legend = Object.assign({}, layoutIn.legend || {}, legendFor(isNarrow ? 0 : NARROW));
      // Under the map the legend needs rows of its own: make room for them.
      layoutIn.height = isNarrow ? baseHeight + 150 : baseHeight;
      layoutIn.margin = Object.assign({}, layoutIn.margin || {}, { b: isNarrow ? 150 : 10 });
      return layoutIn;
    }

    layout.autosize = true;
    delete layout.width;
    Plotly.newPlot(target, figure.data, sized(layout, narrow), {
      displayModeBar: false,
      responsive: false, // the observer below does it, from the card's width
    });

    var container = target.parentElement;
    var lastWidth = null;
    var pending = false;

    function relayout() {
      pending = false;
      var now = target.clientWidth;
      if (!now || now === lastWidth) {
        return;
      }
      lastWidth = now;
      var nowNarrow = now < NARROW;
      if (nowNarrow !== narrow) {
        narrow = nowNarrow;
        var update = sized({ legend: target.layout.legend, margin: target.layout.margin }, narrow);
        Plotly.relayout(target, {
          legend: update.legend,
          margin: update.margin,
          height: update.height,
          width: now,
        });
      } else {
        Plotly.relayout(target, { width: now });
      }
    }

    if (window.ResizeObserver && container) {
      new window.ResizeObserver(function () {
        if (!pending) {
          pending = true;
          window.requestAnimationFrame(relayout);
        }
      }).observe(container);
    } else {
      window.addEventListener("resize", function () {
        window.requestAnimationFrame(relayout);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

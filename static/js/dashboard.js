/* Draws the dashboard's charts from the figures the server built (no inline script: CSP-safe).
 * Each <div data-figure="ID"> has its figure in <script type="application/json" id="ID">;
 * plotly.js is served by the app itself (static/vendor/plotly/plotly.min.js). The dimension
 * and period switchers submit themselves on change.
 *
 * Drill-down: a click on a bar or point of a per-value chart (<div data-drill>) opens the deal
 * list of that value. The chart grid holds the URL template (data-drill-template, with
 * data-drill-placeholder standing for the value); the point's raw value is the first item of
 * its customdata. The snapshot's "unknown" of a free-text dimension (data-drill-unknown) means
 * accounts without a value: the deal list calls that data-drill-none ("__none__"). */
(function () {
  "use strict";

  function draw() {
    var plots = document.querySelectorAll("[data-figure]");
    if (!window.Plotly) {
      return;
    }
    Array.prototype.forEach.call(plots, function (target) {
      var data = document.getElementById(target.getAttribute("data-figure"));
      if (!data) {
        return;
      }
      var figure = JSON.parse(data.textContent);
      var drawn = window.Plotly.newPlot(target, figure.data, figure.layout, {
        displayModeBar: false,
        responsive: true,
      });
      if (target.hasAttribute("data-drill")) {
        drawn.then(function () {
          target.on("plotly_click", function (event) {
            var url = drillUrl(event);
            if (url) {
              window.location.assign(url);
            }
          });
          // a pointer over a bar or point says it can be clicked (not over the empty plot)
          target.on("plotly_hover", function () {
            target.classList.add("is-pointing");
          });
          target.on("plotly_unhover", function () {
            target.classList.remove("is-pointing");
          });
        });
      }
    });
  }

  function drillUrl(event) {
    var grid = document.querySelector("[data-drill-template]");
    var point = event && event.points && event.points[0];
    if (!grid || !point || point.customdata === undefined || point.customdata === null) {
      return null;
    }
    var value = Array.isArray(point.customdata) ? point.customdata[0] : point.customdata;
    if (value === undefined || value === null) {
      return null;
    }
    value = String(value);
    var unknown = grid.getAttribute("data-drill-unknown");
    if (unknown && value === unknown) {
      value = grid.getAttribute("data-drill-none");
    }
    return grid
      .getAttribute("data-drill-template")
      .replace(grid.getAttribute("data-drill-placeholder"), encodeURIComponent(value));
  }

  function autosubmit() {
    var selects = document.querySelectorAll("select.js-autosubmit");
    Array.prototype.forEach.call(selects, function (select) {
      select.addEventListener("change", function () {
        if (select.form) {
          select.form.submit();
        }
      });
    });
  }

  /* The recompute button: POST the API's recompute, follow the task's progress, then reload
   * the page (and so its charts) once the new snapshot is published. */
  function recompute() {
    var box = document.querySelector(".js-recompute");
    if (!box) {
      return;
    }
    var button = box.querySelector(".js-recompute-button");
    var bar = box.querySelector(".js-recompute-progress");
    var status = box.querySelector(".js-recompute-status");
    var headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": box.getAttribute("data-csrf"),
      "X-Workspace": box.getAttribute("data-workspace"),
    };

    function fail(message) {
      status.textContent = message;
      bar.hidden = true;
      button.disabled = false;
    }

    function follow(taskId) {
      fetch(box.getAttribute("data-task-url") + encodeURIComponent(taskId) + "/", {
        headers: headers,
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (task) {
          bar.value = task.progress || 0;
          status.textContent = task.message || task.state;
          if (task.state === "succeeded") {
            status.textContent = "Done — reloading";
            window.location.reload();
          } else if (task.state === "failed") {
            fail("The recompute failed: " + (task.message || "see the logs"));
          } else {
            window.setTimeout(function () {
              follow(taskId);
            }, 1000);
          }
        })
        .catch(function () {
          fail("Could not follow the recompute; reload the page later.");
        });
    }

    button.disabled = false; // rendered disabled: a click before this script ran would do nothing
    button.addEventListener("click", function () {
      button.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      status.textContent = "Queued…";
      fetch(box.getAttribute("data-url"), {
        method: "POST",
        headers: headers,
        credentials: "same-origin",
        body: JSON.stringify({ force: true }),
      })
        .then(function (response) {
          if (response.status === 503) {
            fail("The task queue is unavailable; try again in a minute.");
            return null;
          }
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (body) {
          if (body) {
            follow(body.task_id);
          }
        })
        .catch(function () {
          fail("Could not start a recompute.");
        });
    });
  }

  function start() {
    autosubmit();
    recompute();
    draw();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* Import pages: follow a running import's progress bar; switch the mapping screen's kind. */
(function () {
  "use strict";

  var POLL_MS = 700;

  function followProgress(bar) {
    var url = bar.getAttribute("data-status-url");
    var percentLabel = document.querySelector("[data-testid='import-percent']");
    var messageLabel = document.querySelector("[data-testid='import-message']");
    var stateBadge = document.querySelector("[data-testid='import-state']");

    function show(status) {
      bar.value = status.progress;
      bar.textContent = status.progress + "%";
      if (percentLabel) { percentLabel.textContent = status.progress + "%"; }
      if (messageLabel && status.message) { messageLabel.textContent = status.message; }
      if (stateBadge) {
        stateBadge.textContent = status.state_label;
        stateBadge.className = "badge import-state import-state-" + status.state;
      }
    }

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (status) {
          show(status);
          if (status.finished) {
            // The report is rendered by the server: load it once the bar is full.
            window.setTimeout(function () { window.location.reload(); }, 400);
          } else {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () { window.setTimeout(poll, POLL_MS * 3); });
    }

    window.setTimeout(poll, POLL_MS);
  }

  function switchKind(select) {
    select.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("kind", select.value);
      window.location.assign(url.toString());
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var bar = document.querySelector("progress[data-status-url]");
    if (bar) { followProgress(bar); }
    var kind = document.querySelector("[data-testid='mapping-form'] select[name='kind']");
    if (kind) { switchKind(kind); }
    Array.prototype.forEach.call(document.querySelectorAll(".js-hide"), function (el) {
      el.hidden = true;
    });
  });
})();

/* Layout helpers of every page. The top bar's "Menu" button: below the breakpoint (app.css, 1100 px) the main nav folds into a
 * list under the bar that this button opens and closes. No inline script (CSP); without script the
 * links wrap under the bar instead (@media (scripting: none) in app.css). */
(function () {
  "use strict";

  function setUp() {
    var toggle = document.querySelector(".nav-toggle");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) {
      return;
    }

    function isOpen() {
      return toggle.getAttribute("aria-expanded") === "true";
    }
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }

    toggle.addEventListener("click", function () {
      setOpen(!isOpen());
      if (isOpen()) {
        var first = nav.querySelector("a.is-active") || nav.querySelector("a");
        if (first) {
          first.focus();
        }
      }
    });

    // Escape closes the menu and gives focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        setOpen(false);
        toggle.focus();
      }
    });

    // A click or a tap anywhere else closes it, as does leaving it with Tab.
    document.addEventListener("click", function (event) {
      if (isOpen() && !toggle.contains(event.target) && !nav.contains(event.target)) {
        setOpen(false);
      }
    });
    nav.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (isOpen() && next && !nav.contains(next) && !toggle.contains(next)) {
        setOpen(false);
      }
    });

    // Back on a wide window the links are inline again: forget that the menu was open.
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 1100px)");
      var onChange = function () {
        if (wide.matches) {
          setOpen(false);
        }
      };
      if (wide.addEventListener) {
        wide.addEventListener("change", onChange);
      }
    }

    // Coming back with the browser's Back button (a page restored from the back-forward cache)
    // must not show a menu left open. Only then: on a first load pageshow comes after the page's
    // scripts (plotly: seconds), and the person may have opened the menu by now.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        setOpen(false);
      }
    });
  }

  /* Wide tables scroll inside their card (app.css "Wide tables"): mark the sides where more of
   * the table is hidden, so the card fades out there ("there is more this way"). */
  var SCROLLERS = ".table-card, .table-scroll, .card .table";

  function markScroll(el) {
    var max = el.scrollWidth - el.clientWidth;
    el.classList.toggle("is-scrollable", max > 1);
    el.classList.toggle("has-more-left", max > 1 && el.scrollLeft > 1);
    el.classList.toggle("has-more-right", max > 1 && el.scrollLeft < max - 1);
  }

  function watchScrollers() {
    var scrollers = document.querySelectorAll(SCROLLERS);
    var observer = window.ResizeObserver
      ? new window.ResizeObserver(function (entries) {
          entries.forEach(function (entry) {
            markScroll(entry.target);
          });
        })
      : null;
    Array.prototype.forEach.call(scrollers, function (el) {
      markScroll(el);
      el.addEventListener("scroll", function () {
        markScroll(el);
      }, { passive: true });
      if (observer) {
        observer.observe(el);
      }
    });
  }

  function start() {
    setUp();
    watchScrollers();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

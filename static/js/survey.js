// The survey page: show "Which product?" only when "Another vendor's product" is chosen.
// Without JavaScript the field is simply always shown.
(function () {
  "use strict";
  function init() {
    var box = document.querySelector("[data-competitor]");
    if (!box) return;
    var radios = document.querySelectorAll('input[name="alternative"]');
    function update() {
      var chosen = document.querySelector('input[name="alternative"]:checked');
      var show = chosen && chosen.value === "competitor";
      var hasError = box.querySelector(".q-error");
      box.hidden = !(show || hasError);
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

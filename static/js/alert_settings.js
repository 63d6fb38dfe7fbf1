// Alert settings: show the digest frequency only for the digest channel and the Slack URL only
// for Slack. Without this script every field shows (and the server ignores the unused ones).
(function () {
  function sync(form) {
    var channel = form.querySelector(".alert-channel select");
    if (!channel) return;
    form.querySelectorAll("[data-channel-only]").forEach(function (field) {
      field.hidden = field.getAttribute("data-channel-only") !== channel.value;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-testid='subscription-form']").forEach(function (form) {
      sync(form);
      form.addEventListener("change", function (event) {
        if (event.target.closest(".alert-channel")) sync(form);
      });
    });
  });
})();

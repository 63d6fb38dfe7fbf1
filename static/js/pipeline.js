// The deal list's filters apply as soon as a select or date changes (the Apply button stays
// for keyboards and for browsers without JavaScript).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.matches("select, input[type='date']")) {
        form.requestSubmit();
      }
    });
  });
});

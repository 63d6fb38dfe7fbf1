// The deal page's small enhancements (every form works without them):
// - "Edit deal": opening it puts the cursor in its first field; Cancel closes it and puts the
//   deal's values back instead of reloading the page.
// - "Remove…" on a role: opening one confirmation closes any other, and Escape closes it.
document.addEventListener("DOMContentLoaded", () => {
  const edit = document.querySelector("details.deal-edit");
  if (edit) {
    edit.addEventListener("toggle", () => {
      if (edit.open) edit.querySelector("input, select")?.focus();
    });
    edit.querySelectorAll("[data-close-details]").forEach((link) => {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        edit.querySelector("form")?.reset();
        edit.open = false;
        edit.querySelector("summary")?.focus();
      });
    });
  }
  const confirms = Array.from(document.querySelectorAll("details.confirm-remove"));
  confirms.forEach((box) => {
    box.addEventListener("toggle", () => {
      if (!box.open) return;
      confirms.forEach((other) => {
        if (other !== box) other.open = false;
      });
      box.querySelector("button[type='submit']")?.focus();
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        box.open = false;
        box.querySelector("summary")?.focus();
      }
    });
  });
});

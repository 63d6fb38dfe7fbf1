// Webhooks: the secret box selects itself on focus, and "Copy" puts it on the clipboard.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.getElementById("webhook-secret-value");
  const button = document.querySelector("[data-copy-secret]");
  if (!field) return;
  field.addEventListener("focus", () => field.select());
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = "Copied";
    } catch (error) {
      button.textContent = "Press Ctrl+C to copy";
    }
  });
});

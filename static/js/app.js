document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen reader and keyboard users land on it.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  document.querySelectorAll(".link-field").forEach((field) => {
    field.addEventListener("focus", () => field.select());
  });
  // Copy buttons for private links: the clipboard API, or selecting the text as a fallback.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      const done = button.parentElement.querySelector("[data-copied]");
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (e) {
        field.focus();
        field.select();
        document.execCommand("copy");
      }
      if (done) done.hidden = false;
    });
  });
});

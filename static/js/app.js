// Move focus to the error summary so screen reader and keyboard users land on it.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  document.querySelectorAll(".link-field").forEach((field) => {
    field.addEventListener("focus", () => field.select());
  });
});

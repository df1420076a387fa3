// The paper keying grid: the typed answer string fills the grid cells as you
// type, a cell moves focus to the next one after a keystroke, and a running
// count says how many answers are typed. Without JavaScript both still work.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-keying]");
  if (!form) return;
  const string = form.querySelector("#answer_string");
  const cells = Array.from(form.querySelectorAll(".cell-input"));
  const count = form.querySelector("[data-typed]");
  const total = Number(form.dataset.items);
  const label = count.dataset.label || "";

  function keysOf(text) { return text.replace(/\s+/g, "").toLowerCase().replace(/na/g, "n").split("").filter(Boolean); }
  function showCount(n) { count.textContent = n + " / " + total; count.classList.toggle("over", n > total); }

  string.addEventListener("input", () => {
    const keys = keysOf(string.value);
    cells.forEach((cell, i) => { cell.value = keys[i] || ""; });
    showCount(keys.length);
  });
  cells.forEach((cell, i) => {
    cell.addEventListener("input", () => {
      string.value = "";
      showCount(cells.filter((c) => c.value.trim()).length);
      if (cell.value.trim() && cells[i + 1]) cells[i + 1].focus();
    });
  });
  if (!form.querySelector("[aria-invalid]")) {
    const name = form.querySelector("#name");
    if (document.querySelector("[data-saved]") && name) name.focus();
  }
  showCount(cells.filter((c) => c.value.trim()).length);
});

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

  // Live: a cell whose key is no answer for its question (or an "n" where the form has no
  // such box) is marked at once, and named in one line; the server says the same on saving.
  const live = form.querySelector("[data-live-problems]");
  const answers = new Set(["1", "2", "3", "4", "5", "-", "0", "."]);
  function wrongNumbers() {
    return cells.map((cell, i) => {
      const key = cell.value.trim().toLowerCase();
      if (!key || answers.has(key)) return null;
      if (["n", "na", "x"].includes(key) && cell.dataset.na === "1") return null;
      return i + 1;
    }).filter(Boolean);
  }
  function check() {
    const wrong = wrongNumbers();
    cells.forEach((cell, i) => {
      if (wrong.includes(i + 1)) cell.setAttribute("aria-invalid", "true"); else cell.removeAttribute("aria-invalid");
    });
    live.hidden = wrong.length === 0;
    live.textContent = wrong.length ? live.dataset.message.replace("{numbers}", wrong.join(", ")) : "";
  }
  function keysOf(text) { return text.replace(/\s+/g, "").toLowerCase().replace(/na/g, "n").split("").filter(Boolean); }
  function showCount(n) { count.textContent = n + " / " + total; count.classList.toggle("over", n > total); }

  string.addEventListener("input", () => {
    const keys = keysOf(string.value);
    cells.forEach((cell, i) => { cell.value = keys[i] || ""; });
    showCount(keys.length);
    check();
  });
  cells.forEach((cell, i) => {
    cell.addEventListener("input", () => {
      string.value = "";
      showCount(cells.filter((c) => c.value.trim()).length);
      check();
      if (cell.value.trim() && cells[i + 1]) cells[i + 1].focus();
    });
  });
  if (!form.querySelector("[aria-invalid]")) {
    const name = form.querySelector("#name");
    if (document.querySelector("[data-saved]") && name) name.focus();
  }
  showCount(cells.filter((c) => c.value.trim()).length);
});
// The paper participant's slip: printed alone (see the print rules in app.css).
document.querySelectorAll("[data-print-slip]").forEach((button) => button.addEventListener("click", () => window.print()));

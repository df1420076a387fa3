// The plan page: a tapped suggestion fills the next empty step (its situation, its
// step and its behaviour), written as the two halves of "When …, I will …".
document.addEventListener("DOMContentLoaded", () => {
  const steps = Array.from(document.querySelectorAll("fieldset.plan-action"));
  document.querySelectorAll("[data-plan-step]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = steps.find((set) => !set.querySelector("input[id$=-situation]").value.trim()
        && !set.querySelector("input[id$=-step]").value.trim()) || steps[steps.length - 1];
      const situation = target.querySelector("input[id$=-situation]");
      const step = target.querySelector("input[id$=-step]");
      const scale = target.querySelector("select");
      situation.value = button.dataset.situation;
      step.value = button.dataset.step;
      if (scale && Array.from(scale.options).some((o) => o.value === button.dataset.scale)) scale.value = button.dataset.scale;
      [situation, step].forEach((field) => field.dispatchEvent(new Event("input", { bubbles: true })));
      step.focus();
      button.setAttribute("aria-pressed", "true");
    });
  });
  // The chosen date's weekday, live; a Saturday or Sunday moves to the Monday after,
  // as the server does (assessment.followup.on_a_weekday).
  const dateField = document.getElementById("follow_up_on");
  const note = document.getElementById("follow-up-day");
  if (dateField && note) {
    const show = (event) => {
      note.textContent = "";
      if (!dateField.value) return;
      const day = new Date(dateField.value + "T12:00:00");
      if (Number.isNaN(day.getTime())) return;
      const weekend = day.getDay() === 0 || day.getDay() === 6;
      if (weekend) day.setDate(day.getDate() + (day.getDay() === 6 ? 2 : 1));
      const text = new Intl.DateTimeFormat(note.dataset.lang === "en" ? "en-GB" : note.dataset.lang, { weekday: "long", day: "numeric", month: "long" }).format(day);
      note.textContent = (weekend ? note.dataset.movedText : note.dataset.weekdayText).replace("{date}", text);
      const choose = document.querySelector("input[name=follow_up][value=date]");
      if (choose && event) choose.checked = true; // typing a date chooses "on a date I choose"
    };
    dateField.addEventListener("input", show);
    dateField.addEventListener("change", show);
    show();
  }
});

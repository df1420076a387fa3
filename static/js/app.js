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
  // The phone's share sheet for one's own private link, where the browser has one.
  document.querySelectorAll("[data-share]").forEach((button) => {
    if (!navigator.share) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.share);
      try {
        await navigator.share({ title: button.dataset.shareTitle, url: field.value });
      } catch (e) {
        // cancelled, or not allowed: the link is still on the page to copy
      }
    });
  });
  // Forms that make something new (a take, a retake, a workshop, a follow-up session, a keyed-in
  // paper form) are sent once per page: a double click made two. The server still decides.
  // A page restored by Back from the browser's cache keeps its state: sending is possible again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) document.querySelectorAll("form[data-once]").forEach((form) => delete form.dataset.sent);
  });
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      if (event.defaultPrevented) return;
      form.dataset.sent = "1";
      // A request lost on a bad connection: sending again is possible after a while.
      setTimeout(() => delete form.dataset.sent, 10000);
    });
  });
  // A table wider than its box scrolls sideways ([data-scrolls]): data-more says on which side
  // there is more to see, and the CSS fades that edge. Kept up to date as the box is scrolled or
  // resized and as its table grows (the coach's live grid gets rows).
  function markMore(box) {
    const left = box.scrollLeft > 1;
    const right = box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
    const more = left && right ? "both" : left ? "left" : right ? "right" : "";
    if (more) box.dataset.more = more;
    else delete box.dataset.more;
  }
  document.querySelectorAll("[data-scrolls]").forEach((box) => {
    markMore(box);
    box.addEventListener("scroll", () => markMore(box), { passive: true });
    if (window.ResizeObserver) {
      const observer = new ResizeObserver(() => markMore(box));
      observer.observe(box);
      Array.from(box.children).forEach((child) => observer.observe(child));
    }
  });
  // An error clears as soon as its field is fixed: the message, the red mark and the
  // error summary's line for it (the server checks again on submit).
  document.addEventListener("input", (event) => clearFixed(event.target));
  document.addEventListener("change", (event) => clearFixed(event.target));
  function clearFixed(field) {
    const box = field.closest && field.closest(".field-error");
    if (!box || !(field.value || "").trim()) return;
    if (field.type === "radio" && !field.checked) return;
    box.classList.remove("field-error");
    box.querySelectorAll(".error-message").forEach((message) => message.remove());
    box.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
    const summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.querySelectorAll("a[href]").forEach((link) => {
      const target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && box.contains(target)) link.closest("li").remove();
    });
    if (!summary.querySelector("li")) summary.remove();
  }
});

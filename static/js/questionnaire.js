// A questionnaire page: ticks survive a reload (issue 27 §7). They are kept in this tab's
// sessionStorage under the page's address until the page is sent, and put back only
// where nothing is ticked yet (what the server has saved wins).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("page-form");
  if (!form || !window.sessionStorage) return;
  const key = "ticks:" + location.pathname;
  let saved = {};
  try { saved = JSON.parse(sessionStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
  Object.entries(saved).forEach(([name, value]) => {
    if (form.querySelector(`input[name="${CSS.escape(name)}"]:checked`)) return;
    const radio = form.querySelector(`input[type=radio][name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`);
    if (radio) radio.checked = true;
  });
  form.addEventListener("change", (event) => {
    if (event.target.type !== "radio") return;
    saved[event.target.name] = event.target.value;
    sessionStorage.setItem(key, JSON.stringify(saved));
  });
  form.addEventListener("submit", () => sessionStorage.removeItem(key));
});

// The browser's back and forward match the pages (issue 27 §7). Every page is sent with a
// POST and the answer is a redirect, so "Next" adds one history entry per page. The in-page
// "Back" saves the page in the background and then goes back in the history (instead of
// adding an entry, after which the phone's back gesture went forward). Each entry remembers
// how many steps back the previous page is: 1 after "Next", more after the page was shown
// again (a missed question, a language switch); unknown (e.g. opened from the private link)
// means "Back" works as a plain form.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("page-form");
  const number = form ? Number(form.dataset.page) : 0;
  if (!form || !number || !window.sessionStorage || !window.fetch) return;
  const base = location.pathname.replace(/\/page\/\d+$/, "");
  const navKey = "nav:" + base;
  let sent = null;
  try { sent = JSON.parse(sessionStorage.getItem(navKey) || "null"); } catch (e) { sent = null; }
  sessionStorage.removeItem(navKey);
  let state = history.state && history.state.page === number ? history.state : null;
  if (!state) {
    let back = null;
    if (sent && sent.from === number - 1 && sent.action === "next") back = 1;
    else if (sent && sent.from === number && sent.action === "stay") back = sent.back;  // the entry was replaced
    else if (sent && sent.from === number && sent.back) back = sent.back + 1;
    state = { page: number, back: back };
  }
  // Also drops a shown-again page's POST data: going back to it never asks to resend a form.
  history.replaceState(state, "", location.href);

  const unanswered = () => Array.from(form.querySelectorAll("fieldset.item"))
    .some((group) => !group.querySelector("input[type=radio]:checked"));

  let sending = false;
  form.addEventListener("submit", (event) => {
    const action = event.submitter ? event.submitter.value : "next";
    sessionStorage.setItem(navKey, JSON.stringify({ from: number, action: action, back: state.back }));
    if (action === "next" && !sending && unanswered()) {
      // Questions left: save what is ticked in the background and show the page again in
      // place of this entry (a form's answer page would add one, and back would show it twice).
      event.preventDefault();
      sending = true;
      fetch(location.href, { method: "POST", body: new FormData(form, event.submitter), credentials: "same-origin" })
        .then((reply) => {
          if (!reply.redirected && (reply.ok || reply.status === 422)) {  // 422: questions left, saved the rest
            sessionStorage.setItem(navKey, JSON.stringify({ from: number, action: "stay", back: state.back }));
            const link = form.querySelector("input[name=private_link_shown]") ? "&link=1" : "";
            location.replace(location.pathname + "?missing=1" + link);
          } else {
            form.requestSubmit(event.submitter);
          }
        })
        .catch(() => form.requestSubmit(event.submitter));
      return;
    }
    if (action !== "back" || !state.back || sending) return;
    event.preventDefault();
    sending = true;
    const data = new FormData(form, event.submitter);
    fetch(location.href, { method: "POST", body: data, credentials: "same-origin" })
      .then((reply) => {
        if (reply.ok && reply.redirected && reply.url.endsWith(`${base}/page/${number - 1}`)) {
          sessionStorage.removeItem(navKey);
          sessionStorage.removeItem("ticks:" + location.pathname);
          history.go(-state.back);
        } else {
          form.requestSubmit(event.submitter);  // let the server's page say what went wrong
        }
      })
      .catch(() => form.requestSubmit(event.submitter));
  });
});

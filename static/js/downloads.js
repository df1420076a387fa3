// PDF downloads that cannot go wrong (one mechanism for every PDF link: the
// macro pdf_link in templates/_downloads.html and the "being prepared" page).
//
// A PDF link has no `download` attribute: a browser would save whatever the
// link returns, and while a PDF is being made that is the 202 "being
// prepared" page. Instead this script fetches the link itself, says at once
// that the PDF is on its way (with a progress bar), asks again while the
// server answers 202, and saves the file only when the reply is a PDF. Any
// other reply (an error page, a redirect to the questionnaire, a rate limit)
// is opened as a page, so its message is shown. Without JavaScript the link is
// an ordinary link: the "being prepared" page refreshes itself until the PDF
// arrives.
(() => {
  const MAX_SECONDS = 180;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function fileName(reply, fallback) {
    const header = reply.headers.get("Content-Disposition") || "";
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  function save(blob, name) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
  }

  // Ask for the PDF until it is one. Returns true when it was saved.
  async function fetchPdf(url, onWait) {
    const started = Date.now();
    for (;;) {
      const reply = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/pdf" } });
      const type = reply.headers.get("Content-Type") || "";
      if (reply.status === 202 && (Date.now() - started) / 1000 < MAX_SECONDS) {
        onWait();
        const seconds = Math.min(10, Math.max(1, Number(reply.headers.get("Retry-After")) || 2));
        await sleep(seconds * 1000);
        continue;
      }
      if (reply.ok && type.startsWith("application/pdf")) {
        save(await reply.blob(), fileName(reply, "report.pdf"));
        return true;
      }
      return false;
    }
  }

  // The status next to a link: a live sentence (said once) and a progress bar
  // that fills over the usual time (never quite to the end before the file is there).
  function showProgress(status) {
    const expected = Number(status.dataset.expectedSeconds) || 10;
    status.hidden = false;
    status.textContent = "";
    const text = document.createElement("span");
    text.textContent = status.dataset.preparing;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", status.dataset.progressLabel || status.dataset.preparing);
    const clock = document.createElement("span");
    clock.className = "pdf-seconds";
    clock.setAttribute("aria-hidden", "true");
    status.append(text, " ", bar, " ", clock);
    const started = Date.now();
    const timer = setInterval(() => {
      const seconds = (Date.now() - started) / 1000;
      bar.value = Math.round(95 * (1 - Math.exp(-seconds / expected)));
      clock.textContent = (status.dataset.seconds || "{seconds} s").replace("{seconds}", Math.round(seconds));
    }, 250);
    return (message, done) => {
      clearInterval(timer);
      status.textContent = message;
      status.classList.toggle("pdf-done", Boolean(done));
    };
  }

  async function download(url, status, link) {
    if (link) link.setAttribute("aria-disabled", "true");
    const finish = showProgress(status);
    let saved = false;
    try {
      saved = await fetchPdf(url, () => {});
    } catch (error) {
      saved = false;
    }
    if (link) link.removeAttribute("aria-disabled");
    if (saved) {
      finish(status.dataset.done, true);
    } else {
      finish(status.dataset.failed, false);
      window.location.href = url; // show the server's own page: its message, or the PDF itself
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-pdf-download]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") return; // already on its way: a second tap does nothing
    const status = document.getElementById(link.dataset.pdfStatus);
    download(link.href, status, link);
  });

  // The "being prepared" page (opened without this script, or in a new tab):
  // ask again from here and save the PDF; the page stays and says so.
  document.addEventListener("DOMContentLoaded", () => {
    const waiting = document.querySelector("[data-pdf-poll]");
    if (waiting) download(waiting.dataset.pdfPoll, waiting, null);
  });
})();

// Coach downloads that may take a while (the team PDF, a coach's edition, the
// spreadsheets): after a second without the file, the link says it is being
// prepared, with a busy bar, until the file arrives. Without JavaScript the link
// is an ordinary download. (PDF links that may answer 202 use static/js/downloads.js;
// the two are to become one.)
(function () {
  const WAIT_MS = 1000;

  function fileName(reply, fallback) {
    const header = reply.headers.get("Content-Disposition") || "";
    const match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }

  function statusOf(link) {
    let status = link.nextElementSibling;
    if (!status || !status.classList.contains("download-status")) {
      status = document.createElement("span");
      status.className = "download-status";
      status.setAttribute("role", "status");
      link.after(status);
    }
    return status;
  }

  // Delegated: links the live team view adds later (a new shared profile) work too.
  document.addEventListener("click", async (event) => {
      const link = event.target.closest("a[data-download]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || link.dataset.busy) return;
      const status = statusOf(link);
      event.preventDefault();
      link.dataset.busy = "true";
      link.setAttribute("aria-busy", "true");
      const started = Date.now();
      const timer = setTimeout(() => {
        status.innerHTML = "";
        const bar = document.createElement("progress");
        bar.setAttribute("aria-label", link.dataset.preparing);
        status.append(" ", bar, " " + link.dataset.preparing);
      }, WAIT_MS);
      try {
        const reply = await fetch(link.href, { credentials: "same-origin" });
        const type = reply.headers.get("Content-Type") || "";
        if (!reply.ok || reply.status === 202 || type.startsWith("text/html")) {
          window.location.href = link.href;  // a waiting page or an error page says the rest
          return;
        }
        const blob = await reply.blob();
        const url = URL.createObjectURL(blob);
        const save = document.createElement("a");
        save.href = url;
        save.download = fileName(reply, "download");
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        status.textContent = Date.now() - started > WAIT_MS ? " " + link.dataset.ready : "";
      } catch (e) {
        status.textContent = " " + link.dataset.failed;
      } finally {
        clearTimeout(timer);
        delete link.dataset.busy;
        link.removeAttribute("aria-busy");
      }
  });
})();

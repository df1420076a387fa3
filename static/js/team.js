// The coach's live team view: polls the team JSON every few seconds and updates
// counts, chart, medians and the grid in place, without reloading the page.
(function () {
  const POLL_MS = 3000;
  const team = document.getElementById("team");
  if (!team) return;

  function setText(selector, value) {
    const el = team.querySelector(selector);
    if (el && el.textContent !== String(value)) el.textContent = value;
  }

  // Anonymous workshops show completions as a range (e.g. 5–9), named ones exactly.
  function count(c) { return c.low === c.high ? String(c.low) : c.low + "–" + c.high; }

  // Scores and medians come rounded from the server (assessment/team.py shown_median: half up,
  // the same number the page, slides and PDF show); never round them again here.
  function fmt(value) { return value === null || value === undefined ? "–" : String(value); }

  // New rows get one cell per column heading the page wrote (templates/coach/workshops/show.html
  // writes every heading, also before anyone has shared), in the headings' order: a cell always
  // sits under its own heading, and the script never makes a heading.
  function updateGrid(rows) {
    const table = team.querySelector("[data-grid]");
    if (!table) return;
    const body = table.tBodies[0];
    const columns = Array.from(table.tHead.querySelectorAll("th[data-column]")).map((th) => th.dataset.column);
    const template = document.getElementById("pdf-link-template");
    const known = new Set(Array.from(body.rows).map((r) => r.dataset.id));
    rows.forEach((row) => {
      if (known.has(String(row.id))) return;
      const tr = document.createElement("tr");
      tr.dataset.id = row.id;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = row.name;
      tr.appendChild(th);
      columns.forEach((id) => {
        const cell = row.scores[id] || {};
        const td = document.createElement("td");
        td.className = "cell band-" + (cell.band || "none");
        td.dataset.value = cell.score === null || cell.score === undefined ? -1 : cell.score;
        td.textContent = fmt(cell.score);
        if (cell.interval) {
          const small = document.createElement("small");
          small.textContent = " (" + cell.interval[0] + "–" + cell.interval[1] + ")";
          td.appendChild(small);
        }
        if (cell.near) {
          const mark = document.createElement("span");
          mark.setAttribute("aria-hidden", "true");
          mark.textContent = " ≈";
          const said = document.createElement("span");
          said.className = "visually-hidden";
          said.textContent = " " + table.dataset.nearText;
          td.append(mark, said);
        }
        tr.appendChild(td);
      });
      const link = template.content.firstElementChild.cloneNode(true);
      link.href = link.href.replace(/\/0\.pdf$/, "/" + row.id + ".pdf");
      const td = document.createElement("td");
      td.className = "pdf-links";
      td.appendChild(link);
      const coachTemplate = document.getElementById("coach-link-template");
      if (coachTemplate) {
        const coachLink = coachTemplate.content.firstElementChild.cloneNode(true);
        coachLink.href = coachLink.href.replace(/\/0\/coach\.pdf$/, "/" + row.id + "/coach.pdf");
        td.append(" ", coachLink);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  function update(data) {
    const s = data.summary;
    setText('[data-count="joined"]', s.joined);
    if (s.in_progress) setText('[data-count="in_progress"]', count(s.in_progress));
    // The words come from the server (templates/_team_size.html), the same as the page's.
    setText('[data-count="completed"]', data.size.value);
    setText("[data-size-reason]", data.size.reason);
    team.querySelector("[data-size-reason]").hidden = !data.size.reason.trim();
    team.querySelector("[data-empty-state]").hidden = s.anonymous || s.included > 0;
    setText('[data-count="flagged"]', s.flagged);
    setText('[data-count="included"]', s.included);
    team.querySelectorAll("[data-flagged]").forEach((el) => { el.hidden = !s.scales.length; });
    const figure = team.querySelector("[data-chart-figure]");
    const medians = team.querySelector("[data-medians]");
    figure.hidden = !data.chart;
    medians.hidden = !s.included;
    if (data.chart) window.drawChart(figure.querySelector(".chart-area"), data.chart);
    const body = medians.querySelector("tbody");
    s.scales.forEach((scale) => {
      let tr = body.querySelector('[data-scale="' + scale.id + '"]');
      if (!tr) {
        tr = document.createElement("tr");
        tr.dataset.scale = scale.id;
        tr.innerHTML = '<th scope="row"></th><td data-median class="number"></td><td data-band="low" class="number"></td><td data-band="moderate" class="number"></td><td data-band="high" class="number"></td>';
        tr.querySelector("th").textContent = scale.name;
        // Stacked on a phone, each cell shows its column's heading as its label.
        const heads = Array.from(medians.querySelectorAll("thead th")).map((th) => th.textContent);
        tr.querySelectorAll("td").forEach((td, i) => { td.dataset.label = heads[i + 1]; });
        body.appendChild(tr);
      }
      tr.querySelector("[data-median]").textContent = fmt(scale.median);
      ["low", "moderate", "high"].forEach((b) => { tr.querySelector('[data-band="' + b + '"]').textContent = scale.band_counts[b]; });
    });
    updateGrid(data.grid);
    team.dataset.updated = String(Date.now());
  }

  async function poll() {
    try {
      const reply = await fetch(team.dataset.teamUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (reply.ok) update(await reply.json());
    } catch (e) { /* offline for a moment: try again at the next tick */ }
    setTimeout(poll, POLL_MS);
  }
  setTimeout(poll, POLL_MS);

  // Sortable grid: select a column heading; aria-sort tells screen readers the order.
  const grid = team.querySelector("[data-grid]");
  if (grid) {
    grid.addEventListener("click", (event) => {
      const button = event.target.closest("button.sort");
      if (!button) return;
      const th = button.closest("th");
      const index = Array.from(th.parentNode.children).indexOf(th);
      const descending = th.getAttribute("aria-sort") === "ascending";
      grid.querySelectorAll("thead th").forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      const rows = Array.from(grid.tBodies[0].rows);
      rows.sort((a, b) => {
        const x = a.children[index], y = b.children[index];
        const cmp = index === 0 ? x.textContent.localeCompare(y.textContent) : Number(x.dataset.value) - Number(y.dataset.value);
        return descending ? -cmp : cmp;
      });
      rows.forEach((r) => grid.tBodies[0].appendChild(r));
    });
  }

  // Background ZIP progress.
  const job = document.querySelector("[data-job-url]");
  if (job) {
    const bar = job.querySelector("progress");
    async function pollJob() {
      try {
        const reply = await fetch(job.dataset.jobUrl, { headers: { Accept: "application/json" } });
        if (reply.ok) {
          const state = await reply.json();
          bar.max = state.total || 1;
          bar.value = state.done;
          job.querySelector("[data-job-status]").textContent = state.done + " / " + state.total;
          if (state.status === "done") { job.querySelector("[data-job-download]").hidden = false; return; }
          if (state.status === "failed" || state.status === "expired") { const e = job.querySelector("[data-job-error]"); e.hidden = false; e.textContent += " " + (state.error || ""); return; }
        }
      } catch (e) { /* retry */ }
      setTimeout(pollJob, 1000);
    }
    pollJob();
  }
})();

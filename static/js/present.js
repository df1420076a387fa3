// The presenter deck: one slide at a time, stepped with the arrow keys (or
// Page Up/Down, Space, Home/End) and the buttons; F toggles full screen. The
// counters, chart and distributions update from the server every few seconds.
(function () {
  const POLL_MS = 3000;
  const deck = document.getElementById("deck");
  if (!deck) return;
  const state = JSON.parse(document.getElementById("deck-state").textContent);
  const announce = deck.querySelector("[data-announce]");
  let current = 0;
  const chartSource = document.getElementById("present-chart-data");
  let teamChart = chartSource ? JSON.parse(chartSource.textContent) : null;

  // The team chart is drawn only while its slide is visible, at the slide's
  // size and with projector-sized text.
  function drawTeam() {
    const slide = deck.querySelector('[data-slide="team"]');
    const element = slide.querySelector(".chart-area");
    if (slide.hidden || !teamChart || !window.drawChart) return;
    const figure = JSON.parse(JSON.stringify(teamChart));
    figure.layout.font = Object.assign({}, figure.layout.font, { size: Math.max(16, Math.round(window.innerHeight / 40)) });
    figure.layout.height = Math.max(360, Math.round(window.innerHeight * 0.68));
    window.drawChart(element, figure);
  }

  function slides() {
    // The discussion slides in the team's order; the others as written.
    const all = Array.from(deck.querySelectorAll(".slide"));
    const talk = state.discussion.map((id) => deck.querySelector('[data-discuss="' + id + '"]')).filter(Boolean);
    const before = all.filter((s) => !s.dataset.discuss && s.dataset.slide !== "close");
    return before.concat(talk, all.filter((s) => s.dataset.slide === "close"));
  }

  function show(index, focus) {
    const list = slides();
    current = Math.max(0, Math.min(index, list.length - 1));
    deck.querySelectorAll(".slide").forEach((s) => { s.hidden = true; });
    const slide = list[current];
    slide.hidden = false;
    const label = state.slide_label.replace("{n}", current + 1).replace("{total}", list.length);
    deck.querySelector("[data-position]").textContent = (current + 1) + " / " + list.length;
    announce.textContent = label + ": " + slide.querySelector("h2").textContent;
    deck.dataset.current = slide.dataset.slide;
    if (slide.dataset.slide === "team") drawTeam();
    if (focus) slide.querySelector("h2").focus({ preventScroll: true });
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen();
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const onButton = event.target.closest && event.target.closest("button, a");
    if (["ArrowRight", "PageDown"].includes(event.key) || (event.key === " " && !onButton)) { show(current + 1); event.preventDefault(); }
    else if (["ArrowLeft", "PageUp"].includes(event.key)) { show(current - 1); event.preventDefault(); }
    else if (event.key === "Home") { show(0); event.preventDefault(); }
    else if (event.key === "End") { show(slides().length - 1); event.preventDefault(); }
    else if (event.key === "f" || event.key === "F") { toggleFullscreen(); event.preventDefault(); }
  });
  deck.querySelector('[data-go="prev"]').addEventListener("click", () => show(current - 1));
  deck.querySelector('[data-go="next"]').addEventListener("click", () => show(current + 1));
  deck.querySelector('[data-go="fullscreen"]').addEventListener("click", toggleFullscreen);

  // Timers on the discussion slides.
  let ticking = null;
  deck.querySelectorAll(".timer-button").forEach((button) => {
    button.addEventListener("click", () => {
      const left = button.parentElement.querySelector("[data-timer]");
      let seconds = Number(button.dataset.minutes) * 60;
      clearInterval(ticking);
      const draw = () => { left.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0"); };
      draw();
      ticking = setInterval(() => { seconds -= 1; draw(); if (seconds <= 0) { clearInterval(ticking); left.classList.add("done"); } }, 1000);
    });
  });

  function setWhen(root, shown, withheld, empty) {
    root.querySelectorAll("[data-when]").forEach((el) => {
      const when = el.dataset.when;
      el.hidden = !((when === "shown" && shown) || (when === "withheld" && withheld) || (when === "empty" && empty) || (when === "not-shown" && !shown));
    });
  }

  function update(data) {
    deck.querySelector('[data-count="joined"]').textContent = data.joined;
    deck.querySelector('[data-count="completed"]').textContent = data.size.value;
    // The words come from the server (templates/_team_size.html), the same as the page's.
    deck.querySelectorAll("[data-size-reason], [data-size-phrase]").forEach((el) => {
      el.textContent = data.size.reason;
      el.hidden = !data.included;
    });
    const shown = data.included > 0 && data.scales.length > 0;
    setWhen(deck.querySelector('[data-slide="team"]'), Boolean(data.chart), data.withheld, !data.withheld && !data.included);
    const changed = JSON.stringify(data.chart) !== JSON.stringify(teamChart);
    teamChart = data.chart;
    if (changed) drawTeam();
    data.scales.forEach((scale) => {
      const slide = deck.querySelector('[data-scale="' + scale.id + '"]');
      if (!slide) return;
      setWhen(slide, shown, false, false);
      const total = Math.max(1, scale.band_counts.low + scale.band_counts.moderate + scale.band_counts.high);
      ["low", "moderate", "high"].forEach((band) => {
        slide.querySelector('[data-band="' + band + '"]').style.width = (100 * scale.band_counts[band] / total) + "%";
        slide.querySelector('[data-count-band="' + band + '"]').textContent = scale.band_counts[band];
      });
      // The server's median as shown everywhere (assessment/team.py shown_median): not rounded again here.
      slide.querySelector("[data-median]").textContent = scale.median === null ? "–" : String(scale.median);
    });
    if (!shown) deck.querySelectorAll("[data-scale]").forEach((slide) => setWhen(slide, false, false, false));
    const onSlide = slides()[current];
    state.discussion = data.discussion;
    const again = slides().indexOf(onSlide);
    current = again >= 0 ? again : current;
    deck.dataset.updated = String(Date.now());
  }

  async function poll() {
    try {
      const reply = await fetch(deck.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (reply.ok) update(await reply.json());
    } catch (e) { /* the projector's network blinked: try again at the next tick */ }
    setTimeout(poll, POLL_MS);
  }
  deck.querySelectorAll(".slide h2").forEach((h) => { h.tabIndex = -1; });
  show(0);
  window.addEventListener("resize", drawTeam);
  window.addEventListener("load", drawTeam);
  poll();
})();

// Draws every plotly figure whose JSON the page carries (built by reports/charts.py).
window.drawChart = function (element, figure) {
  if (!window.Plotly || !figure) return;
  const layout = Object.assign({}, figure.layout, { autosize: true });
  delete layout.width;
  // Plotly's responsive resize (a phone turned, a window resized) takes the
  // height from the container; without a height of its own the container
  // shrinks to its min-height and the rows overlap each other and the table.
  if (figure.layout && figure.layout.height) element.style.height = figure.layout.height + "px";
  Plotly.react(element, figure.data, layout, { responsive: true, displaylogo: false, displayModeBar: false }).then(() => {
    // On a phone a long name and its score label can meet: the score goes (the table says it too).
    if (labelsOverlap(element)) {
      return Plotly.relayout(element, { annotations: (layout.annotations || []).filter((a) => a.name !== "score") });
    }
  }).then(() => {
    // A name and its median share a line where they fit (a two-line label grows into the
    // bar above on a projector); on a narrow phone the median goes to a line of its own.
    if (labelsTooWide(element)) {
      const annotations = (element.layout.annotations || []).map((a) =>
        Object.assign({}, a, { text: typeof a.text === "string" ? a.text.replace(" · ", "<br>") : a.text }));
      return Plotly.relayout(element, { annotations: annotations });
    }
  }).then(() => { element.dataset.rendered = "true"; });
};

function labelsTooWide(element) {
  const right = element.getBoundingClientRect().right;
  return Array.from(element.querySelectorAll(".annotation-text")).some((t) => t.getBoundingClientRect().right > right + 1);
}

function labelsOverlap(element) {
  const boxes = Array.from(element.querySelectorAll(".annotation-text")).map((t) => t.getBoundingClientRect()).filter((r) => r.width > 0);
  return boxes.some((a, i) => boxes.slice(i + 1).some((b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1));
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const source = document.getElementById(element.dataset.chart);
    const figure = source ? JSON.parse(source.textContent) : null;
    if (figure) window.drawChart(element, figure);
  });
});

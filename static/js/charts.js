// Draws every plotly figure whose JSON the page carries (built by reports/charts.py).
window.drawChart = function (element, figure) {
  if (!window.Plotly || !figure) return;
  const layout = Object.assign({}, figure.layout, { autosize: true });
  delete layout.width;
  Plotly.react(element, figure.data, layout, { responsive: true, displaylogo: false, displayModeBar: false });
  element.dataset.rendered = "true";
};
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-chart]").forEach((element) => {
    const source = document.getElementById(element.dataset.chart);
    const figure = source ? JSON.parse(source.textContent) : null;
    if (figure) window.drawChart(element, figure);
  });
});

/* Sentinel analytics pages (revenue, retention, funnel): draws each
 * chart from the JSON embedded in the page and folds its table away. The
 * tables hold the same figures, for readers without JavaScript. No inline
 * script: the pages carry a strict Content-Security-Policy. */
(function () {
  "use strict";
  var root = document.documentElement;
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    root.setAttribute("data-script-errors", String(errors));
  });
  var source = document.getElementById("page-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);

  var style = getComputedStyle(root);
  function color(name, fallback) { return (style.getPropertyValue(name) || fallback).trim(); }
  var palette = ["#2357c6", "#2b8a3e", "#0c8599", "#e8590c", "#c2255c", "#ae3ec9", "#5c940d", "#1971c2", "#868e96"];
  Chart.defaults.color = color("--muted", "#5b6475");
  Chart.defaults.borderColor = color("--line", "#dde2ea");
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  var narrow = window.matchMedia && window.matchMedia("(max-width: 480px)").matches;

  function percent(v) { return (v * 100).toFixed(0) + " %"; }
  var drawn = 0;
  (data.charts || []).forEach(function (spec) {
    var canvas = document.getElementById("canvas-" + spec.id);
    if (!canvas || !spec.labels.length) { return; }
    var stacked = spec.series.some(function (s) { return s.stack; });
    // On a phone, fewer and shorter labels (MM-DD, Www) so that none overlap.
    var ticks = { maxTicksLimit: narrow ? 4 : 10, maxRotation: 0, autoSkip: true, autoSkipPadding: 12,
      callback: function (value) {
        var label = this.getLabelForValue(value);
        return narrow && /^\d{4}-/.test(String(label)) ? String(label).slice(5) : label;
      } };
    var scales = { x: { stacked: stacked, ticks: ticks },
      y: { stacked: stacked, beginAtZero: true } };
    if (spec.series.some(function (s) { return s.axis === "right"; })) {
      scales.right = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } };
    }
    (spec.percent_axes || []).forEach(function (axis) {
      scales[axis] = scales[axis] || {};
      scales[axis].ticks = { callback: percent };
    });
    var datasets = spec.series.map(function (s, i) {
      var set = { type: s.kind, label: s.label, data: s.values, yAxisID: s.axis, backgroundColor: palette[i % palette.length],
        borderColor: palette[i % palette.length] };
      if (s.stack) { set.stack = s.stack; }
      if (s.kind === "line") { set.pointRadius = 0; set.borderWidth = 2; set.spanGaps = false; set.order = -1; }
      return set;
    });
    // Shown before the chart is made, so that it measures its real width.
    canvas.parentNode.hidden = false;
    new Chart(canvas, { data: { labels: spec.labels, datasets: datasets },
      options: { responsive: true, interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: narrow ? 10 : 40 } } }, scales: scales } });
    var details = canvas.parentNode.parentNode.querySelector("details.chart-data");
    if (details) { details.open = false; }
    drawn += 1;
  });
  root.setAttribute("data-charts-drawn", String(drawn));
})();

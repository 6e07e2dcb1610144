/* Sentinel dashboard: draws the charts from the JSON embedded in the page,
 * folds the tables away, switches the range, warns about stale data and,
 * over http(s), reloads when a new build is published. No inline script:
 * the page carries a strict Content-Security-Policy. */
(function () {
  "use strict";
  var root = document.documentElement;
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    root.setAttribute("data-script-errors", String(errors));
  });

  var board = document.getElementById("dashboard");
  var source = document.getElementById("dashboard-data");
  if (!board || !source) { return; }
  var data = JSON.parse(source.textContent);

  // Stale data: the cron job may have stopped.
  var asOf = Number(board.getAttribute("data-as-of-ms"));
  var banner = document.getElementById("stale-banner");
  if (banner && asOf && Date.now() - asOf > 26 * 3600 * 1000) { banner.hidden = false; }

  // Auto-refresh over http(s) only; nothing at all on file://.
  var buildID = board.getAttribute("data-build-id");
  if (location.protocol === "http:" || location.protocol === "https:") {
    setInterval(function () {
      fetch("api/health.json", { cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (health) { if (health && health.build_id && health.build_id !== buildID) { location.reload(); } })
        .catch(function () { /* offline for a moment: try again next time */ });
    }, 60000);
  }

  if (typeof Chart === "undefined" || !data.dates || data.dates.length === 0) { return; }

  var style = getComputedStyle(root);
  function color(name, fallback) { return (style.getPropertyValue(name) || fallback).trim(); }
  var palette = ["#2357c6", "#d9480f", "#2b8a3e", "#ae3ec9", "#e8590c", "#0c8599", "#c2255c", "#5c940d", "#1971c2", "#868e96"];
  Chart.defaults.color = color("--muted", "#5b6475");
  Chart.defaults.borderColor = color("--line", "#dde2ea");
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  var s = data.series;
  function line(label, values, index, extra) {
    var dataset = { type: "line", label: label, data: values, borderColor: palette[index % palette.length],
      backgroundColor: palette[index % palette.length], pointRadius: 0, borderWidth: 2, spanGaps: true };
    for (var key in extra) { dataset[key] = extra[key]; }
    return dataset;
  }
  function bar(label, values, index, extra) {
    var dataset = { type: "bar", label: label, data: values, backgroundColor: palette[index % palette.length] };
    for (var key in extra) { dataset[key] = extra[key]; }
    return dataset;
  }
  function percentAxis(extra) {
    var axis = { beginAtZero: true, ticks: { callback: function (v) { return (v * 100).toFixed(1) + " %"; } } };
    for (var key in extra) { axis[key] = extra[key]; }
    return axis;
  }
  var threshold = data.dates.map(function () { return data.error_threshold; });
  var costSets = data.providers.map(function (p, i) { return bar(p.name, p.values, i, { stack: "costs" }); });
  costSets.push(bar("Infrastructure", s.infrastructure, costSets.length, { stack: "costs" }));
  // Revenue is many times the costs: on an axis of its own, the costs' bars stay readable.
  if (data.costs_against_revenue) { costSets.push(line("Revenue (MRR / days in month)", s.revenue, 6, { yAxisID: "revenue" })); }

  // Each chart: its canvas, datasets over the days (sliced by the range), options.
  var specs = [
    { id: "users", sets: [line("Total users", s.total, 0), line("Premium users", s.premium, 1)] },
    { id: "activity", sets: [line("DAU", s.dau, 0), line("WAU", s.wau, 2), line("MAU", s.mau, 3),
        line("Stickiness", s.stickiness, 1, { yAxisID: "rate", borderDash: [4, 3] })],
      scales: { y: { beginAtZero: true }, rate: percentAxis({ position: "right", grid: { drawOnChartArea: false } }) } },
    { id: "mrr", sets: [line("MRR", s.mrr, 0), bar("New MRR", s.new_mrr, 2, { yAxisID: "flow" }),
        bar("Churned MRR", s.churned_mrr, 1, { yAxisID: "flow" })],
      scales: { y: { beginAtZero: true }, flow: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } },
    { id: "conversion", sets: [line("Conversion rate", s.conversion_rate, 0)], scales: { y: percentAxis({}) } },
    { id: "costs", sets: costSets, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true },
        revenue: { position: "right", beginAtZero: true, display: !!data.costs_against_revenue, grid: { drawOnChartArea: false } } } },
    { id: "errors", sets: [line("Error rate", s.error_rate, 1), line("Alert threshold", threshold, 9, { borderDash: [6, 4] })],
      scales: { y: percentAxis({}) } },
    { id: "commands", fixed: true, labels: data.top_commands.names,
      sets: [bar("Commands, last 30 days", data.top_commands.counts, 0)], options: { indexAxis: "y" } },
    { id: "latency", sets: [line("p50 (ms)", s.p50, 0), line("p95 (ms)", s.p95, 1)], scales: { y: { beginAtZero: true } } }
  ];

  var charts = [];
  var drawn = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById("canvas-" + spec.id);
    if (!canvas) { return; }
    var scales = spec.scales || {};
    if (!spec.fixed) {
      scales.x = scales.x || {};
      // A phone has room for a few dates: fewer ticks, and MM-DD.
      var narrow = window.innerWidth < 480;
      scales.x.ticks = { maxTicksLimit: narrow ? 4 : 12, maxRotation: 0, autoSkip: true };
      if (narrow) {
        scales.x.ticks.callback = function (value) { var label = this.getLabelForValue(value); return String(label).slice(5); };
      }
    }
    var options = { responsive: true, interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom" } }, scales: scales };
    for (var key in spec.options || {}) { options[key] = spec.options[key]; }
    var full = spec.sets.map(function (set) { return set.data; });
    var chart = new Chart(canvas, { data: { labels: spec.labels || data.dates.slice(), datasets: spec.sets }, options: options });
    charts.push({ chart: chart, full: full, fixed: !!spec.fixed });
    canvas.parentNode.hidden = false;
    var details = canvas.parentNode.parentNode.querySelector("details.chart-data");
    if (details) { details.open = false; }
    drawn += 1;
  });

  // The range selector: the latest N days of every series, client-side.
  function show(days) {
    var count = data.dates.length;
    var from = days > 0 ? Math.max(0, count - days) : 0;
    charts.forEach(function (entry) {
      if (entry.fixed) { return; }
      entry.chart.data.labels = data.dates.slice(from);
      entry.chart.data.datasets.forEach(function (set, i) { set.data = entry.full[i].slice(from); });
      entry.chart.update();
    });
    root.setAttribute("data-range-days", String(days));
    var series = charts.filter(function (entry) { return !entry.fixed; });
    root.setAttribute("data-range-points", String(series.length ? series[0].chart.data.labels.length : 0));
    var buttons = document.querySelectorAll("#range button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(Number(buttons[i].getAttribute("data-days")) === days));
    }
  }
  var range = document.getElementById("range");
  if (range) {
    range.hidden = false;
    range.addEventListener("click", function (event) {
      var target = event.target;
      if (target && target.getAttribute && target.hasAttribute("data-days")) {
        var days = Number(target.getAttribute("data-days"));
        show(days);
        history.replaceState(null, "", "#range=" + days);
      }
    });
  }
  // `#range=30` in the address opens (and shares) a range.
  function fromHash() {
    var match = /range=(\d+)/.exec(location.hash);
    return match ? Number(match[1]) : 90;
  }
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
  root.setAttribute("data-charts-drawn", String(drawn));
})();

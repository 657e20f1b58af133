// The campaign's Gantt chart (frappe-gantt, vendored): its tasks against the campaign dates, today marked, overdue
// tasks in red (classes from the server). Names are escaped here: frappe-gantt sets them as HTML.
(function () {
  "use strict";
  var holder = document.getElementById("gantt");
  var source = document.getElementById("gantt-data");
  if (!holder || !source || typeof Gantt === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var escapes = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escape(text) { return String(text).replace(/[&<>"']/g, function (c) { return escapes[c]; }); }
  if (!data.tasks.length) { holder.textContent = "—"; return; }
  var tasks = data.tasks.map(function (t) {
    return { id: t.id, name: escape(t.name), start: t.start, end: t.end, progress: t.progress,
             custom_class: t.custom_class };
  });
  var lang = holder.getAttribute("data-lang") === "zh" ? "zh" : "en";
  var first = tasks.reduce(function (m, t) { return t.start < m ? t.start : m; }, tasks[0].start);
  var last = tasks.reduce(function (m, t) { return t.end > m ? t.end : m; }, tasks[0].end);
  var days = (Date.parse(last) - Date.parse(first)) / 86400000;
  new Gantt(holder, tasks, {
    view_mode: days > 45 ? "Week" : "Day", column_width: days > 45 ? 70 : 38, language: lang, readonly: true, today_button: false, view_mode_select: false,
    holidays: {}, popup_on: "hover", scroll_to: first, infinite_padding: false, container_height: "auto",
    bar_height: 22, padding: 14
  });
})();

// The bench page: a sortable per-document score table (worst first) whose
// rows open each system's output diffed against the gold text.
(function () {
  const systems = REPORT.systems;
  const METRICS = ["P", "R", "F1"];
  const table = document.getElementById("scores");
  const body = el("tbody");
  const state = { key: [systems[0], 2], ascending: true, query: "", open: new Set() };

  const search = el("input", { type: "search", placeholder: "Filter documents by id…", "aria-label": "Filter documents",
    oninput: () => { state.query = search.value.trim().toLowerCase(); render(); } });
  const count = el("span", { className: "count" });
  document.getElementById("bench-toolbar").append(search, count);

  const headers = [];
  const groupRow = el("tr", {}, el("th", { className: "group-spacer" }),
    systems.map((system) => el("th", { className: "group", colspan: METRICS.length }, system)));
  const columnRow = el("tr", {}, sortHeader("Document", "id"),
    systems.map((system) => METRICS.map((metric, index) => sortHeader(metric, [system, index], index === 0 ? "first-of-group" : ""))));
  table.append(el("thead", {}, groupRow, columnRow), body);

  function sortHeader(label, key, className) {
    const th = el("th", { className, title: "Sort", onclick: () => {
      const same = JSON.stringify(state.key) === JSON.stringify(key);
      state.ascending = same ? !state.ascending : true;
      state.key = key;
      render();
    } }, label);
    headers.push([th, key]);
    return th;
  }

  function sortValue(doc) {
    if (state.key === "id") return doc.id;
    const value = doc.scores[state.key[0]][state.key[1]];
    return value === null ? -1 : value;
  }

  function compare(a, b) {
    const x = sortValue(a), y = sortValue(b);
    const order = typeof x === "string" ? x.localeCompare(y) : x - y;
    return (state.ascending ? order : -order) || a.id.localeCompare(b.id);
  }

  function scoreClass(value) {
    if (value === null) return "";
    return value >= 0.9 ? "score-good" : value >= 0.6 ? "score-mid" : "score-bad";
  }

  function render() {
    const docs = REPORT.docs.filter((doc) => !state.query || doc.id.toLowerCase().includes(state.query)).sort(compare);
    const rows = [];
    for (const doc of docs) {
      const row = el("tr", { className: "doc-row" + (state.open.has(doc.id) ? " open" : ""), "data-id": doc.id,
        onclick: () => { state.open.has(doc.id) ? state.open.delete(doc.id) : state.open.add(doc.id); render(); } },
        el("td", {}, doc.id),
        systems.map((system) => doc.scores[system].slice(0, 3).map((value, index) =>
          el("td", { className: [index === 0 ? "first-of-group" : "", index === 2 ? "f1" : "", scoreClass(value)].join(" ") },
            formatScore(value)))));
      rows.push(row);
      if (state.open.has(doc.id)) rows.push(detailRow(doc));
    }
    body.replaceChildren(...rows);
    count.textContent = `${docs.length} of ${REPORT.docs.length} documents`;
    for (const [th, key] of headers) {
      const active = JSON.stringify(key) === JSON.stringify(state.key);
      th.classList.toggle("sorted-asc", active && state.ascending);
      th.classList.toggle("sorted-desc", active && !state.ascending);
    }
  }

  function detailRow(doc) {
    return el("tr", { className: "detail-row" }, el("td", { className: "detail", colspan: 1 + systems.length * METRICS.length },
      el("div", { className: "columns" }, systems.map((system) => {
        const [p, r, f1] = doc.scores[system];
        return el("div", { className: "column" },
          el("header", {}, el("span", { className: "id" }, system), ` — P ${formatScore(p)}, R ${formatScore(r)}, F1 ${formatScore(f1)}`),
          el("div", { className: "body against-gold" }, renderDiff(doc.diffs[system])));
      }))));
  }

  // Open the worst document so the page shows a diff from the start.
  const worst = REPORT.docs.slice().sort(compare)[0];
  if (worst) state.open.add(worst.id);
  render();
})();

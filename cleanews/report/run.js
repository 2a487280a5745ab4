// The review page of a run: documents with their removed lines, search,
// filter by rule, and the largest duplicate clusters side by side.
(function () {
  const PAGE_SIZE = 25;
  const docs = REPORT.docs;
  const state = { query: "", rule: "", sort: "confidence", hideKept: false, limit: PAGE_SIZE };
  const clusterAnchor = new Map(REPORT.clusters.map((cluster, index) => [cluster.id, "cluster-" + index]));

  const list = document.getElementById("doc-list");
  const count = el("span", { className: "count" });
  const search = el("input", { type: "search", placeholder: "Search text, titles and ids…", "aria-label": "Search",
    oninput: () => update({ query: search.value.trim().toLowerCase() }) });
  const ruleSelect = el("select", { "aria-label": "Filter by rule", onchange: () => update({ rule: ruleSelect.value }) },
    el("option", { value: "" }, "All documents"),
    el("option", { value: "*any" }, "With any removed line"),
    REPORT.rule_order.map((rule) => el("option", { value: rule }, `Removed by ${rule} (${REPORT.rule_docs[rule]} docs)`)));
  const sortSelect = el("select", { "aria-label": "Sort", onchange: () => update({ sort: sortSelect.value }) },
    el("option", { value: "confidence" }, "Least confident first"),
    el("option", { value: "input" }, "Input order"),
    el("option", { value: "removed" }, "Most lines removed"),
    el("option", { value: "chars" }, "Most characters removed"),
    el("option", { value: "id" }, "By id"));
  const hideKept = el("input", { type: "checkbox", onchange: () => update({ hideKept: hideKept.checked }) });
  document.getElementById("doc-toolbar").append(search, ruleSelect, sortSelect,
    el("label", {}, hideKept, " removed lines only"), count);
  const more = el("button", { className: "more", onclick: () => update({ limit: state.limit + PAGE_SIZE }, true) }, "Show more");
  list.after(more);

  for (const bar of document.querySelectorAll("#rule-chart g.bar")) {
    bar.querySelector("rect").setAttribute("fill", ruleColour(bar.dataset.key));  // the colour of the rule's labels
    bar.addEventListener("click", () => {
      ruleSelect.value = bar.dataset.key;
      update({ rule: bar.dataset.key });
      document.getElementById("documents").scrollIntoView();
    });
  }

  function update(changes, keepLimit) {
    Object.assign(state, changes);
    if (!keepLimit) state.limit = PAGE_SIZE;
    saveHash();
    render();
  }

  // The view lives in the address (#q=...&rule=...&sort=...&removed-only) so it can be bookmarked or shared.
  function loadHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    state.query = (params.get("q") || "").trim().toLowerCase();
    state.rule = params.get("rule") || "";
    state.sort = ORDER[params.get("sort")] ? params.get("sort") : "confidence";
    state.hideKept = params.has("removed-only");
    search.value = params.get("q") || "";
    ruleSelect.value = state.rule;
    sortSelect.value = state.sort;
    hideKept.checked = state.hideKept;
  }

  function saveHash() {
    const params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    if (state.rule) params.set("rule", state.rule);
    if (state.sort !== "confidence") params.set("sort", state.sort);
    if (state.hideKept) params.set("removed-only", "");
    history.replaceState(null, "", params.toString() ? "#" + params : location.pathname + location.search);
  }

  function haystack(doc) {
    if (doc.hay === undefined) {
      doc.hay = [doc.id, doc.title || "", ...doc.lines.map((line) => line[1]), ...doc.unplaced.map((line) => line[1])].join("\n").toLowerCase();
    }
    return doc.hay;
  }

  function hasRule(doc, rule) {
    return doc.lines.some((line) => line[0] === rule) || doc.unplaced.some((line) => line[0] === rule);
  }

  function matches(doc) {
    if (state.rule === "*any" && !doc.removed) return false;
    if (state.rule && state.rule !== "*any" && !hasRule(doc, state.rule)) return false;
    return !state.query || haystack(doc).includes(state.query);
  }

  const ORDER = {
    confidence: () => 0,  // the order the page holds them in
    input: (a, b) => a.index - b.index,
    removed: (a, b) => b.removed - a.removed,
    chars: (a, b) => b.removed_chars - a.removed_chars,
    id: (a, b) => a.id.localeCompare(b.id),
  };

  function render() {
    const found = docs.filter(matches);
    if (state.sort !== "confidence") found.sort(ORDER[state.sort]);
    list.replaceChildren(...found.slice(0, state.limit).map(card));
    if (!found.length) list.append(el("p", { className: "empty" }, "No document matches."));
    more.hidden = found.length <= state.limit;
    const held = docs.length < REPORT.total_docs ? ` (the report holds the ${docs.length} least confident of ${REPORT.total_docs})` : "";
    count.textContent = `${Math.min(found.length, state.limit)} of ${found.length} matching documents shown${held}`;
    for (const bar of document.querySelectorAll("#rule-chart g.bar")) bar.classList.toggle("active", bar.dataset.key === state.rule);
  }

  function card(doc) {
    const meta = [];
    if (doc.title) meta.push(el("span", {}, highlighted(doc.id, state.query)));
    meta.push(el("span", { className: "badge" }, doc.source === "html" ? "from HTML" : "from text"));
    if (doc.page_type) meta.push(el("span", { className: "badge" }, doc.page_type));
    if (doc.confidence !== null) meta.push(el("span", {}, `confidence ${doc.confidence.toFixed(2)}`));
    if (doc.repaired) meta.push(el("span", { className: "badge" }, "encoding repaired"));
    if (doc.cluster && doc.cluster.size > 1) meta.push(clusterBadge(doc.cluster));
    meta.push(el("span", {}, doc.removed ? `${doc.removed} ${doc.removed === 1 ? "line" : "lines"} removed, ${doc.removed_chars} ${doc.removed_chars === 1 ? "character" : "characters"}` : "nothing removed"));
    if (doc.url) meta.push(el("a", { href: doc.url, rel: "noreferrer noopener", target: "_blank" }, doc.url));
    return el("article", { className: "doc", "data-id": doc.id },
      el("header", {}, el("h3", {}, highlighted(doc.title || doc.id, state.query)), el("div", { className: "meta" }, meta)),
      el("ol", { className: "lines" }, lineItems(doc.lines)),
      doc.unplaced.length ? el("div", { className: "unplaced" },
        el("h4", {}, "Removed lines (the record does not say where they stood)"),
        el("ol", { className: "lines" }, lineItems(doc.unplaced))) : null);
  }

  function clusterBadge(cluster) {
    const text = cluster.rep ? `representative of ${cluster.size} copies` : `copy of ${cluster.id} (similarity ${cluster.sim})`;
    const anchor = clusterAnchor.get(cluster.id);
    return anchor ? el("a", { className: "badge", href: "#" + anchor }, text) : el("span", { className: "badge" }, text);
  }

  function lineItems(lines) {
    const items = [];
    let hidden = 0;
    const flush = () => {
      if (hidden) items.push(el("li", { className: "gap" }, `… ${hidden} kept line${hidden > 1 ? "s" : ""}`));
      hidden = 0;
    };
    for (const [rule, text] of lines) {
      if (!rule && state.hideKept) { hidden += 1; continue; }
      flush();
      if (!rule) { items.push(el("li", { className: "kept" }, highlighted(text, state.query))); continue; }
      items.push(el("li", { className: "removed" + (rule === state.rule ? " focus" : ""), "data-rule": rule },
        ruleLabel(rule), el("del", {}, highlighted(text, state.query))));
    }
    flush();
    return items;
  }

  function renderClusters() {
    const box = document.getElementById("cluster-list");
    if (!box) return;
    REPORT.clusters.forEach((cluster, index) => {
      const shown = cluster.members.length < cluster.size ? ` (showing ${cluster.members.length})` : "";
      box.append(el("div", { className: "cluster", id: "cluster-" + index },
        el("h3", {}, `${cluster.size} copies of “${cluster.title || cluster.id}”${shown}`),
        el("div", { className: "columns" }, cluster.members.map((member) => el("div", { className: "column" },
          el("header", {}, el("div", { className: "id" }, member.id),
            member.title ? el("div", {}, member.title) : null,
            el("span", { className: "badge" }, member.rep ? "representative" : `similarity ${member.sim}`)),
          el("div", { className: "body" }, renderDiff(member.rows)))))));
    });
  }

  if (!location.hash.startsWith("#cluster-")) loadHash();
  render();
  renderClusters();
})();

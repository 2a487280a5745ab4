"use strict";
// Shared helpers for the report pages. Every piece of data becomes a text
// node, never markup: scraped pages must not run code in the report.

const REPORT = JSON.parse(document.getElementById("report-data").textContent);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// The text with every case-insensitive occurrence of `query` in <mark>.
function highlighted(text, query) {
  const fragment = document.createDocumentFragment();
  if (!query) { fragment.append(text); return fragment; }
  const lower = text.toLowerCase();
  let start = 0;
  for (let at = lower.indexOf(query); at !== -1; at = lower.indexOf(query, start)) {
    fragment.append(text.slice(start, at), el("mark", {}, text.slice(at, at + query.length)));
    start = at + query.length;
  }
  fragment.append(text.slice(start));
  return fragment;
}

// Rows from cleanews/report/diff.py: ["=", text], ["-", text], ["+", text], ["~", spans], ["!", why it was cut].
function renderDiff(rows) {
  const box = el("div", { className: "diff" });
  for (const [kind, payload] of rows) {
    if (kind === "=") box.append(el("p", {}, payload));
    else if (kind === "-") box.append(el("p", { className: "del" }, payload));
    else if (kind === "+") box.append(el("p", { className: "add" }, payload));
    else if (kind === "!") box.append(el("p", { className: "cut" }, payload));
    else box.append(el("p", { className: "changed" }, payload.map(([part, text]) =>
      part === "=" ? text : el(part === "+" ? "ins" : "del", {}, text))));
  }
  if (!rows.length) box.append(el("p", { className: "empty" }, "(empty)"));
  return box;
}

const RULE_COLOURS = ["#b42318", "#0072b2", "#b54708", "#7a2e8e", "#05603a", "#c11574", "#3e4784", "#8a6100",
  "#026aa2", "#9e165f", "#4e5ba6", "#6b4e16", "#107569", "#a15c07"];

function ruleColour(rule) {
  const index = REPORT.rule_order ? REPORT.rule_order.indexOf(rule) : -1;
  return RULE_COLOURS[(index < 0 ? 0 : index) % RULE_COLOURS.length];
}

function ruleLabel(rule) {
  return el("span", { className: "rule", "data-rule": rule, style: { background: ruleColour(rule) } }, rule);
}

function formatScore(value) {
  return value === null || value === undefined ? "–" : value.toFixed(3);
}

"use strict";
// Everything shown here is model output: it goes into the page through text nodes only.
const DATA = JSON.parse(document.getElementById("factory-data").textContent);
const PAGE = 50;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = String(v);
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const langAttr = (l) => (l === "zh" ? "zh-CN" : l || null);
const fmt = (v) => (typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en") : v.toFixed(3)) : (v ?? "–"));
const empty = (text) => el("p", {class: "empty"}, text);

function summary() {
  const r = DATA.run;
  document.getElementById("title").textContent = "factory run: " + (r.name || r.path);
  document.title = "factory view: " + (r.name || r.path);
  const box = document.getElementById("summary");
  const items = [["run", r.name], ["character", r.character], ["language", r.language], ["model", r.model],
    ["requests", r.requests], ["cache hits", r.cache_hits], ["tokens in", r.tokens_in], ["tokens out", r.tokens_out],
    ["cost USD", r.cost_usd], ["wall s", r.wall_time_s], ["started", r.started_at], ["limit", r.limit],
    ["shard", r.shard], ["folder", r.path]];
  for (const [k, v] of items) if (v !== undefined && v !== null) box.appendChild(el("div", {}, el("span", {}, k), fmt(v)));
  if (!r.has_run_json) box.appendChild(el("div", {class: "muted"}, "no run.json: the run has not finished a pass"));
}

function funnel() {
  const body = document.getElementById("funnel-body");
  if (!DATA.funnel.length) return body.appendChild(empty("run.json has no stages yet."));
  const t = el("table", {id: "funnel-table"}, el("tr", {}, el("th", {}, "stage"), el("th", {class: "num"}, "planned"),
    el("th", {class: "num"}, "produced"), el("th", {}, ""), el("th", {class: "num"}, "kept (records)"), el("th", {}, "lost, and why")));
  for (const row of DATA.funnel) {
    const share = row.planned ? (row.produced ?? row.records ?? 0) / row.planned : null;
    const reasons = el("ul", {class: "reasons"});
    for (const f of row.failures) {
      const li = el("li", {}, `${f.reason}: ${f.count}`);
      for (const ex of f.examples) if (ex.detail) li.appendChild(el("div", {class: "muted"}, `×${ex.count} ${ex.detail}`));
      reasons.appendChild(li);
    }
    for (const d of row.dropped) reasons.appendChild(el("li", {}, `${d.reason}: ${d.count}`));
    if (row.note) reasons.appendChild(el("li", {class: "muted"}, row.note));
    t.appendChild(el("tr", {"data-stage": row.stage}, el("td", {}, row.stage), el("td", {class: "num"}, fmt(row.planned)),
      el("td", {class: "num"}, fmt(row.produced)),
      el("td", {}, share === null ? "" : el("div", {class: "bar", title: (100 * share).toFixed(1) + "%"},
        el("div", {style: `width:${Math.min(100, 100 * share).toFixed(1)}%`}))),
      el("td", {class: "num"}, fmt(row.records)), el("td", {}, reasons)));
  }
  body.appendChild(t);
  body.appendChild(el("p", {class: "note"}, "planned and produced count requests (stages) or samples (gate); " +
    "kept counts the records the stage wrote."));
}

// ---- samples ---------------------------------------------------------------------------------
const FILTERS = [["status", "verdict", (s) => s.status], ["type", "type", (s) => s.type],
  ["subtype", "protection subtype", (s) => s.subtype], ["archetype", "archetype", (s) => s.archetype],
  ["lang", "language", (s) => s.language], ["rule", "rule", (s) => s.rule || [...new Set((s.flags || []).map((f) => f.rule))]]];
const state = {shown: PAGE};

// "#samples" is a section to scroll to; "#type=protection&lang=zh" is the filter state
const isFilterHash = (h) => h.replace(/^#/, "") === "" || h.includes("=");

function readHash() {
  const p = new URLSearchParams(isFilterHash(location.hash) ? location.hash.replace(/^#/, "") : "");
  // the hash is the whole filter state: a filter it does not name is "all"
  for (const [key] of FILTERS) {
    const sel = document.getElementById("f-" + key);
    const want = p.get(key) || "";
    // a value this run does not have still filters (to nothing), rather than silently showing all
    if (want && ![...sel.options].some((o) => o.value === want)) sel.appendChild(el("option", {value: want}, want + " (0)"));
    sel.value = want;
  }
  document.getElementById("f-q").value = p.get("q") || "";
}
function writeHash() {
  const p = new URLSearchParams();
  for (const [key] of FILTERS) { const v = document.getElementById("f-" + key).value; if (v) p.set(key, v); }
  const q = document.getElementById("f-q").value; if (q) p.set("q", q);
  history.replaceState(null, "", p.toString() ? "#" + p.toString() : location.pathname);
}

function buildFilters() {
  const box = document.getElementById("filters");
  for (const [key, label, get] of FILTERS) {
    const counts = new Map();
    for (const s of DATA.samples) for (const v of [].concat(get(s))) if (v) counts.set(v, (counts.get(v) || 0) + 1);
    const sel = el("select", {id: "f-" + key, name: key}, el("option", {value: ""}, "all"));
    for (const v of [...counts.keys()].sort()) sel.appendChild(el("option", {value: v}, `${v} (${counts.get(v)})`));
    sel.addEventListener("change", () => { state.shown = PAGE; writeHash(); renderSamples(); });
    box.appendChild(el("label", {}, label, sel));
  }
  const q = el("input", {type: "search", id: "f-q", placeholder: "text in a message"});
  q.addEventListener("input", () => { state.shown = PAGE; writeHash(); renderSamples(); });
  box.appendChild(el("label", {}, "search", q));
  const c = DATA.sample_counts;
  let note = `${c.shown} of ${c.total} samples embedded (at most ${c.cap} per type and verdict).`;
  if (c.capped.length) note += " Capped: " + c.capped.join("; ") + ". factory view RUN --cap N embeds more.";
  if (c.unreadable && c.unreadable.length) note += ` ${c.unreadable.length} input line(s) were not samples at all ` +
    "(format.invalid_record): " + c.unreadable.slice(0, 5).map((u) => `${u.id}: ${u.detail}`).join("; ") + ".";
  document.getElementById("sample-note").textContent = note;
}

function matches(s) {
  for (const [key, , get] of FILTERS) {
    const want = document.getElementById("f-" + key).value;
    if (want && ![].concat(get(s)).includes(want)) return false;
  }
  const q = document.getElementById("f-q").value.trim().toLowerCase();
  return !q || s.messages.some((m) => String(m.content).toLowerCase().includes(q)) || String(s.id).includes(q);
}

function messageNode(m, i, marks) {
  const cls = "msg " + (m.role || "user") + (m.role === "assistant" && !m.train ? " context" : "");
  const who = m.role === "assistant" ? (m.train ? "character (trained)" : "character (context)") : (m.name || m.role);
  const node = el("div", {class: cls, "data-index": i}, el("span", {class: "who"}, who));
  const text = String(m.content ?? "");
  const here = marks.filter((k) => k && k.message === i).sort((a, b) => a.start - b.start);
  let pos = 0;
  for (const k of here) {
    if (k.start < pos) continue;
    node.appendChild(document.createTextNode(text.slice(pos, k.start)));
    node.appendChild(el("mark", {}, text.slice(k.start, k.end)));
    pos = k.end;
  }
  node.appendChild(document.createTextNode(text.slice(pos)));
  return node;
}

function verdictNode(s) {
  if (s.status !== "rejected") return null;
  const box = el("div", {class: "verdict"}, el("b", {}, "rejected by " + s.rule), s.explanation ? " — " + s.explanation : "");
  if (s.detail) box.appendChild(el("div", {}, s.detail));
  if (s.span && !s.mark) box.appendChild(el("div", {}, "span: ", el("mark", {}, s.span)));
  if (s.duplicate_of) box.appendChild(el("div", {class: "muted"}, "duplicate of " + s.duplicate_of));
  if (s.also && s.also.length) box.appendChild(el("div", {class: "muted"}, "also breaks: " + s.also.join(", ")));
  return box;
}

function sampleNode(s) {
  const cls = "sample " + (s.status === "kept" ? "kept" : s.status === "rejected" ? "rejected" : "unknown");
  const node = el("article", {class: cls, lang: langAttr(s.language), "data-id": s.id, "data-type": s.type,
    "data-subtype": s.subtype, "data-archetype": s.archetype, "data-lang": s.language, "data-status": s.status,
    "data-rule": s.rule || [...new Set((s.flags || []).map((f) => f.rule))].join(" ")});
  const badges = el("div", {class: "badges"}, el("span", {class: "badge " + s.status}, s.status),
    el("span", {class: "badge"}, s.type), s.subtype && el("span", {class: "badge"}, s.subtype),
    s.archetype && el("span", {class: "badge"}, "archetype: " + s.archetype),
    el("span", {class: "badge"}, s.language), s.rule && el("span", {class: "badge rule"}, s.rule),
    el("b", {}, s.character), el("span", {class: "muted"}, s.id));
  node.appendChild(badges);
  const verdict = verdictNode(s);
  if (verdict) node.appendChild(verdict);
  const flagged = new Map();
  for (const f of s.flags || []) flagged.set(f.rule, [...(flagged.get(f.rule) || []), f]);
  for (const [rule, fs] of flagged) node.appendChild(el("div", {class: "verdict flag"}, "flagged (kept) by " + rule +
    (fs.length > 1 ? ` ×${fs.length}` : "") + (fs[0].explanation ? " — " + fs[0].explanation : "") +
    (fs[0].detail ? ": " + fs[0].detail : "")));
  if (s.system) node.appendChild(el("details", {}, el("summary", {}, "system prompt"), el("div", {class: "msg system"}, s.system)));
  const marks = [s.mark, ...(s.flags || []).map((f) => f.mark)];
  s.messages.forEach((m, i) => node.appendChild(messageNode(m, i, marks)));
  const labels = Object.entries(s.labels || {});
  if (labels.length) node.appendChild(el("details", {}, el("summary", {}, "labels"),
    el("div", {class: "kv"}, labels.map(([k, v]) => el("div", {}, el("span", {}, k), String(v))))));
  return node;
}

function renderSamples() {
  const list = document.getElementById("sample-list");
  list.replaceChildren();
  const hits = DATA.samples.filter(matches);
  document.getElementById("match-count").textContent =
    `${hits.length} sample${hits.length === 1 ? "" : "s"} match` + (hits.length > state.shown ? `, first ${state.shown} shown` : "");
  if (!DATA.samples.length) list.appendChild(empty("No samples in this run yet."));
  for (const s of hits.slice(0, state.shown)) list.appendChild(sampleNode(s));
  const more = document.getElementById("more");
  more.hidden = hits.length <= state.shown;
}

// ---- gate ------------------------------------------------------------------------------------
function histogram(title, rows) {
  const box = el("div", {class: "hist-block"}, el("h3", {}, title));
  if (!rows || !rows.length) return box.appendChild(empty("none")) && box;
  const max = Math.max(...rows.map((r) => r.share || 0), 1e-9);
  const grid = el("div", {class: "hist"});
  for (const r of rows) grid.append(el("div", {class: "label", title: r.pattern}, r.pattern),
    el("div", {class: "bar"}, el("div", {style: `width:${(100 * (r.share || 0) / max).toFixed(1)}%`})),
    el("div", {class: "num"}, `${r.samples} (${(100 * (r.share || 0)).toFixed(1)}%)`));
  box.appendChild(grid);
  return box;
}

function gate() {
  const body = document.getElementById("gate-body");
  if (!DATA.rules.length && !DATA.patterns.before) return body.appendChild(empty("No quality report (quality/report.json)."));
  const t = el("table", {id: "rules-table"}, el("tr", {}, el("th", {}, "rule"), el("th", {}, "what it catches"),
    el("th", {}, "action"), el("th", {class: "num"}, "rejected"), el("th", {class: "num"}, "flagged"), el("th", {class: "num"}, "hits")));
  for (const r of DATA.rules) t.appendChild(el("tr", {"data-rule": r.rule}, el("td", {}, r.rule), el("td", {}, r.description),
    el("td", {}, r.action), el("td", {class: "num"}, fmt(r.rejected)), el("td", {class: "num"}, fmt(r.flagged)), el("td", {class: "num"}, fmt(r.hits))));
  body.appendChild(t);
  const p = DATA.patterns;
  if (!p.before) return;
  const caps = p.caps || {};
  body.appendChild(el("p", {class: "note"}, `Caps: a ${caps.opener_length ?? "?"}-token opener in at most ` +
    `${(100 * (caps.opener_max_share ?? 0)).toFixed(1)}% of samples, a ${caps.ngram_length ?? "?"}-token phrase in at most ` +
    `${(100 * (caps.ngram_max_share ?? 0)).toFixed(1)}%; ${p.downsampled ?? 0} samples downsampled.`));
  const sides = el("div", {class: "cols"});
  for (const side of ["before", "after"]) {
    const s = p[side];
    if (!s) continue;
    sides.appendChild(el("div", {"data-side": side}, el("h3", {}, `${side} the gate: ${fmt(s.samples)} samples, ` +
      `distinct-1 ${fmt(s.distinct_1)}, distinct-2 ${fmt(s.distinct_2)}`),
      histogram("line openers", s.top_openers), histogram("phrases", s.top_phrases)));
  }
  body.appendChild(sides);
}

// ---- cards, pairs, eval --------------------------------------------------------------------
function cards() {
  const body = document.getElementById("cards-body");
  if (!DATA.cards.length) return body.appendChild(empty("No persona cards in this run."));
  if (DATA.cards_total > DATA.cards.length) body.appendChild(el("p", {class: "note"}, `${DATA.cards.length} of ${DATA.cards_total} cards shown.`));
  const g = el("div", {class: "gallery"});
  const fields = [["occupation", "occupation"], ["personality", "personality"], ["speaking_style", "speaks"],
    ["background", "background"], ["scenario", "scenario"], ["catchphrases", "catchphrases"]];
  for (const c of DATA.cards) {
    const card = el("div", {class: "card", "data-id": c.id, lang: langAttr(c.language)}, el("h3", {}, c.name || c.id),
      el("div", {class: "muted"}, [c.gender, c.age, `${c.sessions} session${c.sessions === 1 ? "" : "s"}`].filter(Boolean).join(" · ")));
    for (const [k, label] of fields) if (c[k]) card.appendChild(el("div", {class: "field"}, el("span", {}, label), c[k]));
    if (c.first_message) card.appendChild(el("div", {class: "first"}, c.first_message));
    g.appendChild(card);
  }
  body.appendChild(g);
}

function pairs() {
  const body = document.getElementById("pairs-body");
  if (!DATA.pairs.length) return body.appendChild(empty("No preference pairs in this run."));
  if (DATA.pairs_total > DATA.pairs.length) body.appendChild(el("p", {class: "note"}, `${DATA.pairs.length} of ${DATA.pairs_total} pairs shown.`));
  for (const p of DATA.pairs) {
    const box = el("div", {class: "pair", lang: langAttr(p.language), "data-kind": p.kind},
      el("div", {class: "badges"}, el("span", {class: "badge rule"}, p.kind), el("span", {class: "badge"}, p.type),
        el("b", {}, p.character), el("span", {class: "muted"}, p.id)));
    for (const m of p.context) box.appendChild(el("div", {class: "msg " + (m.role || "user")},
      el("span", {class: "who"}, m.name || m.role), m.content));
    box.appendChild(el("div", {class: "cols"}, el("div", {class: "side chosen"}, el("span", {class: "who"}, "chosen"), p.chosen),
      el("div", {class: "side rejected"}, el("span", {class: "who"}, "rejected: " + p.kind), p.rejected)));
    body.appendChild(box);
  }
}

function chart(src) {
  return typeof src === "string" && src.startsWith("data:image/png;base64,") ? el("img", {class: "chart", src, alt: "chart"}) : null;
}

function evalSection() {
  const body = document.getElementById("eval-body");
  if (!DATA.evals.length && !DATA.compares.length) return body.appendChild(empty("No eval results (RUN/eval/*/eval.json)."));
  for (const c of DATA.compares) {
    const labels = c.runs.map((r) => r.label);
    const metrics = [...new Set(c.runs.flatMap((r) => Object.keys(r.metrics)))].sort();
    const t = el("table", {class: "compare"}, el("tr", {}, el("th", {}, "metric"), labels.map((l) => el("th", {class: "num"}, l))));
    for (const m of metrics) t.appendChild(el("tr", {}, el("td", {}, m), c.runs.map((r) => el("td", {class: "num"}, fmt(r.metrics[m])))));
    body.appendChild(el("div", {"data-compare": c.folder}, el("h3", {}, "compare: " + labels.join(" vs ")), t, chart(c.chart)));
  }
  for (const e of DATA.evals) {
    const t = el("table", {}, el("tr", {}, el("th", {}, "metric"), el("th", {class: "num"}, "value")));
    for (const [k, v] of Object.entries(e.metrics)) t.appendChild(el("tr", {}, el("td", {}, k), el("td", {class: "num"}, fmt(v))));
    body.appendChild(el("details", {"data-eval": e.folder, open: DATA.compares.length ? null : ""},
      el("summary", {}, `eval: ${e.label} (${Object.keys(e.metrics).length} metrics)`), t,
      e.notes.map((n) => el("p", {class: "note"}, n)), chart(e.chart)));
  }
}

summary(); funnel(); buildFilters(); readHash(); renderSamples(); gate(); cards(); pairs(); evalSection();
document.getElementById("more").addEventListener("click", () => { state.shown += PAGE; renderSamples(); });
window.addEventListener("hashchange", () => {
  if (!isFilterHash(location.hash)) return;
  readHash(); state.shown = PAGE; renderSamples();
});
// the menu scrolls without touching the URL, so the filters in it survive
for (const a of document.querySelectorAll("nav a[data-go]")) a.addEventListener("click", (ev) => {
  ev.preventDefault();
  document.getElementById(a.dataset.go).scrollIntoView();
});
if (!isFilterHash(location.hash)) document.getElementById(location.hash.slice(1))?.scrollIntoView();
document.body.setAttribute("data-ready", "1");

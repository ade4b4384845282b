// backproplab explorer: one front end for the standalone page and the Jupyter widget.
// Plain ES module, no framework, no network.  Every number it shows comes from the
// script the Python side computed with the engine; this file only chooses what to show.
// Every user string (a title, a label) is set as textContent, never as HTML.

const SPEEDS = [0.5, 1, 2, 4, 8];   // steps per second
const ZOOM_STEP = 1.25;
const UNKNOWN = "?";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// Graphviz writes each node and edge as <g class="node|edge"><title>NAME</title>…</g>.
function svgElements(container) {
  const byName = new Map();
  for (const g of container.querySelectorAll("g.node, g.edge")) {
    const title = g.querySelector("title");
    if (title) byName.set(title.textContent, g);
  }
  return byName;
}

// The text elements of a value box that show "data …" and "grad …".
function numberFields(g) {
  const fields = {};
  for (const text of g.querySelectorAll("text")) {
    const content = text.textContent;
    if (content.startsWith("data ")) fields.data = text;
    else if (content.startsWith("grad ")) fields.grad = text;
  }
  return fields;
}

// ---- the state at a step ----------------------------------------------------------------
// A node's state is {data, grad, status}; a view shows one of four things about it:
// "data" and "grad" (known once not "?"), "done" (it has passed its gradient back) and
// "updated".  A table cell or a diagram text is bound to one (node, thing).

function stateAt(script, index) {
  // Replaying steps 0 … index from the initial state: stepping back is exact by construction.
  const state = {};
  for (const [id, values] of Object.entries(script.initial)) state[id] = { ...values };
  for (let k = 0; k <= index; k++) {
    for (const [id, values] of Object.entries(script.steps[k].set)) Object.assign(state[id], values);
  }
  return state;
}

function isKnown(s, what) {
  if (!s) return false;
  // a side output's state has no grad: it never has one to show
  if (what === "data" || what === "grad") return what in s && s[what] !== UNKNOWN;
  return s.status === what;
}

function changedBy(step, id, what) {
  const set = step.set[id];
  if (!set) return false;
  if (what === "data" || what === "grad") return what in set;
  return set.status === what;
}

function shownValue(s, what) {
  return what === "grad" ? s.grad : s.data;
}

// A minus sign where a number or an operation has a hyphen: "-1.5" and "-" read "−1.5", "−";
// "2-2-2-1" and "1e-12" keep theirs.
function minusSign(text) {
  return text === "-" ? "−" : text.replace(/(^|[\s(=×·[,])-(?=[\d.])/g, "$1−");
}

// A formula line is broken only between its terms, never inside a symbol or a number:
// each space-separated token is one unbreakable span.
function formulaLine(text, cls) {
  const line = el("div", { class: cls });
  text.split(/( +)/).forEach(part => {
    if (!part) return;
    if (/^ +$/.test(part)) line.append(document.createTextNode(part));
    else line.append(el("span", { class: "bpx-token", text: part }));
  });
  return line;
}

function buildTable(table, cellsById) {
  const body = el("tbody");
  for (const row of table.rows) {
    const tr = el("tr");
    for (const cell of row) {
      const td = el("td", { "data-cell": cell.id, text: cell.text });
      cellsById.set(cell.id, { td, cell, table });
      tr.append(td);
    }
    body.append(tr);
  }
  return el("table", { class: "bpx-table", "data-table": table.key },
    el("caption", { text: table.title }), body);
}

function tableGroups(tables) {
  const groups = [{ name: "batch", label: "batch", tables: tables.batch }];
  for (const layer of tables.layers) {
    groups.push({ name: `layer-${layer.l}`, label: `layer ${layer.l} · ${layer.activation}`,
      tables: layer.tables });
  }
  return groups;
}

// ---- the explorer ------------------------------------------------------------------------

export function mount(root, script, options = {}) {
  const { keyboardTarget = root, model = null, editNote = "", keep = {} } = options;
  root.classList.add("bpx");
  root.replaceChildren();
  // Mounted again (a recomputed script): the listeners of the last mount go with it.
  if (root.bpxUnmount) root.bpxUnmount.abort();
  const mounted = new AbortController();
  root.bpxUnmount = mounted;
  root.setAttribute("data-lm-suppress-shortcuts", "true");   // JupyterLab: our keys are ours
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", `backproplab explorer: ${script.title}`);
  const steps = script.steps;
  const last = steps.length - 1;
  let index = Math.max(0, Math.min(last, keep.index ?? 0));
  let timer = null;
  let view = keep.view || "graph";
  let zoom = keep.zoom || "fit";           // "fit" or a scale factor
  let pinnedGroup = null;                  // a table tab the learner chose, until the next step
  const nodeById = new Map(script.nodes.map(n => [n.id, n]));

  // -- header, controls, legend
  const header = el("div", { class: "bpx-header" }, el("h3", { text: script.title }));
  const button = (action, label, title, extra = {}) =>
    el("button", { type: "button", "data-action": action, title, "aria-label": title,
      text: label, ...extra });
  const speed = el("select", { "data-control": "speed", "aria-label": "speed (steps per second)",
    title: "speed (steps per second)" });
  for (const s of SPEEDS) speed.append(el("option", { value: String(s), text: `${s} / s` }));
  speed.value = "2";
  const slider = el("input", { type: "range", min: "0", max: String(last), value: String(index),
    "data-control": "slider", "aria-label": "step", title: "step" });
  const counter = el("span", { class: "bpx-counter", "data-field": "counter" });
  const zoomText = el("span", { class: "bpx-zoom", "data-field": "zoom", "aria-live": "off" });
  const stepGroup = el("div", { class: "bpx-group", role: "group", "aria-label": "step" },
    button("start", "|◀", "first step (Home)"), button("prev", "◀", "previous step (←)"),
    button("play", "play", "play / pause (Space)"), button("next", "▶", "next step (→)"),
    button("end", "▶|", "last step (End)"), speed, slider, counter);
  const controls = el("div", { class: "bpx-controls", role: "toolbar",
    "aria-label": "explorer controls" }, stepGroup);
  if (script.kind === "network") {
    controls.append(el("div", { class: "bpx-group", role: "group", "aria-label": "picture" },
      button("view-graph", "scalar graph", "show the scalar computation graph (g)"),
      button("view-diagram", "network diagram", "show the network diagram (d)")));
  }
  const zoomBar = el("div", { class: "bpx-group bpx-zoombar", role: "group", "aria-label": "zoom" },
    button("fit", "fit", "fit the picture to the box (f)"),
    button("zoom-out", "−", "smaller picture (−)"), zoomText,
    button("zoom-in", "+", "larger picture (+)"));
  const legend = el("div", { class: "bpx-legend", "aria-hidden": "true" },
    el("span", { class: "bpx-key bpx-key-pending", text: "pending (?)" }),
    el("span", { class: "bpx-key bpx-key-computed", text: "value computed" }),
    el("span", { class: "bpx-key bpx-key-current", text: "current step" }),
    el("span", { class: "bpx-key bpx-key-done", text: "gradient complete" }),
    el("span", { class: "bpx-key bpx-key-updated", text: "updated" }),
    el("span", { class: "bpx-key bpx-key-edit", text: model ? "click a leaf to change it"
      : "leaves: click for how to change them" }));

  // -- the step text: full width, announced to screen readers
  const phaseBadge = el("span", { class: "bpx-phase", "data-field": "phase" });
  const stepTitle = el("span", { class: "bpx-title", "data-field": "title" });
  const lines = el("div", { class: "bpx-lines", "data-field": "lines" });
  const message = el("span", { class: "bpx-message", role: "status", "data-field": "message" });
  const panel = el("div", { class: "bpx-panel", "data-field": "panel" },
    el("div", { class: "bpx-panel-head" }, el("span", { "aria-live": "polite", "aria-atomic": "true",
      "data-field": "announce" }, phaseBadge, stepTitle), message), lines);
  // As many lines as the longest step has (a wrapped line scrolls inside), so the page
  // does not grow or shrink from one step to the next.
  const most = Math.max(...steps.map(s => s.lines.length + (s.notes || []).length));
  lines.style.height = `${(Math.min(most, 9) * 1.5 + 0.3).toFixed(1)}em`;
  lines.setAttribute("aria-live", "polite");

  // -- pictures
  const pictures = el("div", { class: "bpx-pictures", "data-field": "pictures" });
  const picturesFrame = el("div", { class: "bpx-pictures-frame" }, pictures, zoomBar);
  const graphBox = el("div", { class: "bpx-picture", "data-view": "graph" });
  graphBox.innerHTML = script.graph_svg;
  pictures.append(graphBox);
  const diagrams = [];
  for (const d of script.diagrams || []) {
    const box = el("div", { class: "bpx-picture", "data-view": `diagram-${d.name}` });
    box.innerHTML = d.svg;
    const elements = svgElements(box);
    const bound = [];
    for (const [name, fields] of Object.entries(d.fields)) {
      const g = elements.get(name);
      if (!g) continue;
      const texts = [...g.querySelectorAll("text")];
      const lines = [];
      for (const [prefix, ties, suffix] of fields) {
        // the text of this field: the first one starting with its prefix (edges have one text)
        const text = texts.find(t => prefix ? t.textContent.startsWith(prefix) : true);
        if (text) lines.push({ text, prefix, ties, suffix });
      }
      bound.push({ name, g, lines });
    }
    diagrams.push({ ...d, box, elements, bound });
    pictures.append(box);
  }

  // -- tables
  const cellsById = new Map();
  const tablesBox = el("div", { class: "bpx-tables", "data-field": "tables" });
  const groupBoxes = new Map();
  const tabs = el("div", { class: "bpx-tabs", role: "tablist", "aria-label": "tables" });
  if (script.tables) {
    for (const group of tableGroups(script.tables)) {
      const tab = el("button", { type: "button", role: "tab", "data-group": group.name,
        text: group.label, "aria-label": `tables of ${group.label}` });
      tabs.append(tab);
      const box = el("div", { class: "bpx-grid", role: "tabpanel", "data-group": group.name,
        "aria-label": group.label });
      for (const table of group.tables) box.append(buildTable(table, cellsById));
      groupBoxes.set(group.name, { box, tab, group });
      tablesBox.append(box);
    }
    tablesBox.prepend(tabs);
  }
  const main = el("div", { class: "bpx-main" }, picturesFrame);
  if (script.tables) main.append(tablesBox);

  // -- the editor of a leaf's value
  const editor = el("form", { class: "bpx-editor", "data-field": "editor", hidden: "" });
  const inputId = `bpx-edit-${Math.random().toString(36).slice(2)}`;
  const editorLabel = el("label", { class: "bpx-editor-label", for: inputId });
  const editorInput = el("input", { type: "text", inputmode: "decimal", "data-control": "value",
    autocomplete: "off", spellcheck: "false", id: inputId, "aria-label": "new value" });
  const editorNote = el("div", { class: "bpx-editor-note", role: "alert" });
  const editorButtons = el("div", { class: "bpx-editor-buttons" },
    el("button", { type: "submit", "data-action": "apply", text: "recompute",
      "aria-label": "recompute every number with this value" }),
    el("button", { type: "button", "data-action": "cancel", text: "cancel",
      "aria-label": "close without changing anything" }));
  editor.append(editorLabel, editorInput, editorButtons, editorNote);
  let editing = null;

  const help = el("div", { class: "bpx-help", "data-field": "help",
    text: "Keys (click the explorer first): ← → step · Home End · Space play · + − f zoom" +
      (script.kind === "network" ? " · g d picture" : "") +
      " · Tab to a leaf, Enter to change it · Esc back to the notebook" });
  root.append(header, controls, panel, main, legend, help, editor);

  // -- the graph's number fields and leaves
  const graphElements = svgElements(graphBox);
  const fields = {};
  for (const node of script.nodes) {
    const g = graphElements.get(node.id);
    if (g) fields[node.id] = numberFields(g);
  }
  // One minus sign: Graphviz drew the operation "-" and negative constants with a hyphen.
  // (A label a user wrote is left as written; numbers are rewritten at every step anyway.)
  for (const node of script.nodes) {
    const op = graphElements.get(`${node.id}_op`);
    if (op) for (const t of op.querySelectorAll("text")) t.textContent = minusSign(t.textContent);
    const g = node.constant && graphElements.get(node.id);
    if (g) for (const t of g.querySelectorAll("text")) t.textContent = minusSign(t.textContent);
  }
  for (const d of diagrams) {
    for (const t of d.box.querySelectorAll("text")) t.textContent = minusSign(t.textContent);
  }
  const editables = [];
  for (const node of script.nodes) {
    const g = graphElements.get(node.id);
    if (!g || !node.edit) continue;
    g.classList.add("bpx-editable");
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    editables.push({ target: g, key: node.edit, name: node.name, node: node.id });
  }
  for (const { td, cell, table } of cellsById.values()) {
    if (!cell.edit) continue;
    td.classList.add("bpx-editable");
    td.setAttribute("tabindex", "0");
    td.setAttribute("role", "button");
    const node = script.nodes.find(n => n.edit && JSON.stringify(n.edit) === JSON.stringify(cell.edit));
    editables.push({ target: td, key: cell.edit, name: node ? node.name : `${table.title} ${cell.id}`,
      node: node ? node.id : null, cell });
  }

  // Graphviz sized each box for the numbers it was drawn with; a longer number shown at
  // another step is squeezed into that width.  All widths are read together, before or
  // after all writes, so a step costs one layout, not one per box.
  const laidOut = new Map();
  const allTexts = [];
  for (const f of Object.values(fields)) for (const t of [f.data, f.grad]) if (t) allTexts.push(t);
  for (const d of diagrams) for (const b of d.bound) for (const l of b.lines) allTexts.push(l.text);
  const drawnWith = new Map(allTexts.map(t => [t, t.textContent]));
  let rewritten = [];
  function measure() {
    // The room Graphviz gave each text is the width of the text it drew: measured once the
    // picture is on screen (a notebook output is attached after the widget is made).
    const missing = allTexts.filter(t => !(laidOut.get(t) > 0));
    if (!missing.length || !root.isConnected) return;
    const now = missing.map(t => t.textContent);
    missing.forEach(t => { t.textContent = drawnWith.get(t); });
    missing.forEach(t => { const w = t.getComputedTextLength(); if (w > 0) laidOut.set(t, w); });
    missing.forEach((t, i) => { t.textContent = now[i]; });
    rewritten.push(...missing);
  }
  function setText(text, content) {
    if (text.textContent === content) return;
    text.textContent = content;
    text.removeAttribute("textLength");
    rewritten.push(text);
  }
  function squeeze() {
    const tooLong = rewritten.filter(text => {
      const room = laidOut.get(text);
      return room > 0 && text.getComputedTextLength() > room;
    });
    for (const text of tooLong) {
      text.setAttribute("textLength", String(laidOut.get(text)));
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
    rewritten = [];
  }

  // -- sizes: the pictures fit their box; the page height does not change from step to step
  function natural(svg) {
    const box = svg.viewBox && svg.viewBox.baseVal;
    return box && box.width ? { w: box.width * 4 / 3, h: box.height * 4 / 3 } : null;
  }
  function boxWidth() { return Math.max(pictures.clientWidth - 2, 160); }
  function boxHeight() {
    const viewport = window.innerHeight || 800;
    return Math.max(220, Math.min(560, Math.round(viewport * 0.5)));
  }
  function fitScale(svg) {
    const n = natural(svg);
    if (!n) return 1;
    return Math.min(1, boxWidth() / n.w, boxHeight() / n.h);
  }
  function sizePictures() {
    const height = boxHeight();
    let tallest = 0;
    for (const box of pictures.querySelectorAll(".bpx-picture")) {
      const svg = box.querySelector("svg");
      const n = svg && natural(svg);
      if (!n) continue;
      const scale = zoom === "fit" ? fitScale(svg) : zoom;
      svg.style.width = `${Math.round(n.w * scale)}px`;
      svg.style.height = `${Math.round(n.h * scale)}px`;
      svg.style.maxWidth = "none";
      tallest = Math.max(tallest, Math.round(n.h * (zoom === "fit" ? scale : fitScale(svg))));
    }
    // one height for every picture and step: the tables beside it scroll within it
    const fixed = Math.max(200, Math.min(height, tallest + 4));
    pictures.style.height = `${fixed}px`;
    tablesBox.style.height = `${fixed}px`;
    const shownBox = [...pictures.querySelectorAll(".bpx-picture")].find(b => !b.hidden);
    const svg = shownBox && shownBox.querySelector("svg");
    const scale = zoom === "fit" ? (svg ? fitScale(svg) : 1) : zoom;
    zoomText.textContent = `${Math.round(scale * 100)} %`;
    root.dataset.zoom = zoom === "fit" ? "fit" : String(zoom);
  }
  function currentScale() {
    const shownBox = [...pictures.querySelectorAll(".bpx-picture")].find(b => !b.hidden);
    const svg = shownBox && shownBox.querySelector("svg");
    return zoom === "fit" ? (svg ? fitScale(svg) : 1) : zoom;
  }
  function reveal(g) {
    const box = g && g.closest(".bpx-picture");
    if (!box || box.hidden) return;
    const a = box.getBoundingClientRect(), b = g.getBoundingClientRect();
    if (b.left < a.left || b.right > a.right) box.scrollLeft += (b.left + b.width / 2) - (a.left + a.width / 2);
    if (b.top < a.top || b.bottom > a.bottom) box.scrollTop += (b.top + b.height / 2) - (a.top + a.height / 2);
  }
  function revealCell(td) {
    const box = td.closest(".bpx-tables");
    if (!box) return;
    const a = box.getBoundingClientRect(), b = td.getBoundingClientRect();
    if (b.top < a.top + 30 || b.bottom > a.bottom) box.scrollTop += b.top - a.top - 40;
    if (b.left < a.left || b.right > a.right) box.scrollLeft += b.left - a.left - 20;
  }

  function diagramFor(phase) {
    return diagrams.find(d => d.phases.includes(phase)) || diagrams[0];
  }

  function show() {
    const step = steps[index];
    const nodes = stateAt(script, index);
    // the graph
    for (const node of script.nodes) {
      const g = graphElements.get(node.id);
      if (!g) continue;
      const s = nodes[node.id];
      const f = fields[node.id];
      if (f.data) setText(f.data, `data ${s.data}`);
      if (f.grad) setText(f.grad, `grad ${s.grad}`);
      const current = step.node === node.id;
      for (const target of [g, graphElements.get(`${node.id}_op`)]) {
        if (!target) continue;
        target.classList.remove("bpx-st-known", "bpx-st-pending", "bpx-st-computed",
          "bpx-st-complete", "bpx-st-done", "bpx-st-updated", "bpx-st-constant");
        target.classList.add(`bpx-st-${s.status}`);
        target.classList.toggle("bpx-current", current);
      }
    }
    const edges = new Set(step.edges || []);
    for (const [name, g] of graphElements) {
      if (g.classList.contains("edge")) g.classList.toggle("bpx-edge-current", edges.has(name));
    }
    // the diagram: every number from the same state
    const shownDiagram = diagramFor(step.phase);
    for (const d of diagrams) {
      for (const { g, lines } of d.bound) {
        let pending = false, current = false;
        for (const { text, prefix, ties, suffix } of lines) {
          const values = ties.map(([id, what]) => {
            const s = nodes[id];
            if (!isKnown(s, what === "data" || what === "grad" ? what : "data")) pending = true;
            if (id && changedBy(step, id, what)) current = true;
            return s ? shownValue(s, what) : UNKNOWN;
          });
          setText(text, prefix + values.join(", ") + suffix);
        }
        g.classList.toggle("bpx-st-pending", pending);
        g.classList.toggle("bpx-current", current && d === shownDiagram);
      }
      d.box.hidden = view !== "diagram" || d !== shownDiagram;
    }
    graphBox.hidden = view !== "graph";
    squeeze();
    // the tables: a cell shows its number once its node does
    let firstCurrent = null;
    const currentIn = new Map();   // group -> its cells this step computes
    for (const { td, cell, table } of cellsById.values()) {
      const tie = cell.bind;
      const known = !tie || isKnown(nodes[tie[0]], tie[1]);
      const current = !!tie && changedBy(step, tie[0], tie[1]);
      td.classList.toggle("bpx-cell-pending", !known);
      td.classList.toggle("bpx-cell-current", current);
      td.classList.toggle("bpx-cell-done", !!tie && known && !current);
      if (!cell.edit) {
        td.setAttribute("aria-label", known ? `${table.title}: ${cell.text}` : `${table.title}: not computed yet`);
      }
      if (current) {
        const name = td.closest("[data-group]").dataset.group;
        if (!currentIn.has(name)) currentIn.set(name, []);
        currentIn.get(name).push(td);
      }
    }
    // the layer most of this step's cells are in
    let currentGroup = null;
    for (const [name, tds] of currentIn) {
      if (!currentGroup || tds.length > currentIn.get(currentGroup).length) currentGroup = name;
    }
    if (currentGroup) firstCurrent = currentIn.get(currentGroup)[0];
    const group = pinnedGroup || currentGroup || root.dataset.tables || "batch";
    for (const [name, { box, tab }] of groupBoxes) {
      box.hidden = name !== group;
      tab.setAttribute("aria-selected", String(name === group));
      tab.classList.toggle("bpx-tab-current", currentIn.has(name));
    }
    if (groupBoxes.size) root.dataset.tables = group;
    // the text
    phaseBadge.textContent = step.phase;
    phaseBadge.dataset.phase = step.phase;
    stepTitle.textContent = `${step.title}  (step ${index} of ${last})`;
    stepTitle.title = step.title;
    lines.replaceChildren(...step.lines.map(line => formulaLine(line, "bpx-line")),
      ...(step.notes || []).map(note => formulaLine(note, "bpx-note")));
    lines.scrollTop = 0;
    counter.textContent = `step ${index} of ${last}`;
    slider.value = String(index);
    root.dataset.step = String(index);
    root.dataset.picture = view;
    for (const b of controls.querySelectorAll('[data-action^="view-"]')) {
      b.setAttribute("aria-pressed", String(b.dataset.action === `view-${view}`));
    }
    const play = root.querySelector('[data-action="play"]');
    play.textContent = timer ? "pause" : "play";
    play.setAttribute("aria-pressed", String(!!timer));
    sizePictures();
    if (zoom !== "fit") {
      reveal(view === "graph" ? graphElements.get(step.node)
        : shownDiagram && shownDiagram.bound.map(b => b.g).find(g => g.classList.contains("bpx-current")));
    }
    if (firstCurrent && !pinnedGroup) revealCell(firstCurrent);
  }

  function go(k) {
    index = Math.max(0, Math.min(last, k));
    pinnedGroup = null;
    if (index === last) stop();
    show();
  }
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }
  function play() {
    if (timer) { stop(); show(); return; }
    if (index === last) index = 0;
    timer = setInterval(() => go(index + 1), 1000 / Number(speed.value));
    show();
  }
  function setZoom(z) {
    zoom = z;
    show();
  }
  function openEditor(item) {
    stop();
    editing = item;
    editor.hidden = false;
    const nodes = stateAt(script, index);
    const now = item.node ? nodes[item.node].data : item.cell.text;
    if (!model) {
      editorLabel.textContent = `${item.name} = ${now}`;
      editorInput.hidden = true;
      editorButtons.querySelector('[data-action="apply"]').hidden = true;
      editorNote.textContent = editNote;
      editorButtons.querySelector('[data-action="cancel"]').focus();
      return;
    }
    editorLabel.textContent = `New value for ${item.name} (now ${now}):`;
    editorInput.value = now;
    editorNote.textContent = "";
    editorInput.focus();
    editorInput.select();
  }
  function closeEditor() {
    editor.hidden = true;
    const back = editing && editing.target;
    editing = null;
    if (back && back.isConnected) back.focus();
    else root.focus();
  }
  editor.addEventListener("submit", event => {
    event.preventDefault();
    if (!editing || !model) return;
    editorNote.textContent = "recomputing through the engine…";
    root.dataset.editing = "sent";
    model.send({ type: "edit", key: editing.key, value: editorInput.value });
  });
  editor.addEventListener("click", event => {
    if (event.target.closest('[data-action="cancel"]')) closeEditor();
  });
  for (const item of editables) {
    item.target.setAttribute("aria-label", model ? `change ${item.name}` :
      `${item.name}: how to change it`);
    item.target.addEventListener("click", event => { event.stopPropagation(); openEditor(item); });
    item.target.addEventListener("keydown", event => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault(); event.stopPropagation(); openEditor(item);
      }
    });
  }

  speed.addEventListener("change", () => { if (timer) { stop(); play(); } });
  slider.addEventListener("input", () => { stop(); go(Number(slider.value)); });
  const actions = {
    start: () => { stop(); go(0); }, prev: () => { stop(); go(index - 1); },
    next: () => { stop(); go(index + 1); }, end: () => { stop(); go(last); }, play,
    "zoom-in": () => setZoom(currentScale() * ZOOM_STEP),
    "zoom-out": () => setZoom(currentScale() / ZOOM_STEP),
    fit: () => setZoom("fit"),
    "view-graph": () => { view = "graph"; show(); },
    "view-diagram": () => { if (diagrams.length) { view = "diagram"; show(); } },
  };
  for (const bar of [controls, zoomBar]) {
    bar.addEventListener("click", event => {
      const action = event.target.closest("[data-action]")?.dataset.action;
      if (action) actions[action]();
    });
  }
  tabs.addEventListener("click", event => {
    const tab = event.target.closest("[data-group]");
    if (tab) { pinnedGroup = tab.dataset.group; show(); }
  });
  const keys = { ArrowRight: actions.next, ArrowLeft: actions.prev, " ": play,
    Home: actions.start, End: actions.end, "+": actions["zoom-in"], "=": actions["zoom-in"],
    "-": actions["zoom-out"], f: actions.fit, g: actions["view-graph"], d: actions["view-diagram"] };
  // Keys the notebook must not see while the explorer has focus (↑/↓ would move the cell
  // selection, Space and the arrows scroll or run its commands).
  const OURS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", " ", "Home", "End",
    "PageUp", "PageDown"]);
  keyboardTarget.addEventListener("keydown", event => {
    if (event.target.closest && event.target.closest(".bpx-editor")) {
      if (event.key === "Escape") { event.preventDefault(); closeEditor(); }
      event.stopPropagation();
      return;
    }
    if (event.key === "Escape" && root.contains(document.activeElement)) {
      root.blur(); document.activeElement.blur?.();
      return;   // back to the notebook's own keys
    }
    const typing = event.target.tagName === "SELECT" || event.target.tagName === "INPUT";
    const handler = keys[event.key];
    if (handler && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      event.stopPropagation();
      handler();
      return;
    }
    if (OURS.has(event.key) && root.contains(event.target)) {
      event.stopPropagation();
      if (!typing) event.preventDefault();
    }
  }, { signal: mounted.signal });
  if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "0");

  // The first sizing needs the box's width, which a notebook output gets only once it is
  // attached: size now, and again whenever the box changes width.
  function start() {
    measure();
    show();
  }
  start();
  if (typeof ResizeObserver !== "undefined") {
    let width = pictures.clientWidth;
    const observer = new ResizeObserver(() => {
      if (pictures.clientWidth !== width) { width = pictures.clientWidth; measure(); show(); }
    });
    observer.observe(pictures);
    mounted.signal.addEventListener("abort", () => observer.disconnect());
  }
  mounted.signal.addEventListener("abort", stop);
  return {
    go, stop, show,
    get index() { return index; },
    state: () => ({ index, view, zoom }),
    edited(text) {
      message.textContent = text;
    },
    editError(text) {
      editorNote.textContent = text;
      root.dataset.editing = "error";
    },
    closeEditor,
  };
}

// ---- live training view ---------------------------------------------------------------

const NS = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// The loss per epoch; the numbers on the axis sit in a margin of their own, left of the
// plot, so no label ever covers the curve.
export function lossCurve(losses, logScale) {
  const width = 380, height = 200, left = 58, right = 10, top = 10, bottom = 30;
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, class: "bpx-curve",
    role: "img", "aria-label": "training loss per epoch" });
  const points = losses.map((v, i) => [i, v]).filter(([, v]) => Number.isFinite(v) && (!logScale || v > 0));
  svg.append(svgEl("rect", { x: left, y: top, width: width - left - right,
    height: height - top - bottom, class: "bpx-curve-plot" }));
  if (!points.length) return svg;
  const t = v => logScale ? Math.log10(v) : v;
  let lo = Math.min(...points.map(p => t(p[1]))), hi = Math.max(...points.map(p => t(p[1])));
  if (hi === lo) { hi += 0.5; lo -= 0.5; }
  const n = Math.max(losses.length - 1, 1);
  const x = i => left + (width - left - right) * (i / n);
  const y = v => top + (height - top - bottom) * (1 - (t(v) - lo) / (hi - lo));
  svg.append(svgEl("polyline", { points: points.map(([i, v]) => `${x(i)},${y(v)}`).join(" "),
    class: "bpx-curve-line" }));
  const label = v => logScale ? Number(10 ** v).toPrecision(3) : Number(v).toPrecision(4);
  for (const [v, ty] of [[hi, top + 4], [lo, height - bottom]]) {
    svg.append(svgEl("text", { x: left - 4, y: ty, "text-anchor": "end", class: "bpx-curve-label" },
      label(v)));
  }
  svg.append(svgEl("text", { x: left, y: height - 8, class: "bpx-curve-label" }, "1"));
  svg.append(svgEl("text", { x: width - right, y: height - 8, "text-anchor": "end",
    class: "bpx-curve-label" }, `epoch ${losses.length}`));
  return svg;
}

function boundary(frame) {
  // frame.grid[r][c]: the model's output mapped to [0, 1] on an n × n grid over the data,
  // row 0 at the bottom; frame.points: [u, v, class] with u, v in [0, 1].
  const size = 240, n = frame.grid.length, cell = size / n;
  const canvas = el("canvas", { width: String(size), height: String(size), class: "bpx-boundary",
    role: "img", "aria-label": "decision boundary over the training data" });
  const ctx = canvas.getContext("2d");
  frame.grid.forEach((row, r) => row.forEach((p, c) => {
    // red (class 0) through white to blue (class 1), pale enough for the points to show
    const t = Math.max(0, Math.min(1, p));
    const mix = (a, b) => Math.round(a + (b - a) * t);
    ctx.fillStyle = `rgb(${mix(242, 170)}, ${mix(165, 196)}, ${mix(165, 242)})`;
    ctx.fillRect(c * cell, size - (r + 1) * cell, cell + 1, cell + 1);
  }));
  for (const [u, v, label] of frame.points) {
    ctx.beginPath();
    ctx.arc(u * size, size - v * size, 4.5, 0, 2 * Math.PI);
    ctx.fillStyle = label ? "#1f4e9e" : "#b22222";
    ctx.fill();
    ctx.strokeStyle = "#fff";
    ctx.stroke();
  }
  return canvas;
}

function mountLive(root, model) {
  root.classList.add("bpx", "bpx-live");
  root.setAttribute("role", "region");
  root.setAttribute("aria-label", "training, live");
  const status = el("div", { class: "bpx-title", "data-field": "status", "aria-live": "polite",
    text: "waiting for the first epoch…" });
  const epoch = el("div", { class: "bpx-epoch", "data-field": "epoch", text: "epoch 0" });
  const gradients = el("div", { class: "bpx-note", "data-field": "gradients" });
  const diagram = el("div", { class: "bpx-picture bpx-live-diagram", "data-field": "diagram" });
  const logBox = el("input", { type: "checkbox", "data-control": "log-scale" });
  const logLabel = el("label", { class: "bpx-check" }, logBox, document.createTextNode(" log scale"));
  const curve = el("div", { class: "bpx-curve-box" });
  const region = el("div", { class: "bpx-boundary-box" });
  root.replaceChildren(el("div", { class: "bpx-live-head" }, epoch, status), gradients,
    el("div", { class: "bpx-live-main" }, diagram,
      el("div", { class: "bpx-live-side" }, el("div", { class: "bpx-curve-head" },
        el("span", { text: "training loss per epoch" }), logLabel), curve, region)));
  let elements = new Map();
  let frames = 0;
  function layout() {
    // The diagram is laid out once, when training begins; frames only recolour and relabel it.
    const svg = model.get("diagram_svg");
    if (!svg) return;
    diagram.innerHTML = svg;
    elements = svgElements(diagram);
    fit();
    update();
  }
  function fit() {
    // the whole diagram in view: scaled to the box's width and to at most 60 % of the window
    const picture = diagram.querySelector("svg");
    const box = picture && picture.viewBox.baseVal;
    if (!box || !box.width) return;
    const w = box.width * 4 / 3, h = box.height * 4 / 3;
    const scale = Math.min(1, Math.max(diagram.clientWidth - 2, 200) / w,
      Math.max(260, (window.innerHeight || 800) * 0.6) / h);
    picture.style.width = `${Math.round(w * scale)}px`;
    picture.style.height = `${Math.round(h * scale)}px`;
    picture.style.maxWidth = "none";
  }
  if (typeof ResizeObserver !== "undefined") {
    let width = 0;
    new ResizeObserver(() => {
      if (diagram.clientWidth !== width) { width = diagram.clientWidth; fit(); }
    }).observe(diagram);
  }
  function drawCurve(frame) {
    curve.replaceChildren(lossCurve(frame.losses, logBox.checked));
  }
  function update() {
    const frame = model.get("frame");
    if (!frame || frame.epoch === undefined) return;
    frames += 1;
    root.dataset.frames = String(frames);
    root.dataset.epoch = String(frame.epoch);
    epoch.textContent = `epoch ${frame.epoch}`;
    status.textContent = frame.status;
    gradients.textContent = frame.gradients.join(" · ");
    for (const [name, edge] of Object.entries(frame.edges)) {
      const g = elements.get(name);
      if (!g) continue;
      const path = g.querySelector("path");
      const colour = edge.weight > 0 ? "#1f77b4" : edge.weight < 0 ? "#d62728" : "#9e9e9e";
      if (path) { path.setAttribute("stroke", colour); path.setAttribute("stroke-width", String(edge.width)); }
      const text = g.querySelector("text");
      if (text) { text.textContent = edge.label; text.setAttribute("fill", colour); }
    }
    for (const [name, lines] of Object.entries(frame.neurons)) {
      const g = elements.get(name);
      const texts = g ? [...g.querySelectorAll("text")] : [];
      for (const [prefix, content] of lines) {
        const text = texts.find(t => t.textContent.startsWith(prefix));
        if (text) text.textContent = content;
      }
    }
    drawCurve(frame);
    region.replaceChildren(...(frame.grid ? [el("div", { text: "decision boundary" }), boundary(frame)] : []));
  }
  logBox.addEventListener("change", () => {
    const f = model.get("frame");
    if (f && f.epoch !== undefined) drawCurve(f);
  });
  model.on("change:diagram_svg", layout);
  model.on("change:frame", update);
  if (model.get("diagram_svg")) layout(); else update();
}

function render({ model, el: root }) {
  if (model.get("mode") === "live") { mountLive(root, model); return; }
  let controller = null;
  const draw = () => {
    const keep = controller ? controller.state() : {};
    if (controller) controller.stop();
    controller = mount(root, model.get("script"), { model, keep });
    if (keep.index !== undefined && root.dataset.editing === "sent") root.focus();
  };
  model.on("change:script", draw);
  model.on("msg:custom", msg => {
    if (!controller || !msg) return;
    if (msg.type === "edited") {
      root.dataset.editing = "done";
      controller.closeEditor();
      controller.edited("Recomputed every value, gradient, table cell and update through the engine.");
    } else if (msg.type === "edit-error") {
      controller.editError(msg.message);
    }
  });
  draw();
}

// The standalone page: the script sits in <script type="application/json" id="bpx-script">.
export function mountPage(editNote) {
  const script = JSON.parse(document.getElementById("bpx-script").textContent);
  const root = document.getElementById("bpx-root");
  const controller = mount(root, script, { keyboardTarget: document, editNote });
  window.explorer = controller;
  return controller;
}

export default { render };

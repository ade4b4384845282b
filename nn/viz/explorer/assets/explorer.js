// backproplab explorer: one front end for the standalone page and the Jupyter widget.
// Plain ES module, no framework, no network.  Every number it shows comes from the
// script the Python side computed with the engine; this file only chooses what to show.

const SPEEDS = [0.5, 1, 2, 4, 8];   // steps per second

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
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

function stateAt(script, index) {
  // Replaying steps 0 … index from the initial state: stepping back is exact by construction.
  const state = {};
  for (const [id, values] of Object.entries(script.initial)) state[id] = { ...values };
  const done = new Set();
  for (let k = 0; k <= index; k++) {
    const step = script.steps[k];
    for (const [id, values] of Object.entries(step.set)) Object.assign(state[id], values);
    if (k < index) for (const cell of step.cells || []) done.add(cell);
  }
  return { nodes: state, doneCells: done };
}

function table(title, rows, key, layer, vector) {
  const body = el("tbody");
  rows.forEach((row, r) => {
    const tr = el("tr");
    row.forEach((value, c) => {
      const id = vector ? `${key}-${layer}-${r}` : `${key}-${layer}-${r}-${c}`;
      tr.append(el("td", { "data-cell": id, text: value }));
    });
    body.append(tr);
  });
  return el("table", { class: "bpx-table" }, el("caption", { text: title }), body);
}

function tablesView(tables) {
  const box = el("div", { class: "bpx-tables" });
  const top = el("div", { class: "bpx-layer" }, el("h4", { text: "batch" }));
  const grid = el("div", { class: "bpx-grid" });
  grid.append(table("A^[0] = X", tables.A0, "A0", 0, false));
  grid.append(table("Ŷ = A^[L]", tables.Y_hat, "Y_hat", 0, false));
  const losses = el("table", { class: "bpx-table" }, el("caption", { text: `L (${tables.loss_function})` }));
  const tr = el("tr");
  tr.append(el("td", { "data-cell": "loss", text: tables.loss }));
  losses.append(el("tbody", {}, tr));
  grid.append(losses);
  top.append(grid);
  box.append(top);
  for (const layer of tables.layers) {
    const section = el("div", { class: "bpx-layer" },
      el("h4", { text: `layer ${layer.l} · ${layer.activation}` }));
    const layerGrid = el("div", { class: "bpx-grid" });
    for (const t of layer.tables) layerGrid.append(table(t.title, t.rows, t.key, layer.l, t.vector));
    section.append(layerGrid);
    box.append(section);
  }
  return box;
}

export function mount(root, script, { keyboardTarget = root } = {}) {
  root.classList.add("bpx");
  root.replaceChildren();
  const steps = script.steps;
  const last = steps.length - 1;
  let index = 0;
  let timer = null;
  let view = "graph";

  const header = el("div", { class: "bpx-header" }, el("h3", { text: script.title }));
  const button = (action, label, title) =>
    el("button", { type: "button", "data-action": action, title, "aria-label": title, text: label });
  const speed = el("select", { "data-control": "speed", "aria-label": "speed (steps per second)" });
  for (const s of SPEEDS) speed.append(el("option", { value: String(s), text: `${s} / s` }));
  speed.value = "2";
  const slider = el("input", { type: "range", min: "0", max: String(last), value: "0",
    "data-control": "slider", "aria-label": "step" });
  const counter = el("span", { class: "bpx-counter", "data-field": "counter" });
  const controls = el("div", { class: "bpx-controls" },
    button("start", "|◀", "first step (Home)"), button("prev", "◀", "previous step (←)"),
    button("play", "play", "play / pause (Space)"), button("next", "▶", "next step (→)"),
    button("end", "▶|", "last step (End)"), speed, slider, counter);
  if (script.kind === "network") {
    controls.append(button("view-graph", "scalar graph", "show the scalar computation graph"),
      button("view-diagram", "network diagram", "show the network diagram"));
  }
  const legend = el("div", { class: "bpx-legend" },
    el("span", { class: "bpx-key bpx-key-pending", text: "pending" }),
    el("span", { class: "bpx-key bpx-key-computed", text: "value computed" }),
    el("span", { class: "bpx-key bpx-key-current", text: "current step" }),
    el("span", { class: "bpx-key bpx-key-done", text: "gradient complete" }),
    el("span", { class: "bpx-key bpx-key-updated", text: "updated" }));

  const graphBox = el("div", { class: "bpx-picture", "data-view": "graph" });
  graphBox.innerHTML = script.graph_svg;
  const diagramBoxes = {};
  const pictures = el("div", { class: "bpx-pictures" }, graphBox);
  for (const [phase, svg] of Object.entries(script.diagram || {})) {
    const box = el("div", { class: "bpx-picture", "data-view": `diagram-${phase}` });
    box.innerHTML = svg;
    diagramBoxes[phase] = { box, elements: svgElements(box) };
    pictures.append(box);
  }
  const panel = el("div", { class: "bpx-panel" },
    el("div", { class: "bpx-phase", "data-field": "phase" }),
    el("div", { class: "bpx-title", "data-field": "title" }),
    el("div", { class: "bpx-lines", "data-field": "lines", "aria-live": "polite" }));
  const side = el("div", { class: "bpx-side" }, panel);
  if (script.tables) side.append(tablesView(script.tables));
  controls.append(button("zoom-out", "−", "smaller picture"), button("zoom-in", "+", "larger picture"));
  root.append(header, controls, legend, pictures, side);

  const graphElements = svgElements(graphBox);
  const fields = {};
  for (const node of script.nodes) {
    const g = graphElements.get(node.id);
    if (g) fields[node.id] = numberFields(g);
  }
  const cells = new Map();
  for (const td of root.querySelectorAll("[data-cell]")) cells.set(td.dataset.cell, td);
  const mapped = new Set(steps.flatMap(s => s.cells || []));

  // Pictures start at a readable size (at least MIN_SCALE of Graphviz's, else the box's
  // width) and scroll; the current node is scrolled into view at every step.
  const MIN_SCALE = 0.75;
  let zoom = 1;
  function sizePictures() {
    for (const svg of pictures.querySelectorAll("svg")) {
      const natural = svg.viewBox.baseVal ? svg.viewBox.baseVal.width * 4 / 3 : 0;
      if (!natural) continue;
      const fit = Math.max(pictures.clientWidth - 4, 200);
      svg.style.width = `${Math.round(zoom * Math.max(Math.min(natural, fit), natural * MIN_SCALE))}px`;
      svg.style.maxWidth = "none";
    }
  }
  function reveal(g) {
    const box = g && g.closest(".bpx-picture");
    if (!box || box.hidden) return;
    const a = box.getBoundingClientRect(), b = g.getBoundingClientRect();
    box.scrollLeft += (b.left + b.width / 2) - (a.left + a.width / 2);
    box.scrollTop += (b.top + b.height / 2) - (a.top + a.height / 2);
  }

  // Graphviz sized each box for the numbers it was drawn with; a longer number shown at
  // another step (a partial sum) is squeezed into that width.  All widths are read
  // together, before or after all writes, so a step costs one layout, not one per box.
  const laidOut = new Map();
  for (const f of Object.values(fields)) {
    for (const text of [f.data, f.grad]) if (text) laidOut.set(text, text.getComputedTextLength());
  }
  let rewritten = [];
  function setField(text, content) {
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

  function diagramPhase(phase) {
    if (phase === "update" || phase === "end") return diagramBoxes.update ? "update" : "grad";
    return phase === "backward" ? "grad" : "weight";
  }

  function show() {
    const step = steps[index];
    const { nodes, doneCells } = stateAt(script, index);
    for (const node of script.nodes) {
      const g = graphElements.get(node.id);
      if (!g) continue;
      const s = nodes[node.id];
      const f = fields[node.id];
      if (f.data) setField(f.data, `data ${s.data}`);
      if (f.grad) setField(f.grad, `grad ${s.grad}`);
      const current = step.node === node.id;
      for (const target of [g, graphElements.get(`${node.id}_op`)]) {
        if (!target) continue;
        target.classList.remove("bpx-st-known", "bpx-st-pending", "bpx-st-computed",
          "bpx-st-done", "bpx-st-updated");
        target.classList.add(`bpx-st-${s.status}`);
        target.classList.toggle("bpx-current", current);
      }
    }
    squeeze();
    const edges = new Set(step.edges || []);
    for (const [name, g] of graphElements) {
      if (g.classList.contains("edge")) g.classList.toggle("bpx-edge-current", edges.has(name));
    }
    const current = new Set(step.cells || []);
    for (const [id, td] of cells) {
      td.classList.toggle("bpx-cell-current", current.has(id));
      td.classList.toggle("bpx-cell-done", doneCells.has(id) && !current.has(id));
      td.classList.toggle("bpx-cell-pending", mapped.has(id) && !doneCells.has(id) && !current.has(id));
    }
    const phase = diagramPhase(step.phase);
    const marks = new Set(step.diagram || []);
    for (const [name, { box, elements }] of Object.entries(diagramBoxes)) {
      box.hidden = view !== "diagram" || name !== phase;
      for (const [id, g] of elements) g.classList.toggle("bpx-current", marks.has(id));
    }
    graphBox.hidden = view !== "graph";
    root.querySelector('[data-field="phase"]').textContent = step.phase;
    root.querySelector('[data-field="phase"]').dataset.phase = step.phase;
    root.querySelector('[data-field="title"]').textContent = step.title;
    const lines = root.querySelector('[data-field="lines"]');
    lines.replaceChildren(...step.lines.map(line => el("div", { class: "bpx-line", text: line })),
      ...(step.notes || []).map(note => el("div", { class: "bpx-note", text: note })));
    counter.textContent = `step ${index} of ${last}`;
    slider.value = String(index);
    root.dataset.step = String(index);
    reveal(view === "graph" ? graphElements.get(step.node)
      : diagramBoxes[phase] && [...diagramBoxes[phase].elements.values()].find(g => g.classList.contains("bpx-current")));
    root.querySelector('[data-action="play"]').textContent = timer ? "pause" : "play";
  }

  function go(k) {
    index = Math.max(0, Math.min(last, k));
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
  speed.addEventListener("change", () => { if (timer) { stop(); play(); } });
  slider.addEventListener("input", () => { stop(); go(Number(slider.value)); });
  const actions = {
    start: () => { stop(); go(0); }, prev: () => { stop(); go(index - 1); },
    next: () => { stop(); go(index + 1); }, end: () => { stop(); go(last); }, play,
    "zoom-in": () => { zoom *= 1.25; sizePictures(); show(); },
    "zoom-out": () => { zoom /= 1.25; sizePictures(); show(); },
    "view-graph": () => { view = "graph"; show(); },
    "view-diagram": () => { view = "diagram"; show(); },
  };
  controls.addEventListener("click", event => {
    const action = event.target.closest("[data-action]")?.dataset.action;
    if (action) actions[action]();
  });
  const keys = { ArrowRight: actions.next, ArrowLeft: actions.prev, " ": play,
    Home: actions.start, End: actions.end };
  keyboardTarget.addEventListener("keydown", event => {
    if (event.target.tagName === "SELECT" || event.target.tagName === "INPUT") return;
    const handler = keys[event.key];
    if (!handler) return;
    event.preventDefault();
    event.stopPropagation();   // in Jupyter, the notebook's own shortcuts must not fire
    handler();
  });
  if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "0");
  sizePictures();
  show();
  return { go, get index() { return index; }, stop };
}

// ---- live training view ---------------------------------------------------------------

function lossCurve(losses) {
  const width = 360, height = 180, pad = 30;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "bpx-curve");
  if (!losses.length) return svg;
  const finite = losses.filter(Number.isFinite);
  const hi = Math.max(...finite), lo = Math.min(...finite);
  const x = i => pad + (width - 2 * pad) * (losses.length === 1 ? 0 : i / (losses.length - 1));
  const y = v => height - pad - (height - 2 * pad) * ((v - lo) / (hi - lo || 1));
  const line = document.createElementNS(ns, "polyline");
  line.setAttribute("points", losses.map((v, i) => `${x(i)},${y(v)}`).join(" "));
  line.setAttribute("class", "bpx-curve-line");
  svg.append(line);
  for (const [text, ty] of [[hi.toPrecision(4), pad], [lo.toPrecision(4), height - pad]]) {
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", "2"); label.setAttribute("y", String(ty));
    label.textContent = text;
    svg.append(label);
  }
  return svg;
}

function boundary(frame) {
  // frame.grid[r][c]: the model's output mapped to [0, 1] on an n × n grid over the data,
  // row 0 at the bottom; frame.points: [u, v, class] with u, v in [0, 1].
  const size = 240, n = frame.grid.length, cell = size / n;
  const canvas = el("canvas", { width: String(size), height: String(size), class: "bpx-boundary" });
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
  const status = el("div", { class: "bpx-title", "data-field": "status" });
  const gradients = el("div", { class: "bpx-note", "data-field": "gradients" });
  const diagram = el("div", { class: "bpx-picture" });
  diagram.innerHTML = model.get("diagram_svg");
  const elements = svgElements(diagram);
  const curve = el("div", { class: "bpx-curve-box" });
  const region = el("div", { class: "bpx-boundary-box" });
  root.replaceChildren(status, gradients, el("div", { class: "bpx-main" }, diagram,
    el("div", { class: "bpx-side" }, curve, region)));
  function update() {
    const frame = model.get("frame");
    if (!frame || !frame.epoch) return;
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
    for (const [name, label] of Object.entries(frame.neurons)) {
      const g = elements.get(name);
      const texts = g ? [...g.querySelectorAll("text")] : [];
      const bias = texts.find(t => t.textContent.startsWith("b = "));
      if (bias) bias.textContent = label;
    }
    curve.replaceChildren(el("div", { text: "training loss per epoch" }), lossCurve(frame.losses));
    region.replaceChildren(...(frame.grid ? [el("div", { text: "decision boundary" }), boundary(frame)] : []));
  }
  model.on("change:frame", update);
  update();
}

function render({ model, el: root }) {
  if (model.get("mode") === "live") { mountLive(root, model); return; }
  const draw = () => mount(root, model.get("script"));
  model.on("change:script", draw);
  draw();
}

// The standalone page: the script sits in <script type="application/json" id="bpx-script">.
export function mountPage() {
  const script = JSON.parse(document.getElementById("bpx-script").textContent);
  const root = document.getElementById("bpx-root");
  const controller = mount(root, script, { keyboardTarget: document });
  window.explorer = controller;
  return controller;
}

export default { render };

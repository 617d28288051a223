// plantwin's replay page (docs/view.md): draws the plant from window.PLANTWIN_REPLAY_JSON (written by
// python/plantwin/view.py) and animates it. Plain JavaScript and SVG, no library, nothing loaded.
// The state at an instant is found by one binary search per element in its track of changes, so
// seeking costs O(elements x log events) and the DOM only changes where a value changed.
(function () {
  "use strict";
  const started = performance.now();
  const D = JSON.parse(window.PLANTWIN_REPLAY_JSON);
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);
  const root = $("plantwin-view");

  // ---- tracks -------------------------------------------------------------------------------
  function decode(p) {
    const off = Int32Array.from(p.off);
    const t = new Float64Array(p.dt.length);
    for (let j = 0; j + 1 < off.length; j++) {
      let acc = 0;
      for (let k = off[j]; k < off[j + 1]; k++) { acc += p.dt[k]; t[k] = acc / 1e6; }
    }
    return { off, t, v: p.v ? Int32Array.from(p.v) : null };
  }
  // The index of the last change of track j at or before `time`, or -1.
  function at(tr, j, time) {
    let lo = tr.off[j], hi = tr.off[j + 1] - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (tr.t[mid] <= time) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }
  const value = (tr, j, time, otherwise) => { const k = at(tr, j, time); return k < 0 ? otherwise : tr.v[k]; };
  const servers = decode(D.servers), queues = decode(D.queues), done = decode(D.done);
  const vstates = decode(D.vstates), vloads = decode(D.vloads), convs = decode(D.conveyor_counts);
  const wip = decode(D.wip), exits = decode(D.exits);
  const moves = decode({ off: D.moves.off, dt: D.moves.dt });
  const P1 = D.products.length + 1;
  const IDLE = Math.max(0, D.states.indexOf("idle"));
  const VIDLE = Math.max(0, D.vehicle_states.indexOf("idle"));
  const WAITING_TRANSPORT = D.states.indexOf("waiting_transport");
  const serverBase = [];
  { let n = 0; for (const s of D.stations) { serverBase.push(n); n += s.servers; } }
  const failures = D.failures.map((f) => f[0]).sort((a, b) => a - b);
  const dues = D.dues.map((d) => d[0]);
  const maxQueue = D.stations.map((s, i) => {
    let m = 1; for (let k = queues.off[i]; k < queues.off[i + 1]; k++) m = Math.max(m, queues.v[k]); return m;
  });

  // ---- time text ----------------------------------------------------------------------------
  function hms(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  }
  function clockText(t) {
    if (D.epoch_unix === null || D.epoch_unix === undefined) return hms(t);
    const off = D.epoch_offset_min || 0;
    // The same whole second as hms(t): the date rounded, not truncated, so both say one instant.
    const d = new Date((D.epoch_unix + Math.max(0, Math.round(t)) + off * 60) * 1000);
    const sign = off < 0 ? "-" : "+", a = Math.abs(off);
    const zone = `${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
    return `${d.toISOString().slice(0, 19).replace("T", " ")}${zone}  (${hms(t)})`;
  }
  if (D.epoch_unix !== null && D.epoch_unix !== undefined) $("pw-clock").parentNode.classList.add("epoch");
  const pct = (x) => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)} %`;

  // ---- drawing the plant --------------------------------------------------------------------
  const svg = $("pw-plant"), still = $("pw-static"), moving = $("pw-vehicles"), stage = svg.parentNode;
  const u = D.spacing;
  const el = (name, attrs, parent) => {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  };
  const defs = el("defs", {}, still);
  const marker = el("marker", { id: "pw-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "5",
    markerHeight: "5", orient: "auto-start-reverse" }, defs);
  el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#999" }, marker);
  const layers = {};
  for (const name of ["segments", "flows", "nodes"]) layers[name] = el("g", { class: `pw-${name}` }, still);
  const world = el("g", { id: "pw-world" }, svg);
  for (const name of ["conveyors", "stations", "arms"]) layers[name] = el("g", { class: `pw-${name}` }, world);
  layers.vehicles = el("g", { class: "pw-vehicles" }, moving);
  const X = (x) => x, Y = (y) => -y;  // the layout's y points up, SVG's down

  // Station boxes: a placed station sits just above its node, so vehicles there stay visible.
  const W = 0.72 * u, H = 0.52 * u;
  const box = D.stations.map((s) => ({ cx: s.x, cy: s.placed ? s.y + 0.5 * u : s.y }));
  const bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  const grow = (x, y, r) => {
    bounds.x0 = Math.min(bounds.x0, x - r); bounds.x1 = Math.max(bounds.x1, x + r);
    bounds.y0 = Math.min(bounds.y0, y - r); bounds.y1 = Math.max(bounds.y1, y + r);
  };
  box.forEach((b) => grow(b.cx, b.cy, 0.6 * u));
  D.nodes.forEach((n) => grow(n.x, n.y, 0.3 * u));

  for (const s of D.segments) {
    const a = D.nodes[s.a], b = D.nodes[s.b];
    el("line", { x1: X(a.x), y1: Y(a.y), x2: X(b.x), y2: Y(b.y), stroke: "#d5d5d5", "stroke-width": 0.12 * u,
      "stroke-linecap": "round", "data-segment": s.id, ...(s.one_way ? { "marker-end": "url(#pw-arrow)" } : {}) },
    layers.segments);
  }
  D.nodes.forEach((n, i) => {
    const charger = D.chargers.includes(i);
    el("circle", { cx: X(n.x), cy: Y(n.y), r: (charger ? 0.1 : 0.05) * u, fill: charger ? "#f2c12e" : "#aaa",
      "data-node": n.id }, layers.nodes);
    const label = el("text", { x: X(n.x) + 0.08 * u, y: Y(n.y) + 0.2 * u, "font-size": 0.09 * u, fill: "#999",
      class: "pw-node-label" }, layers.nodes);
    label.textContent = charger ? `${n.id} (charger)` : n.id;
  });
  for (const [a, b, via] of D.flows) {
    if (via) continue;  // carried: drawn as the conveyor or by the vehicles
    const p = box[a], q = box[b];
    el("line", { x1: X(p.cx + W / 2), y1: Y(p.cy), x2: X(q.cx - W / 2), y2: Y(q.cy), stroke: "#bbb",
      "stroke-width": 0.025 * u, "marker-end": "url(#pw-arrow)" }, layers.flows);
  }

  const stationEls = [], serverEls = [], dotEls = [], queueEls = [], queueText = [];
  D.stations.forEach((s, i) => {
    const b = box[i];
    const g = el("g", { "data-station": s.id, "data-state": "", "data-queue": "0", "data-done": "0",
      class: "pw-station" }, layers.stations);
    el("rect", { x: X(b.cx - W / 2), y: Y(b.cy + H / 2), width: W, height: H, rx: 0.04 * u, fill: "#f7f7f7",
      stroke: "#888", "stroke-width": 0.015 * u }, g);
    const label = el("text", { x: X(b.cx), y: Y(b.cy + H / 2) - 0.04 * u, "text-anchor": "middle",
      "font-size": 0.11 * u, "font-weight": "600", class: "pw-station-label" }, g);
    label.textContent = s.id;
    const n = s.servers, cols = Math.max(1, Math.ceil(Math.sqrt(n * 2.2))), rows = Math.ceil(n / cols);
    const cell = Math.min((W - 0.08 * u) / cols, (0.3 * u) / Math.max(1, rows));
    const x0 = b.cx - (cols * cell) / 2, top = b.cy + H / 2 - 0.06 * u;
    const row = [], dots = [];
    for (let k = 0; k < n; k++) {
      const cx = x0 + (k % cols) * cell, cy = top - Math.floor(k / cols) * cell;
      const r = el("rect", { x: X(cx + 0.06 * cell), y: Y(cy - 0.06 * cell), width: 0.88 * cell, height: 0.88 * cell,
        fill: D.state_colors[IDLE], "data-server": String(k), "data-state": D.states[IDLE] }, g);
      row.push(r);
      dots.push(el("circle", { cx: X(cx + cell / 2), cy: Y(cy - cell / 2), r: 0.22 * cell, fill: "none",
        stroke: "#fff", "stroke-width": 0.06 * cell, visibility: "hidden" }, g));
    }
    serverEls.push(row); dotEls.push(dots);
    const qy = b.cy - H / 2 + 0.14 * u, qw = W - 0.1 * u;
    el("rect", { x: X(b.cx - qw / 2), y: Y(qy), width: qw, height: 0.07 * u, fill: "#fff", stroke: "#999",
      "stroke-width": 0.01 * u }, g);
    queueEls.push(el("rect", { x: X(b.cx - qw / 2), y: Y(qy), width: 0, height: 0.07 * u, fill: "#6b8fb3" }, g));
    queueText.push(el("text", { x: X(b.cx), y: Y(qy) + 0.17 * u, "text-anchor": "middle", "font-size": 0.08 * u,
      fill: "#444", class: "pw-small" }, g));
    stationEls.push(g);
  });

  const conveyorEls = [], conveyorText = [];
  D.conveyors.forEach((c) => {
    const g = el("g", { "data-conveyor": c.id, "data-parts": "0" }, layers.conveyors);
    const q = c.to === null ? null : box[c.to];
    let mid = null;
    for (const f of c.from) {
      const p = box[f];
      if (!q) continue;
      el("line", { x1: X(p.cx + W / 2), y1: Y(p.cy - H / 4), x2: X(q.cx - W / 2), y2: Y(q.cy - H / 4),
        stroke: "#8c6d46", "stroke-width": 0.08 * u, "stroke-dasharray": `${0.06 * u} ${0.03 * u}` }, g);
      mid = { x: (p.cx + W / 2 + q.cx - W / 2) / 2, y: (p.cy + q.cy) / 2 - H / 4 };
    }
    const t = el("text", { x: X(mid ? mid.x : 0), y: Y(mid ? mid.y : 0) + 0.16 * u, "text-anchor": "middle",
      "font-size": 0.08 * u, fill: "#6b4f2a", class: "pw-small" }, g);
    conveyorEls.push(g); conveyorText.push(t);
  });

  const armEls = [];
  D.arms.forEach((a) => {
    const xs = a.stations.map((i) => box[i].cx), ys = a.stations.map((i) => box[i].cy);
    const cx = xs.reduce((p, q) => p + q, 0) / xs.length + W / 2, cy = Math.min(...ys) - H / 2 - 0.12 * u;
    const g = el("g", { "data-arm": a.id, "data-busy": "0" }, layers.arms);
    for (const i of a.stations)
      el("line", { x1: X(cx), y1: Y(cy), x2: X(box[i].cx + W / 3), y2: Y(box[i].cy - H / 2), stroke: "#555",
        "stroke-width": 0.02 * u }, g);
    const c = el("circle", { cx: X(cx), cy: Y(cy), r: 0.07 * u, fill: "#ddd", stroke: "#555", "stroke-width": 0.02 * u }, g);
    const t = el("text", { x: X(cx) + 0.1 * u, y: Y(cy) + 0.03 * u, "font-size": 0.08 * u, class: "pw-small" }, g);
    t.textContent = a.id;
    armEls.push({ g, c });
    grow(cx, cy, 0.3 * u);
    grow(cx + 0.12 * u + 0.05 * u * a.id.length, cy, 0.1 * u);  // its label
  });

  const vehicleEls = D.vehicles.map((v, i) => {
    const g = el("g", { "data-vehicle": v.id, "data-fleet": v.fleet, "data-x": "0", "data-y": "0",
      "data-state": "idle", "data-loaded": "0" }, layers.vehicles);
    const body = el("circle", { r: 0.09 * u, fill: "#c7c7c7", stroke: "#333", "stroke-width": 0.015 * u }, g);
    // The number of parts on board, for vehicles that carry more than one (text is dear to paint).
    const text = v.capacity > 1 ? el("text", { "font-size": 0.09 * u, "text-anchor": "middle", dy: 0.03 * u,
      fill: "#fff", "font-weight": "700", class: "pw-small" }, g) : null;
    // Vehicles are points: a small fixed offset per vehicle keeps several at one node apart.
    const angle = (i * 2.399963) % (2 * Math.PI);
    return { g, body, text, dx: Math.cos(angle) * 0.07 * u * (i > 0 ? 1 : 0), dy: Math.sin(angle) * 0.07 * u * (i > 0 ? 1 : 0) };
  });

  // The view box: everything, and wheel zoom / drag to pan.
  let view = { x: bounds.x0, y: -bounds.y1, w: Math.max(bounds.x1 - bounds.x0, u), h: Math.max(bounds.y1 - bounds.y0, u) };
  const setView = () => {
    for (const s of [svg, still, moving]) s.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  };
  setView();
  for (const s of [svg, still, moving]) s.setAttribute("preserveAspectRatio", "xMidYMid meet");
  stage.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = svg.getBoundingClientRect(), f = e.deltaY > 0 ? 1.15 : 1 / 1.15;
    const px = view.x + ((e.clientX - r.left) / r.width) * view.w, py = view.y + ((e.clientY - r.top) / r.height) * view.h;
    view = { x: px - (px - view.x) * f, y: py - (py - view.y) * f, w: view.w * f, h: view.h * f };
    setView();
  }, { passive: false });
  let drag = null;
  stage.addEventListener("mousedown", (e) => { drag = { x: e.clientX, y: e.clientY, v: { ...view } }; });
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect(), s = Math.max(view.w / r.width, view.h / r.height);
    view = { ...drag.v, x: drag.v.x - (e.clientX - drag.x) * s, y: drag.v.y - (e.clientY - drag.y) * s };
    setView();
  });

  // ---- the side panel: legend and network -----------------------------------------------------
  function legendRows(title, names, colours) {
    let h = `<h2>${title}</h2>`;
    names.forEach((n, i) => { h += `<div class="pw-legend-row"><span class="pw-swatch" style="background:${colours[i]}"></span>${n.replace(/_/g, " ")}</div>`; });
    return h;
  }
  $("pw-legend").innerHTML =
    legendRows("Server states", D.states, D.state_colors) +
    legendRows("Products (dot on a busy server)", D.products, D.product_colors) +
    (D.vehicles.length ? legendRows("Vehicles (ring: loaded)", D.vehicle_states, D.vehicle_colors) : "") +
    `<h2>Buffers</h2><div>the bar under each station: parts waiting to be taken by a server, against the buffer's capacity (or the most seen, when unlimited)</div>`;
  const linkEls = [];
  if (D.network) {
    const net = D.network, n = net.nodes.length, size = 210, r = 70;
    const pos = {};
    net.nodes.forEach((node, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
      pos[node.id] = { x: size / 2 + r * Math.cos(a), y: 100 + r * Math.sin(a) };
    });
    const box2 = document.createElementNS(SVG, "svg");
    box2.setAttribute("viewBox", `0 0 ${size} 200`);
    box2.setAttribute("width", "100%");
    for (const l of net.links) {
      const colour = l.utilization === null || l.utilization === undefined ? "#999" : loadColour(l.utilization);
      const a = pos[l.ends[0]];
      let g;
      if (l.ends.length > 1) {
        const b = pos[l.ends[1]];
        g = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: colour, "stroke-width": 5 }, box2);
      } else {  // a 5G cell's radio: a ring around the cell
        g = el("circle", { cx: a.x, cy: a.y, r: 16, fill: "none", stroke: colour, "stroke-width": 4, "stroke-dasharray": "4 3" }, box2);
      }
      g.setAttribute("data-link", l.id);
      g.setAttribute("data-utilization", l.utilization === null || l.utilization === undefined ? "" : String(l.utilization));
      linkEls.push({ g, l });
    }
    for (const node of net.nodes) {
      const p = pos[node.id];
      el("circle", { cx: p.x, cy: p.y, r: 8, fill: node.kind === "cell" ? "#17becf" : node.kind === "switch" ? "#999" : "#1f3a93" }, box2);
      const t = el("text", { x: p.x, y: p.y + 30, "text-anchor": "middle", "font-size": 11 }, box2);
      t.textContent = `${node.id} (${node.kind})`;
    }
    const h = document.createElement("div");
    h.innerHTML = `<h2>Network (links coloured by utilisation${net.links.some((l) => l.utilization !== null && l.utilization !== undefined) ? "" : ": run with --result for it"})</h2>`;
    h.appendChild(box2);
    const att = document.createElement("div");
    att.textContent = "attached: " + net.attach.map((a) => `${a.id} → ${a.node}`).join(", ");
    h.appendChild(att);
    $("pw-network").appendChild(h);
  }
  function loadColour(x) {  // green (idle) to red (saturated)
    const f = Math.max(0, Math.min(1, x)), hue = 120 * (1 - f);
    return `hsl(${hue}, 70%, 45%)`;
  }

  // ---- the slider and its marks -----------------------------------------------------------------
  const END = D.end_s;
  const slider = $("pw-time");
  slider.max = String(END);
  $("pw-warmup").style.width = `${(100 * D.warmup_s) / END}%`;
  const track = $("pw-track");
  const markAt = (t, cls, title) => {
    const m = document.createElement("div");
    m.className = `pw-mark ${cls}`;
    m.style.left = `${(100 * t) / END}%`;
    m.title = title;
    track.appendChild(m);
  };
  { let last = -1; for (const f of D.failures) { const p = Math.round((1000 * f[0]) / END); if (p !== last) markAt(f[0], "failure", `failure at ${D.stations[f[1]].id}, ${hms(f[0])}`); last = p; } }
  for (const [t, id] of D.dues) markAt(t, "due", `order ${id} due at ${hms(t)}`);
  $("pw-note").textContent = `${D.events.toLocaleString("en")} events${D.log ? " from " + D.log : ""}; scenario ${D.file}. ` +
    `Warm-up (hatched) ends at ${hms(D.warmup_s)}; red marks: failures, blue marks: due dates. ` +
    `Drag to pan, wheel to zoom, hover for details; #t=SECONDS in the address opens an instant.`;
  if (!failures.length) $("pw-failure").disabled = true;
  if (!dues.length) $("pw-due").disabled = true;

  // ---- rendering an instant ------------------------------------------------------------------------
  const cache = { server: [], queue: [], done: [], vehicle: [], conv: [], arm: [] };
  let now = 0;
  const stats = { frames: 0, renderMs: 0, renders: 0 };
  function render(t) {
    const r0 = performance.now();
    for (let i = 0; i < D.stations.length; i++) {
      const s = D.stations[i];
      let changed = false;
      const states = [];
      for (let k = 0; k < s.servers; k++) {
        const j = serverBase[i] + k;
        const v = value(servers, j, t, IDLE * P1);
        const st = Math.floor(v / P1), pr = (v % P1) - 1;
        states.push(D.states[st]);
        if (cache.server[j] !== v) {
          cache.server[j] = v;
          changed = true;
          const r = serverEls[i][k];
          r.setAttribute("fill", D.state_colors[st]);
          r.setAttribute("data-state", D.states[st]);
          r.setAttribute("data-product", pr >= 0 ? D.products[pr] : "");
          const d = dotEls[i][k];
          if (pr >= 0) { d.setAttribute("fill", D.product_colors[pr]); d.setAttribute("visibility", "visible"); }
          else d.setAttribute("visibility", "hidden");
        }
      }
      if (changed || cache.server[-1 - i] === undefined) {
        cache.server[-1 - i] = true;
        stationEls[i].setAttribute("data-state", states.join(" "));
      }
      const q = value(queues, i, t, 0);
      if (cache.queue[i] !== q) {
        cache.queue[i] = q;
        stationEls[i].setAttribute("data-queue", String(q));
        const cap = s.buffer === null ? maxQueue[i] : Math.max(1, s.buffer);
        queueEls[i].setAttribute("width", String((Math.min(1, q / cap) * (W - 0.1 * u))));
        queueEls[i].setAttribute("fill", s.buffer !== null && q >= s.buffer && s.buffer > 0 ? "#d62728" : "#6b8fb3");
        queueText[i].textContent = s.buffer === null ? `queue ${q}` : `queue ${q}/${s.buffer}`;
      }
      const dn = at(done, i, t) + 1 - (at(done, i, t) < 0 ? 0 : done.off[i]);
      if (cache.done[i] !== dn) { cache.done[i] = dn; stationEls[i].setAttribute("data-done", String(dn)); }
    }
    for (let v = 0; v < D.vehicles.length; v++) {
      const m = at(moves, v, t);
      let x, y, seg = "";
      if (m < 0) {
        const home = D.nodes[D.vehicles[v].home] || { x: 0, y: 0 };
        x = home.x; y = home.y;
      } else {
        const a = D.nodes[D.moves.a[m]], b = D.nodes[D.moves.b[m]], d = D.moves.d_ms[m] / 1000;
        const f = d > 0 ? Math.min(1, (t - moves.t[m]) / d) : 1;
        x = a.x + f * (b.x - a.x); y = a.y + f * (b.y - a.y);
        if (f < 1) seg = `${a.id}→${b.id}`;
      }
      const st = value(vstates, v, t, VIDLE), load = value(vloads, v, t, 0);
      const key = `${x.toFixed(3)},${y.toFixed(3)},${st},${load}`;
      if (cache.vehicle[v] === key) continue;
      cache.vehicle[v] = key;
      const e = vehicleEls[v];
      e.g.setAttribute("transform", `translate(${X(x) + e.dx},${Y(y) + e.dy})`);
      e.g.setAttribute("data-x", x.toFixed(3));
      e.g.setAttribute("data-y", y.toFixed(3));
      e.g.setAttribute("data-state", D.vehicle_states[st]);
      e.g.setAttribute("data-loaded", String(load));
      e.g.setAttribute("data-segment", seg);
      e.body.setAttribute("fill", D.vehicle_colors[st]);
      e.body.setAttribute("stroke-width", String((load > 0 ? 0.04 : 0.015) * u));
      if (e.text) e.text.textContent = load > 0 ? String(load) : "";
    }
    for (let c = 0; c < D.conveyors.length; c++) {
      const n = value(convs, c, t, 0);
      if (cache.conv[c] === n) continue;
      cache.conv[c] = n;
      conveyorEls[c].setAttribute("data-parts", String(n));
      conveyorText[c].textContent = `${D.conveyors[c].id}: ${n}/${D.conveyors[c].capacity}`;
    }
    D.arms.forEach((a, i) => {
      let busy = 0;
      for (const s of a.stations)
        for (let k = 0; k < D.stations[s].servers; k++)
          if (Math.floor((cache.server[serverBase[s] + k] ?? IDLE * P1) / P1) === WAITING_TRANSPORT) busy++;
      if (cache.arm[i] === busy) return;
      cache.arm[i] = busy;
      armEls[i].g.setAttribute("data-busy", String(busy));
      armEls[i].c.setAttribute("fill", busy ? "#9467bd" : "#ddd");
    });
    const w = value(wip, 0, t, 0), out = at(exits, 0, t) + 1;
    $("pw-counters").textContent = `WIP ${w} · ${out.toLocaleString("en")} parts out${t < D.warmup_s ? " · warm-up" : ""}`;
    $("pw-clock").textContent = clockText(t);
    root.setAttribute("data-time", String(Math.round(t * 1e6) / 1e6));
    if (!sliding) slider.value = String(t);
    if (hovered) showTip(hovered);
    stats.renders++;
    stats.renderMs += performance.now() - r0;
  }

  // ---- hover ---------------------------------------------------------------------------------------
  const tip = $("pw-tip");
  let hovered = null;
  function describe(e) {
    if (e.hasAttribute("data-station")) {
      const i = D.stations.findIndex((s) => s.id === e.getAttribute("data-station")), s = D.stations[i];
      const lines = [`station ${s.id} at ${clockText(now)}`,
        `queue ${e.getAttribute("data-queue")}${s.buffer === null ? " (buffer unlimited)" : ` of ${s.buffer} places`}`,
        `parts moved on so far: ${e.getAttribute("data-done")}`];
      serverEls[i].forEach((r, k) => {
        const p = r.getAttribute("data-product");
        lines.push(`server ${k}: ${r.getAttribute("data-state").replace(/_/g, " ")}${p ? ` (${p})` : ""}`);
      });
      return lines.join("\n");
    }
    if (e.hasAttribute("data-vehicle")) {
      const seg = e.getAttribute("data-segment");
      return `vehicle ${e.getAttribute("data-vehicle")} at ${clockText(now)}\n${e.getAttribute("data-state").replace(/_/g, " ")}` +
        `\nparts on board: ${e.getAttribute("data-loaded")}\nposition: x ${e.getAttribute("data-x")} m, y ${e.getAttribute("data-y")} m` +
        (seg ? `\non segment ${seg}` : "");
    }
    if (e.hasAttribute("data-conveyor"))
      return `conveyor ${e.getAttribute("data-conveyor")}: ${e.getAttribute("data-parts")} parts on it`;
    if (e.hasAttribute("data-arm"))
      return `arm ${e.getAttribute("data-arm")}: ${e.getAttribute("data-busy")} server(s) waiting for it or served by it`;
    if (e.hasAttribute("data-link")) {
      const u2 = e.getAttribute("data-utilization");
      return `link ${e.getAttribute("data-link")}: utilisation ${u2 === "" ? "not given" : pct(Number(u2))} (over the run)`;
    }
    return "";
  }
  function showTip(e) { tip.textContent = describe(e); }
  document.addEventListener("mouseover", (ev) => {
    const e = ev.target.closest && ev.target.closest("[data-station],[data-vehicle],[data-conveyor],[data-arm],[data-link]");
    hovered = e || null;
    tip.hidden = !e;
    if (e) showTip(e);
  });
  document.addEventListener("mousemove", (ev) => {
    if (tip.hidden) return;
    tip.style.left = `${Math.min(ev.clientX + 14, window.innerWidth - 370)}px`;
    tip.style.top = `${ev.clientY + 14}px`;
  });

  // ---- controls ------------------------------------------------------------------------------------
  let playing = false, speed = 60, lastFrame = null, sliding = false;
  const playButton = $("pw-play");
  function seek(t) {
    now = Math.max(0, Math.min(END, Number(t) || 0));
    render(now);
  }
  function setPlaying(p) {
    playing = p && now < END;
    playButton.innerHTML = playing ? "&#10074;&#10074; pause" : "&#9654; play";
    lastFrame = null;
    if (!playing) history.replaceState(null, "", `#t=${Math.round(now * 1000) / 1000}`);
  }
  function frame(ts) {
    stats.frames++;
    if (playing) {
      if (lastFrame !== null) {
        const t = Math.min(END, now + ((ts - lastFrame) / 1000) * speed);
        seek(t);
        if (t >= END) setPlaying(false);
      }
      lastFrame = ts;
    }
    requestAnimationFrame(frame);
  }
  playButton.addEventListener("click", () => setPlaying(!playing));
  const speedSelect = $("pw-speed");
  speedSelect.addEventListener("change", () => { speed = Number(speedSelect.value); });
  slider.addEventListener("input", () => { sliding = true; seek(Number(slider.value)); sliding = false; });
  slider.addEventListener("change", () => { if (!playing) history.replaceState(null, "", `#t=${Math.round(now * 1000) / 1000}`); });
  const next = (times) => { const t = times.find((x) => x > now + 1e-6); if (t !== undefined) seek(t); };
  $("pw-failure").addEventListener("click", () => next(failures));
  $("pw-due").addEventListener("click", () => next(dues));
  document.addEventListener("keydown", (e) => {
    if (e.key === " " && e.target === document.body) { e.preventDefault(); setPlaying(!playing); }
  });
  function fromHash() {
    const m = /(?:^#|&)t=([0-9:.]+)/.exec(location.hash);
    if (!m) return null;
    const parts = m[1].split(":").map(Number);
    return parts.reduce((acc, x) => acc * 60 + x, 0);
  }
  window.addEventListener("hashchange", () => { const t = fromHash(); if (t !== null) seek(t); });

  seek(fromHash() ?? 0);
  requestAnimationFrame(frame);
  window.plantwinView = {
    get time() { return now; },
    get playing() { return playing; },
    get speed() { return speed; },
    seek, play: () => setPlaying(true), pause: () => setPlaying(false),
    setSpeed: (x) => { speed = Number(x); speedSelect.value = String(x); },
    stats, data: D, loadMs: performance.now() - started, ready: true,
  };
  root.setAttribute("data-ready", "true");
})();

// The workspace map: an offline base layer, clusters the server counts for the viewport, the
// list of incidents in view, and a timeline whose dragged range filters all of them.
// Every number comes from /api/; this script only draws it. No inline script (CSP 'self').
"use strict";

(function () {
  const form = document.getElementById("filters");
  const mapEl = document.getElementById("map");
  if (!form || !mapEl || typeof L === "undefined") return;

  const COLOURS = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490",
    "#a16207", "#be185d", "#4d7c0f", "#334155"];
  const map = L.map(mapEl, { minZoom: 4, maxZoom: 18, zoomSnap: 1 }).setView([48.6, 32.0], 6);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · GeoNames, KATOTTG");
  const clusters = L.layerGroup().addTo(map);
  const labels = L.layerGroup().addTo(map);

  fetch("/static/basemap/regions.json").then((r) => r.json()).then((data) => {
    L.geoJSON(data, {
      interactive: false,
      style: (f) => ({
        color: "#7a8494", weight: 1,
        fillColor: f.properties.country === "UA" ? "#fdf3d0" : "#eceef2", fillOpacity: 1,
      }),
    }).addTo(map).bringToBack();
  });

  function params(extra) {
    const p = new URLSearchParams(new FormData(form));
    p.delete("unit");
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    for (const [k, v] of [...p.entries()]) if (v === "") p.delete(k);
    return p;
  }

  function bboxOf() {
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(5)).join(",");
  }

  function text(id, value) {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function clusterIcon(count) {
    const el = document.createElement("span");
    el.textContent = String(count);
    const size = count < 10 ? 26 : count < 100 ? 32 : count < 1000 ? 40 : 48;
    return L.divIcon({ html: el, className: "cluster", iconSize: [size, size] });
  }

  let pending = 0;
  function refresh() {
    const ticket = ++pending;
    const bbox = bboxOf();
    const zoom = map.getZoom();
    const p = params({ bbox: bbox, zoom: String(zoom) });
    fetch("/api/map/clusters?" + p).then((r) => r.json()).then((view) => {
      if (ticket !== pending) return;
      if (view.error) { text("in-view", view.error.message); return; }
      clusters.clearLayers();
      for (const c of view.clusters) {
        const marker = L.marker([c.latitude, c.longitude], { icon: clusterIcon(c.count),
          title: c.count + " incident" + (c.count === 1 ? "" : "s"), keyboard: true });
        marker.on("click", () => {
          if (c.count > 1 && (c.north > c.south || c.east > c.west)) {
            map.fitBounds([[c.south, c.west], [c.north, c.east]], { padding: [30, 30] });
          } else {
            map.setView([c.latitude, c.longitude], Math.min(18, zoom + 3));
          }
        });
        clusters.addLayer(marker);
      }
      text("in-view", view.in_view + " of " + view.located + " located incidents in view.");
      text("not-located", view.not_located ? view.not_located + " incidents not located" +
        " (no coordinates: counted here, not on the map)." : "");
      text("rounded", view.positions_rounded ?
        "Places of sensitive incidents are rounded to about 10 km for your role." : "");
    });
    const listParams = params({ bbox: bbox });
    fetch("/map/list?" + listParams, { headers: { "HX-Request": "true" } })
      .then((r) => r.text()).then((html) => {
        if (ticket !== pending) return;
        document.getElementById("list").innerHTML = html; // server-rendered, escaped
      });
    fetch("/api/map/places?bbox=" + bbox).then((r) => r.json()).then((found) => {
      if (ticket !== pending || !found.places) return;
      labels.clearLayers();
      for (const place of found.places) {
        const el = document.createElement("span");
        el.textContent = place.name;
        labels.addLayer(L.marker([place.latitude, place.longitude], {
          icon: L.divIcon({ html: el, className: "place-label", iconSize: null }),
          interactive: false, keyboard: false,
        }));
      }
    });
    const plain = params();
    document.getElementById("geojson").href = "/api/map/geojson?" + plain;
    const tally = params();
    tally.set("by", "type");
    if (!tally.get("status")) tally.set("status", "any");
    document.getElementById("tally-link").href = "/tally?" + tally;
  }

  // -- the timeline ------------------------------------------------------------------------
  const timelineEl = document.getElementById("timeline");
  const NS = "http://www.w3.org/2000/svg";
  function svg(name, attrs, parent) {
    const el = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (parent) parent.appendChild(el);
    return el;
  }
  const day = (s) => Date.parse(s + "T00:00:00Z") / 86400000;
  const iso = (d) => new Date(d * 86400000).toISOString().slice(0, 10);

  function drawTimeline() {
    const p = params();
    p.delete("from");
    p.delete("to");
    p.set("unit", form.elements.unit.value);
    fetch("/api/timeline?" + p).then((r) => r.json()).then((line) => {
      timelineEl.replaceChildren();
      if (line.error) { timelineEl.textContent = line.error.message; return; }
      const items = line.bins.concat(line.spans);
      if (!items.length) { timelineEl.textContent = "No dated incidents for these filters."; return; }
      const W = 900, H = 150, top = 8, bottom = 22;
      const first = Math.min(...items.map((b) => day(b.start)));
      const last = Math.max(...items.map((b) => day(b.end))) + 1;
      const x = (d) => ((d - first) / (last - first)) * W;
      const types = [...new Set(items.map((b) => b.type))].sort();
      const colour = (t) => COLOURS[types.indexOf(t) % COLOURS.length];
      const stacks = new Map();
      for (const b of line.bins) stacks.set(b.start, (stacks.get(b.start) || 0) + b.count);
      const tallest = Math.max(1, ...stacks.values());
      const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", height: H,
        role: "img", "aria-label": "incidents over time", "data-testid": "timeline-chart" }, timelineEl);
      const heights = new Map();
      for (const b of line.bins) {
        const h = ((H - top - bottom - 16) * b.count) / tallest;
        const below = heights.get(b.start) || 0;
        heights.set(b.start, below + h);
        const bar = svg("rect", { x: x(day(b.start)), width: Math.max(1, x(day(b.end) + 1) - x(day(b.start)) - 0.5),
          y: H - bottom - below - h, height: h, fill: colour(b.type), "data-testid": "timeline-bin" }, chart);
        svg("title", {}, bar).textContent = `${b.count} ${b.type}, ${b.start}${b.end !== b.start ? " – " + b.end : ""}`;
      }
      // dates known only to a month or a range: drawn as that range, in a band of their own
      for (const s of line.spans) {
        const bar = svg("rect", { x: x(day(s.start)), width: Math.max(2, x(day(s.end) + 1) - x(day(s.start))),
          y: top, height: 8, fill: colour(s.type), "fill-opacity": 0.35, "data-testid": "timeline-span" }, chart);
        svg("title", {}, bar).textContent = `${s.count} ${s.type}, known only to ${s.start} – ${s.end} (${s.precision})`;
      }
      svg("line", { x1: 0, x2: W, y1: H - bottom, y2: H - bottom, stroke: "#5b6474" }, chart);
      for (let year = new Date(first * 86400000).getUTCFullYear() + 1;
        day(year + "-01-01") < last; year++) {
        const at = x(day(year + "-01-01"));
        svg("line", { x1: at, x2: at, y1: H - bottom, y2: H - bottom + 5, stroke: "#5b6474" }, chart);
        svg("text", { x: at + 3, y: H - 6, class: "axis" }, chart).textContent = String(year);
      }
      const brush = svg("rect", { x: 0, y: 0, width: 0, height: H - bottom, class: "brush" }, chart);
      const from = form.elements.from.value, to = form.elements.to.value;
      if (from && to) {
        brush.setAttribute("x", x(day(from)));
        brush.setAttribute("width", Math.max(1, x(day(to) + 1) - x(day(from))));
      }
      const toDay = (evt) => {
        const box = chart.getBoundingClientRect();
        const at = ((evt.clientX - box.left) / box.width) * W;
        return Math.max(first, Math.min(last - 1, Math.floor(first + (at / W) * (last - first))));
      };
      let anchor = null;
      chart.addEventListener("mousedown", (evt) => { anchor = toDay(evt); evt.preventDefault(); });
      chart.addEventListener("mousemove", (evt) => {
        if (anchor === null) return;
        const d = toDay(evt), a = Math.min(anchor, d), b = Math.max(anchor, d);
        brush.setAttribute("x", x(a));
        brush.setAttribute("width", Math.max(1, x(b + 1) - x(a)));
      });
      window.addEventListener("mouseup", (evt) => {
        if (anchor === null) return;
        const d = toDay(evt), a = Math.min(anchor, d), b = Math.max(anchor, d);
        anchor = null;
        form.elements.from.value = iso(a);
        form.elements.to.value = iso(b);
        refresh();
      });
      chart.addEventListener("dblclick", () => {
        form.elements.from.value = "";
        form.elements.to.value = "";
        brush.setAttribute("width", 0);
        refresh();
      });
      const legend = document.createElement("p");
      legend.className = "legend";
      legend.setAttribute("data-testid", "timeline-legend");
      for (const t of types) {
        const key = document.createElement("span");
        key.className = "key";
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = colour(t);
        key.append(swatch, document.createTextNode(t));
        legend.append(key);
      }
      timelineEl.append(legend);
      const dated = line.bins.reduce((n, b) => n + b.count, 0);
      const spanned = line.spans.reduce((n, s) => n + s.count, 0);
      text("timeline-note", `${line.counted} incident${line.counted === 1 ? "" : "s"} counted as the tally counts them: ${dated} in ` +
        `their ${line.unit}, ${spanned} known only to a longer range (the band on top)` +
        (line.undated ? `, ${line.undated} undated` : "") + ".");
    });
  }

  form.addEventListener("submit", (evt) => { evt.preventDefault(); refresh(); drawTimeline(); });
  form.addEventListener("change", (evt) => {
    if (evt.target.name === "unit") drawTimeline(); else { refresh(); drawTimeline(); }
  });
  map.on("moveend", refresh);
  refresh();
  drawTimeline();
})();

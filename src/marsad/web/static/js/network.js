/* marsad co-occurrence network (cytoscape): the entity and the entities most often named
   with it — the strongest few dozen only (a select asks for more), laid out by force, then
   nudged apart until no two labels overlap. Labels are canvas text, never HTML; sized by
   weight; Arabic names are embedded right-to-left so mixed names (digits, Latin) read in
   the right order inside the left-to-right canvas. */
(function () {
  "use strict";
  var el = document.getElementById("network");
  if (!el || !window.cytoscape) { return; }
  var colors = {};
  try { colors = JSON.parse(el.getAttribute("data-colors") || "{}"); } catch (e) { colors = {}; }
  var lang = el.getAttribute("data-lang") || "ar";
  var sizeSelect = document.getElementById("network-size");
  var countOut = document.getElementById("network-count");
  var ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
  var RLE = "\u202B", PDF = "\u202C";
  var font = window.getComputedStyle(document.documentElement).fontFamily || "sans-serif";
  var cy = null;

  function labelOf(n) {
    var text = (lang === "en" && n.name_en) ? n.name_en : (n.name_ar || n.id);
    return ARABIC.test(text) ? RLE + text + PDF : text;
  }

  // place the neighbours on ellipses around the entity, strongest innermost, so the force
  // layout starts from an order it only has to refine
  function seed(nodes, w, h) {
    var pos = {}, rest = nodes.filter(function (n) { return !n.ego; });
    nodes.forEach(function (n) { if (n.ego) { pos[n.id] = { x: 0, y: 0 }; } });
    var ring = 0, i = 0, perRing = 10;
    while (i < rest.length) {
      var k = Math.min(perRing, rest.length - i), rx = (ring + 1) * w * 0.16, ry = (ring + 1) * h * 0.16;
      for (var j = 0; j < k; j++) {
        var a = 2 * Math.PI * j / k + ring * 0.4;
        pos[rest[i + j].id] = { x: rx * Math.cos(a), y: ry * Math.sin(a) };
      }
      i += k; ring += 1; perRing += 8;
    }
    return pos;
  }

  // the force layout comes out round; the panel is wide: widen the drawing to the panel's
  // shape (never more than 2.5 times) so the labels get room instead of shrinking with the zoom
  function stretch(cy, aspect) {
    var b = cy.nodes().boundingBox({ includeLabels: false }), ego = cy.nodes("[ego = 1]");
    if (!b.w || !b.h || !ego.length) { return; }
    var f = Math.max(1, Math.min(2.5, aspect / (b.w / b.h))), cx = ego.position().x;
    cy.nodes().forEach(function (n) { var p = n.position(); n.position({ x: cx + (p.x - cx) * f, y: p.y }); });
  }

  // push overlapping label boxes apart along the shorter overlap; the entity stays put.
  // Returns how many pairs still overlap (0 when the pass succeeded).
  function separate(cy) {
    var items = cy.nodes().map(function (n) {
      var p = n.position(), b = n.boundingBox({ includeLabels: true, includeOverlays: false });
      return { n: n, x: p.x, y: p.y, fixed: n.data("ego") === 1, l: p.x - b.x1 + 3, r: b.x2 - p.x + 3,
               t: p.y - b.y1 + 3, b: b.y2 - p.y + 3 };
    });
    function overlap(a, b) {
      var ox = Math.min(a.x + a.r, b.x + b.r) - Math.max(a.x - a.l, b.x - b.l);
      var oy = Math.min(a.y + a.b, b.y + b.b) - Math.max(a.y - a.t, b.y - b.t);
      return (ox > 0 && oy > 0) ? { x: ox, y: oy } : null;
    }
    var left = 0;
    for (var round = 0; round < 200; round++) {
      left = 0;
      for (var i = 0; i < items.length; i++) {
        for (var j = i + 1; j < items.length; j++) {
          var a = items[i], b = items[j], o = overlap(a, b);
          if (!o) { continue; }
          left += 1;
          var share = a.fixed ? [0, 1] : b.fixed ? [1, 0] : [0.5, 0.5];
          if (o.x < o.y) {
            var sx = (a.x < b.x || (a.x === b.x && i < j)) ? -1 : 1, dx = o.x + 1;
            a.x += sx * dx * share[0]; b.x -= sx * dx * share[1];
          } else {
            var sy = (a.y < b.y || (a.y === b.y && i < j)) ? -1 : 1, dy = o.y + 1;
            a.y += sy * dy * share[0]; b.y -= sy * dy * share[1];
          }
        }
      }
      if (!left) { break; }
    }
    items.forEach(function (it) { it.n.position({ x: it.x, y: it.y }); });
    var still = 0;
    for (var p = 0; p < items.length; p++) {
      for (var q = p + 1; q < items.length; q++) { if (overlap(items[p], items[q])) { still += 1; } }
    }
    return still;
  }

  function draw(net, cap) {
    var top = 1;
    net.nodes.forEach(function (n) { if (!n.ego) { top = Math.max(top, n.weight); } });
    var elements = net.nodes.map(function (n) {
      var s = n.ego ? 1 : Math.sqrt(n.weight / top);
      return { data: { id: n.id, label: labelOf(n), color: colors[n.type] || "#555",
                       size: n.ego ? 40 : 12 + 20 * s, font: n.ego ? 19 : Math.round(13 + 6 * s),
                       ego: n.ego ? 1 : 0 } };
    });
    var ego = null;
    net.nodes.forEach(function (n) { if (n.ego) { ego = n.id; } });
    var wmax = 1;
    net.edges.forEach(function (e) { wmax = Math.max(wmax, e.weight); });
    net.edges.forEach(function (e, i) {
      elements.push({ data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight,
                              width: 0.8 + 4 * e.weight / wmax,
                              spoke: (e.source === ego || e.target === ego) ? 1 : 0 } });
    });
    el.setAttribute("data-cap", String(cap));
    el.setAttribute("data-available", String(net.available || 0));
    if (countOut) {
      countOut.textContent = String(Math.max(0, net.nodes.length - 1)) + " " +
        (el.getAttribute("data-of") || "/") + " " + String(net.available || 0);
    }
    if (cy) { cy.destroy(); cy = null; }
    el.classList.remove("empty");
    el.textContent = "";
    if (net.nodes.length < 2) {
      el.classList.add("empty"); el.textContent = "—";
      el.setAttribute("data-overlaps", "0");
      el.setAttribute("data-nodes", String(net.nodes.length));
      return;
    }
    var w = el.clientWidth || 800, h = el.clientHeight || 500, start = seed(net.nodes, w, h);
    cy = cytoscape({
      container: el, elements: elements, minZoom: 0.2, maxZoom: 3, wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: { "background-color": "data(color)", "width": "data(size)",
          "height": "data(size)", "label": "data(label)", "font-size": "data(font)", "font-family": font,
          "color": "#1d2733", "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3,
          "text-wrap": "ellipsis", "text-max-width": 130, "text-outline-color": "#fff",
          "text-outline-width": 2.5, "min-zoomed-font-size": 0 } },
        { selector: "node[ego = 1]", style: { "border-width": 3, "border-color": "#1d2733", "font-weight": "bold",
          "text-max-width": 260 } },
        { selector: "edge", style: { "width": "data(width)", "line-color": "#9aa7b5", "opacity": 0.25,
          "curve-style": "haystack" } },
        { selector: "edge[spoke = 1]", style: { "opacity": 0.55 } },
        { selector: "node.hover", style: { "z-index": 10 } },
        { selector: "edge.hover", style: { "line-color": "#0f5c8c", "opacity": 0.9 } }
      ],
      layout: { name: "preset", positions: function (n) { return start[n.id()]; } }
    });
    cy.layout({ name: "cose", animate: false, randomize: false, fit: false, nodeDimensionsIncludeLabels: true,
                nodeRepulsion: function () { return 12000; }, idealEdgeLength: function (e) {
                  return e.data("spoke") ? 110 : 160; },
                edgeElasticity: function (e) { return e.data("spoke") ? 60 : 200; },
                gravity: 0.6, numIter: 1500, componentSpacing: 60 }).run();
    stretch(cy, w / h);
    var left = separate(cy);
    cy.fit(undefined, 18);
    el.setAttribute("data-overlaps", String(left));
    el.setAttribute("data-nodes", String(net.nodes.length));
    cy.on("mouseover", "node", function (evt) {
      evt.target.addClass("hover");
      evt.target.connectedEdges().addClass("hover");
      el.style.cursor = "pointer";
    });
    cy.on("mouseout", "node", function (evt) {
      evt.target.removeClass("hover");
      evt.target.connectedEdges().removeClass("hover");
      el.style.cursor = "";
    });
    cy.on("tap", "node", function (evt) {
      window.location.href = "/entity/" + encodeURIComponent(evt.target.id());
    });
  }

  function load() {
    var cap = sizeSelect ? parseInt(sizeSelect.value, 10) : 30;
    el.removeAttribute("data-nodes");
    var src = el.getAttribute("data-src");
    fetch(src + (src.indexOf("?") < 0 ? "?" : "&") + "size=" + encodeURIComponent(String(cap)),
          { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (net) { draw(net, cap); })
      .catch(function () { el.setAttribute("data-nodes", "error"); });
  }

  if (sizeSelect) { sizeSelect.addEventListener("change", load); }
  load();
}());

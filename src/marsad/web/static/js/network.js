/* marsad co-occurrence network (cytoscape): the entity, the entities named with it, and
   how often each pair shares an article. Labels are canvas text, never HTML. */
(function () {
  "use strict";
  var el = document.getElementById("network");
  if (!el || !window.cytoscape) { return; }
  var colors = {};
  try { colors = JSON.parse(el.getAttribute("data-colors") || "{}"); } catch (e) { colors = {}; }
  var lang = el.getAttribute("data-lang") || "ar";

  fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(function (net) {
      var top = 1;
      net.nodes.forEach(function (n) { if (!n.ego) { top = Math.max(top, n.weight); } });
      var elements = net.nodes.map(function (n) {
        var label = (lang === "en" && n.name_en) ? n.name_en : (n.name_ar || n.id);
        return { data: { id: n.id, label: label, color: colors[n.type] || "#555",
                         size: n.ego ? 46 : 16 + 26 * Math.sqrt(n.weight / top), ego: n.ego ? 1 : 0 } };
      });
      var wmax = 1;
      net.edges.forEach(function (e) { wmax = Math.max(wmax, e.weight); });
      net.edges.forEach(function (e, i) {
        elements.push({ data: { id: "e" + i, source: e.source, target: e.target,
                                width: 1 + 5 * e.weight / wmax } });
      });
      el.setAttribute("data-nodes", String(net.nodes.length));
      if (net.nodes.length < 2) { el.classList.add("empty"); el.textContent = "—"; return; }
      var cy = cytoscape({
        container: el, elements: elements, minZoom: 0.3, maxZoom: 3,
        style: [
          { selector: "node", style: { "background-color": "data(color)", "width": "data(size)",
            "height": "data(size)", "label": "data(label)", "font-size": 12, "color": "#222",
            "text-valign": "bottom", "text-margin-y": 4, "text-outline-color": "#fff",
            "text-outline-width": 2 } },
          { selector: "node[ego = 1]", style: { "border-width": 3, "border-color": "#222", "font-weight": "bold" } },
          { selector: "edge", style: { "width": "data(width)", "line-color": "#9aa7b5", "opacity": 0.7,
            "curve-style": "haystack" } }
        ],
        layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 90, randomize: false }
      });
      cy.on("tap", "node", function (evt) {
        var id = evt.target.id();
        window.location.href = "/entity/" + encodeURIComponent(id);
      });
    })
    .catch(function () { el.setAttribute("data-nodes", "error"); });
}());

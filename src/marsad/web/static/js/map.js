/* marsad maps: country shapes from world-atlas (no tile server), points from the API as
   GeoJSON (events, incidents or places), clustered and coloured by event type. Text from the data is only ever set with
   textContent, never as HTML. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }

  function parse(attr, fallback) {
    try { return JSON.parse(el.getAttribute(attr) || ""); } catch (e) { return fallback; }
  }
  var colors = parse("data-colors", {});
  var typeNames = parse("data-type-names", {});
  var kind = el.getAttribute("data-kind") || "events";

  var map = L.map(el, { worldCopyJump: true, minZoom: 2, maxZoom: 12, zoomSnap: 0.5,
                        attributionControl: false, maxBounds: [[-84, -720], [84, 720]],
                        maxBoundsViscosity: 1.0 }).setView([28, 38], 3);
  map.createPane("countries");
  map.getPane("countries").style.zIndex = 250;
  var countryRenderer = L.canvas({ pane: "countries", padding: 0.2 });

  fetch(el.getAttribute("data-atlas"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (topo) {
      var geo = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(geo, {
        pane: "countries", renderer: countryRenderer, interactive: false,
        style: { color: "#8796a8", weight: 0.6, fillColor: "#f3f1ea", fillOpacity: 1 }
      }).addTo(map);
      el.setAttribute("data-atlas-loaded", "1");
    })
    .catch(function () { el.setAttribute("data-atlas-loaded", "0"); });

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // a popup's box, headed by the type's name and the date (events and incidents alike)
  function popupBox(type, day) {
    var box = document.createElement("div");
    box.className = "popup";
    box.setAttribute("dir", "auto");
    var head = document.createElement("strong");
    head.textContent = (typeNames[type] || type) + (day ? " · " + day : "");
    box.appendChild(head);
    return box;
  }

  function eventPopup(p) {
    var box = popupBox(p.type, p.event_date);
    var what = document.createElement("div");
    what.setAttribute("lang", "ar");
    // the linked actors' canonical names where the coder gave them, else the text as written
    what.textContent = [p.source_name || p.source_text, p.trigger_text,
                        p.target_name || p.target_text].filter(Boolean).join(" ");
    box.appendChild(what);
    if (p.fatalities !== null && p.fatalities !== undefined) {
      var killed = document.createElement("div");
      killed.className = "killed";
      killed.textContent = (el.getAttribute("data-lang") === "en" ? "killed: " : "قتلى: ") + String(p.fatalities);
      box.appendChild(killed);
    }
    if (p.place_name) {
      var where = document.createElement("div");
      where.textContent = p.place_name;
      box.appendChild(where);
    }
    var a = link("/article/" + encodeURIComponent(p.doc_id) + "#ev-" + encodeURIComponent(p.idx), p.title || p.doc_id);
    a.setAttribute("lang", "ar");
    box.appendChild(a);
    return box;
  }

  // incidents: one marker per happening, its size the toll or the number of reports (the
  // selector #map-size-by switches), its place named beside it once clusters split
  var labels = parse("data-labels", {});
  var sizeBy = el.getAttribute("data-size-by") || "fatalities";

  function incidentRadius(p) {
    var v = sizeBy === "reports" ? (p.n_articles || 1) : (p.fatalities || 0);
    return Math.min(24, (sizeBy === "reports" ? 3 : 5) + 3 * Math.sqrt(v));
  }

  // an incident's place in the page's language: Arabic on Arabic pages (place_ar), else the
  // English name the knowledge base gives (place), else the region
  function placeOf(p) {
    var ar = el.getAttribute("data-lang") === "ar" ? p.place_ar : null;
    return ar || p.place || p.place_ar || p.admin1;
  }

  function incidentPopup(p) {
    var box = popupBox(p.type, p.date);
    var where = document.createElement("div");
    where.textContent = [placeOf(p), p.country].filter(Boolean).join(" · ");
    box.appendChild(where);
    var who = [p.actor1, p.actor2].filter(Boolean).join(" · ");
    if (who) {
      var actors = document.createElement("div");
      actors.textContent = who;
      box.appendChild(actors);
    }
    var counts = document.createElement("div");
    counts.textContent = (p.fatalities !== null && p.fatalities !== undefined ? (labels.killed || "killed") + ": " + p.fatalities + " · " : "") +
      (labels.articles || "articles") + ": " + p.n_articles + " · " + (labels.sources || "outlets") + ": " + p.n_sources;
    box.appendChild(counts);
    box.appendChild(link("/incidents/" + encodeURIComponent(p.id), (labels.open || "incident") + " →"));
    return box;
  }

  function placeLabel(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function placePopup(p) {
    var box = document.createElement("div");
    box.className = "popup";
    box.setAttribute("dir", "auto");
    var label = p.name + (p.name_en && p.name_en !== p.name ? " · " + p.name_en : "");
    box.appendChild(p.id ? link("/entity/" + encodeURIComponent(p.id), label) : document.createTextNode(label));
    if (p.n) { box.appendChild(document.createTextNode(" (" + p.n + ")")); }
    return box;
  }

  // an incident's own page (data-kind="incident"): its point and the points its reports give,
  // from data-features (GeoJSON written into the page: no request, nothing inline to run);
  // a handful of points, so no clusters
  function reportPopup(p) {
    var box = document.createElement("div");
    box.className = "popup";
    box.setAttribute("dir", "auto");
    var head = document.createElement("strong");
    head.textContent = [p.source, p.published].filter(Boolean).join(" · ") || (labels.report || "report");
    box.appendChild(head);
    if (p.place) {
      var where = document.createElement("div");
      where.textContent = p.place;
      box.appendChild(where);
    }
    var a = link("/article/" + encodeURIComponent(p.doc_id), p.title || p.doc_id);
    a.setAttribute("lang", "ar");
    box.appendChild(a);
    return box;
  }

  function incidentPointPopup(p) {
    var box = popupBox(p.type, p.date);
    if (p.place) {
      var where = document.createElement("div");
      where.textContent = p.place;
      box.appendChild(where);
    }
    if (p.fatalities !== null && p.fatalities !== undefined) {
      var killed = document.createElement("div");
      killed.className = "killed";
      killed.textContent = (labels.killed || "killed") + ": " + String(p.fatalities);
      box.appendChild(killed);
    }
    return box;
  }

  function drawIncident() {
    var fc = parse("data-features", { features: [] });
    var latlngs = [];
    var feats = (fc.features || []).filter(function (f) { return f.geometry && f.geometry.coordinates; });
    // the incident first, its reports' small dots drawn over it: reports that give the
    // incident's own place stay visible in its middle
    feats.sort(function (a, b) {
      return ((a.properties || {}).role === "incident" ? 0 : 1) - ((b.properties || {}).role === "incident" ? 0 : 1);
    });
    feats.forEach(function (f) {
      var p = f.properties || {};
      var c = f.geometry.coordinates;
      var ll = L.latLng(c[1], c[0]);
      latlngs.push(ll);
      var color = colors[p.type] || "#555";
      if (p.role === "incident") {
        var m = L.circleMarker(ll, { radius: 12, color: "#fff", weight: 2, fillColor: color, fillOpacity: 0.75,
                                     className: "incident-marker" }).addTo(map);
        m.bindPopup(incidentPointPopup(p));
        if (p.place) {
          m.bindTooltip(placeLabel(p.place), { permanent: true, direction: "right", offset: [10, 0],
                                               className: "place-label" });
        }
      } else {
        L.circleMarker(ll, { radius: 4, color: "#333", weight: 1.5, fillColor: "#fff", fillOpacity: 0.95,
                             className: "report-marker" }).addTo(map).bindPopup(reportPopup(p));
      }
    });
    if (latlngs.length > 1) {
      map.fitBounds(L.latLngBounds(latlngs).pad(0.5), { maxZoom: 7 });
    } else if (latlngs.length) {
      map.setView(latlngs[0], 6);
    }
    el.setAttribute("data-points", String(latlngs.length));
  }

  if (kind === "incident") {
    drawIncident();
    return;
  }

  function dominant(markers) {
    var counts = {}, best = null, n = 0;
    markers.forEach(function (m) {
      var t = m.options.evType || "LOC";
      counts[t] = (counts[t] || 0) + 1;
      if (counts[t] > n) { n = counts[t]; best = t; }
    });
    return best;
  }

  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false, maxClusterRadius: 45,
    iconCreateFunction: function (c) {
      var markers = c.getAllChildMarkers();
      var inner = document.createElement("div");
      var span = document.createElement("span");
      span.textContent = String(c.getChildCount());
      inner.appendChild(span);
      var size = c.getChildCount() < 10 ? 34 : c.getChildCount() < 100 ? 40 : 48;
      return L.divIcon({ html: inner, className: "marker-cluster cluster-" + dominant(markers),
                         iconSize: L.point(size, size) });
    }
  });

  var markers = [];
  var sizeSelect = document.getElementById("map-size-by");
  if (sizeSelect) {
    sizeSelect.addEventListener("change", function () {
      sizeBy = sizeSelect.value;
      el.setAttribute("data-size-by", sizeBy);
      markers.forEach(function (m) { m.setRadius(incidentRadius(m.incident)); });
      cluster.refreshClusters();
    });
  }

  fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(function (fc) {
      var latlngs = [];
      (fc.features || []).forEach(function (f) {
        var c = f.geometry && f.geometry.coordinates;
        if (!c) { return; }
        var p = f.properties || {};
        var ll = L.latLng(c[1], c[0]);
        latlngs.push(ll);
        var typed = kind === "events" || kind === "incidents";
        var color = typed ? (colors[p.type] || "#555") : "#b9770e";
        var m = L.circleMarker(ll, { radius: kind === "incidents" ? incidentRadius(p) : kind === "events" ? 7 : 6,
                                     color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 0.85,
                                     evType: typed ? p.type : "LOC" });
        m.bindPopup(kind === "events" ? eventPopup(p) : kind === "incidents" ? incidentPopup(p) : placePopup(p));
        if (kind === "incidents") {
          m.incident = p;
          if (placeOf(p)) {
            m.bindTooltip(placeLabel(placeOf(p)), { permanent: true, direction: "right",
                                                             offset: [6, 0], className: "place-label" });
          }
          markers.push(m);
        }
        cluster.addLayer(m);
      });
      map.addLayer(cluster);
      if (latlngs.length) {
        map.fitBounds(L.latLngBounds(latlngs).pad(0.3), { maxZoom: 6 });
      }
      el.setAttribute("data-points", String(latlngs.length));
      var count = document.getElementById("map-count");
      if (count) { count.textContent = String(latlngs.length) + (fc.truncated ? "+" : ""); }
    })
    .catch(function () { el.setAttribute("data-points", "error"); });

  var button = document.getElementById("use-map-view");
  if (button) {
    button.addEventListener("click", function () {
      var b = map.getBounds();
      function clampLon(x) { return Math.max(-180, Math.min(180, x)); }
      function clampLat(x) { return Math.max(-90, Math.min(90, x)); }
      var box = [clampLon(b.getWest()), clampLat(b.getSouth()), clampLon(b.getEast()), clampLat(b.getNorth())]
        .map(function (x) { return x.toFixed(3); }).join(",");
      document.getElementById("bbox").value = box;
      document.getElementById("event-filters").submit();
    });
  }
}());

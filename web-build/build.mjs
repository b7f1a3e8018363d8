// Copies the pinned npm packages' distribution files into the Python package, so that
// `pip install marsad` serves them with no npm and no network. Run: npm ci && npm run build
// (or `make web-vendor`). The output is committed.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, "node_modules");
const out = join(here, "..", "src", "marsad", "web", "static", "vendor");

// [package, file inside the package, destination inside vendor/]
const FILES = [
  ["leaflet", "dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet", "dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet", "LICENSE", "leaflet/LICENSE"],
  ["leaflet.markercluster", "dist/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"],
  ["leaflet.markercluster", "dist/MarkerCluster.css", "markercluster/MarkerCluster.css"],
  ["leaflet.markercluster", "dist/MarkerCluster.Default.css", "markercluster/MarkerCluster.Default.css"],
  ["leaflet.markercluster", "MIT-LICENCE.txt", "markercluster/LICENSE"],
  ["cytoscape", "dist/cytoscape.min.js", "cytoscape/cytoscape.min.js"],
  ["cytoscape", "LICENSE", "cytoscape/LICENSE"],
  ["topojson-client", "dist/topojson-client.min.js", "topojson/topojson-client.min.js"],
  ["topojson-client", "LICENSE", "topojson/LICENSE"],
  ["world-atlas", "countries-50m.json", "world-atlas/countries-50m.json"],
  ["world-atlas", "LICENSE", "world-atlas/LICENSE"],
  ["swagger-ui-dist", "swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist", "swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["swagger-ui-dist", "LICENSE", "swagger-ui/LICENSE"],
];

rmSync(out, { recursive: true, force: true });
const versions = {};
for (const [pkg, file, dest] of FILES) {
  const target = join(out, dest);
  mkdirSync(dirname(target), { recursive: true });
  let src = join(nm, pkg, file);
  if (file.endsWith(".js")) {
    // drop the sourceMappingURL comment: the .map files are not shipped
    const text = readFileSync(src, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
    writeFileSync(target, text);
  } else {
    copyFileSync(src, target);
  }
  versions[pkg] = JSON.parse(readFileSync(join(nm, pkg, "package.json"), "utf8")).version;
}
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendor files written to ${out}:`, versions);

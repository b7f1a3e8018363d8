/* Starts Swagger UI from the vendored bundle (kept out of the page so the CSP holds). */
(function () {
  "use strict";
  var el = document.getElementById("swagger-ui");
  if (!el || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: el.getAttribute("data-spec"), dom_id: "#swagger-ui",
                           deepLinking: true, validatorUrl: null, tryItOutEnabled: false });
}());

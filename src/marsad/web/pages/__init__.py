"""One module per page; the routes are listed in :mod:`marsad.web.routes`."""

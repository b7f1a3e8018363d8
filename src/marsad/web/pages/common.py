"""Small helpers the page modules share."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request

from marsad.store.base import Store
from marsad.web.state import ServerState


def state(request: Request) -> ServerState:
    return request.app.state.marsad


def reader(request: Request) -> Store:
    return state(request).reader()


def pager(total: int, page: int, size: int, *, max_pages: int = 500) -> dict[str, Any]:
    pages = max(1, min(max_pages, math.ceil(total / size))) if total else 1
    page = max(1, min(page, pages))
    return {"page": page, "pages": pages, "offset": (page - 1) * size, "size": size, "total": total}

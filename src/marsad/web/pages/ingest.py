"""The ingest page: paste an article or upload files. Off unless the server was started
with a write token; the form sends the token, and writes go through the one writer."""

from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.errors import InputError
from marsad.web.errors import HTTPError
from marsad.web.ingest import (
    MAX_FILES,
    check_token,
    document_from_fields,
    ingest_documents,
    ingest_files,
)
from marsad.web.pages.common import state
from marsad.web.render import page


def ingest_form(request: Request) -> HTMLResponse:
    st = state(request)
    return page(request, "ingest.html", title="", result=None, error=None,
                status=200 if st.writable else 403)


async def ingest_submit(request: Request) -> HTMLResponse:
    st = state(request)
    if not st.writable:
        raise HTTPError(403, "writing is off on this server", fix="start it with --write-token TOKEN")
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20)
    except StarletteHTTPException:
        raise  # e.g. 413 from the size limit
    except Exception as exc:  # noqa: BLE001  (any parser error means a malformed body)
        raise HTTPError(400, f"malformed form ({type(exc).__name__})") from None
    check_token(st, str(form.get("token") or ""))
    text = str(form.get("text") or "")
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    try:
        results = []
        if text.strip():
            doc = document_from_fields(text=text, source=str(form.get("source") or "") or None,
                                       url=str(form.get("url") or "") or None,
                                       published=str(form.get("published") or "") or None)
            results.append(await run_in_threadpool(ingest_documents, st, [doc]))
        if uploads:
            files = [(u.filename or "upload", await u.read()) for u in uploads]
            results.append(await run_in_threadpool(ingest_files, st, files))
        if not results:
            raise InputError("nothing to add", fix="paste an article or choose files")
    except InputError as exc:
        return page(request, "ingest.html", status=400, title="", result=None, error=str(exc))
    finally:
        await form.close()
    merged = {"new": sum(r.new for r in results), "known": sum(r.known for r in results),
              "failed": sum(r.failed for r in results),
              "errors": [e for r in results for e in r.errors], "ids": [i for r in results for i in r.ids]}
    return page(request, "ingest.html", title="", result=merged, error=None)

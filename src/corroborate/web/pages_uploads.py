"""Uploads and pasted links: the upload page, and the two API calls each of its rows makes.

Each file is its own request with a raw body (`PUT /api/uploads?name=...`), read chunk by chunk
with `request.stream()` straight into the archive's blob store. Not multipart: Starlette spools a
multipart file to a temporary file before the route sees it, which would be a second copy of a
multi-GB upload beside the blob store's own temporary.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from corroborate.errors import InputError
from corroborate.report import shapes
from corroborate.report.items import archive_link, upload
from corroborate.web.access import archive_of
from corroborate.web.site import Site, user_of

RAW_BODY = {
    "requestBody": {
        "required": True,
        "description": "The file's bytes as they are (not multipart), with its Content-Length.",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class Link(BaseModel):
    """A pasted link to fetch and archive."""

    url: str = Field(max_length=8192)
    source: str | None = Field(None, max_length=500)


def body_chunks(request: Request) -> Iterator[bytes]:
    """The request body chunk by chunk, for a library function running in a worker thread:
    each chunk is awaited on the request's event loop, so only one is held at a time."""
    if request.headers.get("content-type", "").startswith("multipart/"):
        raise InputError("send the file as the raw request body, not as multipart/form-data")
    stream = request.stream()

    async def next_chunk() -> bytes | None:
        try:
            return await stream.__anext__()
        except StopAsyncIteration:
            return None

    while (chunk := anyio.from_thread.run(next_chunk)) is not None:
        yield chunk


def declared_length(request: Request) -> int | None:
    """The Content-Length the client announced (None when absent or not a number)."""
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def register(site: Site) -> None:
    """The upload page, PUT /api/uploads and POST /api/links."""

    @site.route("GET", "/upload", "edit", response_class=HTMLResponse)
    def upload_page(request: Request) -> Response:
        return site.page(request, "upload.html", max_upload=request.app.state.max_upload)

    @site.route("PUT", "/api/uploads", "edit", openapi_extra=RAW_BODY)
    async def api_upload(
        request: Request,
        name: str = Query(..., min_length=1, max_length=4096, description="the file's name"),
        source: str | None = Query(None, max_length=500, description="where it was found"),
    ) -> dict[str, Any]:
        """Archive one file sent as the raw request body; says whether it is new and every
        piece of footage it shares with archived items, their time ranges and incidents."""
        done = await anyio.to_thread.run_sync(
            partial(
                upload,
                archive_of(request),
                body_chunks(request),
                name,
                actor=user_of(request),
                source=source or None,
                max_size=request.app.state.max_upload,
                declared_size=declared_length(request),
            )
        )
        return shapes.archived(done)

    @site.route("POST", "/api/links", "edit")
    def api_link(request: Request, body: Link) -> dict[str, Any]:
        """Fetch one pasted link under the server's fetch policy and archive what it holds."""
        done = archive_link(
            archive_of(request),
            body.url,
            actor=user_of(request),
            source=body.source or None,
            policy=request.app.state.fetch_policy,
        )
        return shapes.archived_link(body.url, done)

"""The archive: the grid of items, an item's page, its keyframes, and their API."""

from __future__ import annotations

from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response

from corroborate.archive import list_items
from corroborate.archive.views import keyframe_jpeg
from corroborate.core import KINDS
from corroborate.report import shapes
from corroborate.report.items import item_detail
from corroborate.web.access import archive_of
from corroborate.web.site import Site


def register(site: Site) -> None:
    """The grid, the item page, keyframes, /api/items and /api/items/{ref}."""

    # -- the archive ----------------------------------------------------------------------
    @site.route("GET", "/", "read", response_class=HTMLResponse)
    def archive_grid(request: Request, kind: str = Query("")) -> Response:
        items = list_items(archive_of(request), kind=kind or None)
        return site.page(request, "grid.html", items=items, kind=kind, kinds=KINDS)

    @site.route("GET", "/items/{ref}", "read", response_class=HTMLResponse)
    def item_page(request: Request, ref: str) -> Response:
        detail = item_detail(archive_of(request), ref, with_pdq=False)
        return site.page(
            request, "item.html", item=detail.item, custody=detail.custody, shared=detail.shared
        )

    @site.route("GET", "/items/{ref}/keyframes/{index}", "read", response_class=Response)
    def keyframe(request: Request, ref: str, index: int) -> Response:
        data = keyframe_jpeg(archive_of(request), ref, index)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private"})

    @site.route("GET", "/api/items", "read")
    def api_items(request: Request, kind: str | None = Query(None)) -> dict[str, Any]:
        """Every archived item, oldest first (as `corroborate items --json`)."""
        return shapes.items(list_items(archive_of(request), kind=kind))

    @site.route("GET", "/api/items/{ref}", "read")
    def api_item(request: Request, ref: str) -> dict[str, Any]:
        """One item, its custody entries and its footage (as `corroborate show --json`)."""
        detail = item_detail(archive_of(request), ref)
        return shapes.item_detail(detail.item, detail.custody, detail.footage, detail.pdq)

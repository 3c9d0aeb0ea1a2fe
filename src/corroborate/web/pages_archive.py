"""The archive: the grid of items with its filters, an item's page with its player, its
pictures (blurred when sensitive until revealed), reveal, mark sensitive, download, and the API.

Every picture and every byte of an original goes through `report.media`, which decides what a
session may be sent; these routes only parse and render.
"""

from __future__ import annotations

from typing import Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from corroborate.core import KINDS
from corroborate.report import shapes
from corroborate.report.items import (
    ItemListing,
    browse_items,
    item_detail,
    item_filter,
    set_item_sensitive,
)
from corroborate.report.media import (
    Picture,
    download_original,
    keyframe_picture,
    playable_original,
    reveal_media,
    thumbnail_picture,
)
from corroborate.web.access import archive_of
from corroborate.web.site import Site, holder_of_request, user_of
from corroborate.web.streaming import send_original


class SensitiveMark(BaseModel):
    """Mark an item sensitive (true) or unmark it (false)."""

    sensitive: bool


def _jpeg(picture: Picture) -> Response:
    """A picture; `X-Blurred` says which one was sent (a script cannot mistake one for the
    other), and nothing caches it beyond this browser (a reveal grant lapses)."""
    return Response(
        picture.jpeg,
        media_type="image/jpeg",
        headers={
            "Cache-Control": "private, no-store",
            "X-Blurred": "true" if picture.blurred else "false",
        },
    )


def _listing(
    request: Request,
    kind: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    dated: str | None,
    shares_footage: bool,
) -> ItemListing:
    chosen = item_filter(
        kind=kind,
        source=source,
        since=since,
        until=until,
        dated=dated,
        shares_footage=shares_footage,
    )
    return browse_items(
        archive_of(request), chosen, actor=user_of(request), holder=holder_of_request(request)
    )


def _back_to_item(ref: str) -> RedirectResponse:
    return RedirectResponse(f"/items/{ref}", status_code=303)


def register(site: Site) -> None:
    """The grid, the item page, pictures, player, reveal, marking, download and their API."""

    # -- the archive ----------------------------------------------------------------------
    @site.route("GET", "/", "read", response_class=HTMLResponse)
    def archive_grid(
        request: Request,
        kind: str = Query(""),
        source: str = Query(""),
        since: str = Query(""),
        until: str = Query(""),
        dated: str = Query("archived"),
        shares: str = Query(""),
    ) -> Response:
        listing = _listing(request, kind, source, since, until, dated, bool(shares))
        return site.page(
            request,
            "grid.html",
            items=listing.items,
            sensitive=listing.sensitive,
            blurred=listing.blurred,
            sources=listing.sources,
            kinds=KINDS,
            chosen={
                "kind": kind,
                "source": source,
                "since": since,
                "until": until,
                "dated": dated,
                "shares": bool(shares),
            },
        )

    @site.route("GET", "/items/{ref}", "read", response_class=HTMLResponse)
    def item_page(request: Request, ref: str) -> Response:
        detail = item_detail(
            archive_of(request), ref, with_pdq=False, holder=holder_of_request(request)
        )
        return site.page(
            request,
            "item.html",
            item=detail.item,
            custody=detail.custody,
            shared=detail.shared,
            sensitive=detail.sensitive,
            blurred=detail.blurred,
        )

    def keyframe(request: Request, ref: str, index: int) -> Response:
        """A video's keyframe (JPEG), blurred when sensitive and not revealed by this caller."""
        return _jpeg(
            keyframe_picture(
                archive_of(request),
                ref,
                index,
                actor=user_of(request),
                holder=holder_of_request(request),
            )
        )

    def thumbnail(request: Request, ref: str) -> Response:
        """The item's picture (JPEG), blurred when sensitive and not revealed by this caller."""
        return _jpeg(
            thumbnail_picture(
                archive_of(request), ref, actor=user_of(request), holder=holder_of_request(request)
            )
        )

    def original(request: Request, ref: str) -> Response:
        """A video's or recording's original, with Range requests; a sensitive one only after
        this caller revealed it (403 before)."""
        found = playable_original(
            archive_of(request), ref, actor=user_of(request), holder=holder_of_request(request)
        )
        return send_original(request, found, attachment=False)

    @site.route("POST", "/items/{ref}/reveal", "read", response_class=HTMLResponse)
    def reveal(request: Request, ref: str) -> Response:
        found = reveal_media(
            archive_of(request), ref, actor=user_of(request), holder=holder_of_request(request)
        )
        return _back_to_item(found.item.id)

    @site.route("POST", "/items/{ref}/sensitive", "edit", response_class=HTMLResponse)
    def mark_sensitive(request: Request, ref: str, sensitive: str = Form("on")) -> Response:
        found = set_item_sensitive(
            archive_of(request), ref, sensitive != "off", actor=user_of(request)
        )
        return _back_to_item(found.item.id)

    def download(request: Request, ref: str) -> Response:
        """The original file as an attachment (a sensitive one is logged as `media.download`)."""
        found = download_original(archive_of(request), ref, actor=user_of(request))
        return send_original(request, found, attachment=True)

    # -- JSON API -------------------------------------------------------------------------
    @site.route("GET", "/api/items", "read")
    def api_items(
        request: Request,
        kind: str | None = Query(None),
        source: str | None = Query(None),
        since: str | None = Query(None, description="first day, YYYY-MM-DD (UTC)"),
        until: str | None = Query(None, description="last day, YYYY-MM-DD (UTC)"),
        dated: str = Query("archived", description="archived (first archived) or published"),
        shares_footage: bool = Query(False),
    ) -> dict[str, Any]:
        """Archived items, oldest first, filtered (as `corroborate items --json`)."""
        listing = _listing(request, kind, source, since, until, dated, shares_footage)
        return shapes.items(listing.items, listing.sensitive)

    @site.route("GET", "/api/items/{ref}", "read")
    def api_item(request: Request, ref: str) -> dict[str, Any]:
        """One item, its custody entries and its footage (as `corroborate show --json`)."""
        detail = item_detail(archive_of(request), ref)
        return shapes.item_detail(
            detail.item, detail.custody, detail.footage, detail.pdq, detail.sensitive
        )

    @site.route("POST", "/api/items/{ref}/reveal", "read")
    def api_reveal(request: Request, ref: str) -> dict[str, Any]:
        """Choose to see a sensitive item (logged as `media.reveal`), for this token only."""
        found = reveal_media(
            archive_of(request), ref, actor=user_of(request), holder=holder_of_request(request)
        )
        return dict(shapes.to_json(found))

    @site.route("POST", "/api/items/{ref}/sensitive", "edit")
    def api_mark_sensitive(request: Request, ref: str, body: SensitiveMark) -> dict[str, Any]:
        """Mark or unmark an item sensitive (analysts and above; logged as `item.sensitive`)."""
        found = set_item_sensitive(archive_of(request), ref, body.sensitive, actor=user_of(request))
        return shapes.item_sensitive(found.item, found.sensitive)

    # the same pictures, player source and download for the pages and for API scripts
    for prefix in ("", "/api"):
        site.route(
            "GET", f"{prefix}/items/{{ref}}/keyframes/{{index}}", "read", response_class=Response
        )(keyframe)
        site.route("GET", f"{prefix}/items/{{ref}}/thumbnail", "read", response_class=Response)(
            thumbnail
        )
        site.route("GET", f"{prefix}/items/{{ref}}/original", "read", response_class=Response)(
            original
        )
        site.route("POST", f"{prefix}/items/{{ref}}/download", "read", response_class=Response)(
            download
        )

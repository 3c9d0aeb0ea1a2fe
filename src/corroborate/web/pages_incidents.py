"""Incidents: the list, the new and edit forms, an incident's page (evidence, sources, review,
history, its evidence package) and the same under /api/incidents, shaped as `incident --json`.

Every write calls one library function with the logged-in account, which checks the role and
the rules (four eyes, versions, fields); a route only reads the form and lays out the answer.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, StrictInt
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from corroborate import accounts
from corroborate import incidents as lib
from corroborate.core import (
    CREDIBILITY_GRADES,
    DATE_PRECISIONS,
    EVIDENCE_ROLES,
    INCIDENT_STATUSES,
    PLACE_PRECISIONS,
    RELIABILITY_GRADES,
    SOURCE_KINDS,
    VICTIM_CATEGORIES,
)
from corroborate.errors import StaleEditError
from corroborate.incidents.fields import FormEdit, form_input
from corroborate.report import build_package, shapes
from corroborate.report.history import describe
from corroborate.report.incidents import incident_form, incident_index, incident_page
from corroborate.storage.archive import Archive
from corroborate.web.access import archive_of
from corroborate.web.site import Site, user_of

PACKAGE_TYPE = "application/zip"
T = TypeVar("T")


# -- JSON bodies: the CLI's options, by the library's names --------------------------------
class IncidentBody(BaseModel):
    """An incident's fields, as `incident add` takes them; a field left out is not given."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    type: str | None = None
    date: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    date_precision: str | None = None
    place: str | None = None
    latitude: float | str | None = None
    longitude: float | str | None = None
    place_precision: str | None = None
    region: str | None = None
    geolocation_note: str | None = None
    perpetrator: str | None = None
    victim_party: str | None = None
    killed: StrictInt | str | None = None  # strict: `true` is not one victim
    injured: StrictInt | str | None = None
    victim_category: str | None = None
    description: str | None = None
    tags: str | list[str] | None = None
    sensitive: bool | None = None

    def input(self) -> lib.IncidentInput:
        fields = self.model_dump(exclude={"status", "note", "expected_version"})
        return lib.IncidentInput(**fields)


class IncidentChange(IncidentBody):
    """An edit (as `incident edit`): fields, a status, why, and the version it was based on."""

    status: str | None = None
    note: str | None = None
    expected_version: int | None = None


class EvidenceBody(BaseModel):
    """Evidence to link (as `incident link`): an item id or SHA-256 prefix, or FC-0001."""

    model_config = ConfigDict(extra="forbid")
    ref: str
    role: str = "primary"
    note: str | None = None


class CitationBody(BaseModel):
    """A citation (as `incident cite`)."""

    model_config = ConfigDict(extra="forbid")
    source: str
    credibility: StrictInt | str
    item: str | None = None
    note: str | None = None


class StatusBody(BaseModel):
    """A status to set (under-review asks for review), and the version it was based on."""

    model_config = ConfigDict(extra="forbid")
    status: str
    note: str | None = None
    expected_version: int | None = None


class ReviewBody(BaseModel):
    """A review decision (as `incident review --approve/--reject`)."""

    model_config = ConfigDict(extra="forbid")
    decision: str
    note: str | None = None


class SourceBody(BaseModel):
    """A source (as `source add`)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    kind: str
    reliability: str
    url: str | None = None
    note: str | None = None


class GradeBody(BaseModel):
    """A new reliability grade (as `source grade`)."""

    model_config = ConfigDict(extra="forbid")
    reliability: str
    note: str | None = None


# -- reading forms -------------------------------------------------------------------------
async def form_of(request: Request) -> dict[str, str]:
    """The submitted form's text fields (files and the CSRF token are not fields)."""
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf"}


def text(form: dict[str, str], key: str) -> str | None:
    """A form field, None when blank (a blank optional field was not given)."""
    value = form.get(key, "").strip()
    return value or None


def version_of(form: dict[str, str]) -> int | None:
    """The version a form was loaded at; a forged one is a version that does not exist."""
    value = form.get("version", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise lib.FieldError("version", f"version {value!r} is not a version number")
    return int(value)


def local(target: str | None, fallback: str) -> str:
    """Where a form goes back to: a path on this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


PACKAGE_FOLDER = ".web-package-"
# A package folder left this long is from a download cut off before its removal ran.
PACKAGE_LEFT_AFTER = 24 * 3600


def _sweep_packages(archive: Archive) -> None:
    """Remove the copies of downloads that were cut off (the removal runs after sending)."""
    now = time.time()
    for folder in archive.dir.glob(f"{PACKAGE_FOLDER}*"):
        try:
            old = now - folder.stat().st_mtime > PACKAGE_LEFT_AFTER
        except OSError:
            continue  # removed meanwhile by the download it belonged to
        if old:
            shutil.rmtree(folder, ignore_errors=True)


def package_response(archive: Archive, ref: str, user: accounts.User) -> Response:
    """The incident's evidence package, built by the library (which logs the export under the
    account) in a folder of its own inside the archive, streamed, then removed."""
    _sweep_packages(archive)
    folder = Path(tempfile.mkdtemp(prefix=PACKAGE_FOLDER, dir=archive.dir))
    try:
        summary = build_package(archive, ref, folder / "package.zip", actor=user)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        summary.path,
        media_type=PACKAGE_TYPE,
        filename=f"{summary.incident}-evidence-package.zip",
        headers={"X-Package-SHA256": summary.sha256},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def register(site: Site) -> None:
    """The incident pages and /api/incidents, /api/sources, /api/incident-types."""
    env = site.templates.env
    env.globals.setdefault("can", accounts.can)
    env.filters.setdefault("describe", describe)

    def choices() -> dict[str, Any]:
        return {
            "statuses": INCIDENT_STATUSES,
            "date_precisions": DATE_PRECISIONS,
            "place_precisions": PLACE_PRECISIONS,
            "victim_categories": VICTIM_CATEGORIES,
            "evidence_roles": EVIDENCE_ROLES,
            "source_kinds": SOURCE_KINDS,
            "reliabilities": RELIABILITY_GRADES,
            "credibilities": CREDIBILITY_GRADES,
        }

    def form_page(
        request: Request, status: int, ref: str | None, values: dict[str, str], error: str
    ) -> Response:
        """The new or edit form, with what was typed and why it was refused (if it was)."""
        form = incident_form(archive_of(request), ref)
        shown = values if error else form.values
        version = values.get("version") if error and ref else form.version
        return site.page(
            request,
            "incident_form.html",
            status,
            form=form,
            values=shown,
            version=version,
            error=error,
            **choices(),
        )

    async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A library call off the event loop (it reads and writes the database)."""
        return await run_in_threadpool(fn, *args, **kwargs)

    # -- pages ----------------------------------------------------------------------------
    @site.route("GET", "/incidents", "read", response_class=HTMLResponse)
    def incidents_page(
        request: Request, status: str = Query(""), type: str = Query("")
    ) -> Response:
        index = incident_index(archive_of(request), status=status or None, type=type or None)
        return site.page(
            request,
            "incidents.html",
            incidents=index.incidents,
            types=index.types,
            status=status,
            type=type,
            **choices(),
        )

    @site.route("GET", "/incidents/new", "edit", response_class=HTMLResponse)
    def new_incident_page(request: Request) -> Response:
        return form_page(request, 200, None, {}, "")

    @site.route("POST", "/incidents", "edit", response_class=HTMLResponse)
    async def create_incident(request: Request) -> Response:
        values = await form_of(request)
        try:
            inc = await call(
                lib.create_incident,
                archive_of(request),
                form_input(values),
                actor=user_of(request),
            )
        except lib.FieldError as exc:  # the form again, as typed, naming the field
            return await call(form_page, request, 422, None, values, str(exc))
        return back(f"/incidents/{inc.id}")

    @site.route("GET", "/incidents/{ref}", "read", response_class=HTMLResponse)
    def incident_view(request: Request, ref: str) -> Response:
        shown = incident_page(archive_of(request), ref)
        return site.page(request, "incident.html", page=shown, inc=shown.incident, **choices())

    @site.route("GET", "/incidents/{ref}/edit", "edit", response_class=HTMLResponse)
    def edit_incident_page(request: Request, ref: str) -> Response:
        return form_page(request, 200, ref, {}, "")

    @site.route("POST", "/incidents/{ref}/edit", "edit", response_class=HTMLResponse)
    async def edit_incident(request: Request, ref: str) -> Response:
        values = await form_of(request)
        try:
            inc = await call(
                lib.edit_incident,
                archive_of(request),
                ref,
                FormEdit(values),
                actor=user_of(request),
                note=text(values, "note"),
                expected_version=version_of(values),
            )
        except lib.FieldError as exc:
            return await call(form_page, request, 422, ref, values, str(exc))
        except StaleEditError as exc:  # the reason, and the way to the version saved since
            return site.page(
                request,
                "error.html",
                409,
                code="stale_edit",
                message=str(exc),
                status=409,
                then=(f"/incidents/{ref}/edit", "Open the current version to make your change"),
            )
        return back(f"/incidents/{inc.id}")

    @site.route("POST", "/incidents/{ref}/evidence", "edit", response_class=HTMLResponse)
    async def link_evidence(request: Request, ref: str) -> Response:
        values = await form_of(request)
        ev = await call(
            lib.link_evidence,
            archive_of(request),
            ref,
            values.get("ref", ""),
            role=values.get("role") or "primary",
            actor=user_of(request),
            note=text(values, "note"),
        )
        return back(f"/incidents/{ev.incident_id}#evidence")

    @site.route("POST", "/incidents/{ref}/citations", "edit", response_class=HTMLResponse)
    async def cite_source(request: Request, ref: str) -> Response:
        values = await form_of(request)
        cit = await call(
            lib.cite_source,
            archive_of(request),
            ref,
            values.get("source", ""),
            credibility=values.get("credibility", ""),
            actor=user_of(request),
            item=text(values, "item"),
            note=text(values, "note"),
        )
        return back(f"/incidents/{cit.incident_id}#sources")

    @site.route("POST", "/incidents/{ref}/status", "edit", response_class=HTMLResponse)
    async def set_status(request: Request, ref: str) -> Response:
        values = await form_of(request)
        inc = await call(
            lib.set_status,
            archive_of(request),
            ref,
            values.get("status", ""),
            actor=user_of(request),
            note=text(values, "note"),
            expected_version=version_of(values),
        )
        return back(f"/incidents/{inc.id}")

    @site.route("POST", "/incidents/{ref}/review", "review", response_class=HTMLResponse)
    async def review(request: Request, ref: str) -> Response:
        values = await form_of(request)
        done = await call(
            lib.review_incident,
            archive_of(request),
            ref,
            decision=values.get("decision", ""),
            actor=user_of(request),
            note=text(values, "note"),
        )
        return back(f"/incidents/{done.incident_id}")

    @site.route("POST", "/incidents/{ref}/package", "read", response_class=FileResponse)
    def download_package(request: Request, ref: str) -> Response:
        return package_response(archive_of(request), ref, user_of(request))

    @site.route("POST", "/sources", "edit", response_class=HTMLResponse)
    async def add_source(request: Request) -> Response:
        values = await form_of(request)
        await call(
            lib.add_source,
            archive_of(request),
            values.get("name", ""),
            kind=values.get("kind", ""),
            reliability=values.get("reliability", ""),
            actor=user_of(request),
            url=text(values, "url"),
            note=text(values, "note"),
        )
        return back(local(values.get("next"), "/incidents"))

    @site.route("POST", "/sources/{ref}/grade", "edit", response_class=HTMLResponse)
    async def grade_source(request: Request, ref: str) -> Response:
        values = await form_of(request)
        await call(
            lib.grade_source,
            archive_of(request),
            ref,
            values.get("reliability", ""),
            actor=user_of(request),
            note=text(values, "note"),
        )
        return back(local(values.get("next"), "/incidents"))

    # -- JSON API: the documents `incident ... --json` prints ------------------------------
    @site.route("GET", "/api/incidents", "read")
    def api_incidents(
        request: Request, status: str | None = Query(None), type: str | None = Query(None)
    ) -> Any:
        """Incidents, oldest first (as `corroborate incident list --json`)."""
        return shapes.to_json(
            incident_index(archive_of(request), status=status, type=type).incidents
        )

    @site.route("POST", "/api/incidents", "edit", status_code=201)
    def api_create(request: Request, body: IncidentBody) -> Any:
        """Record a new incident (as `corroborate incident add --json`)."""
        inc = lib.create_incident(archive_of(request), body.input(), actor=user_of(request))
        return shapes.to_json(inc)

    @site.route("GET", "/api/incidents/{ref}", "read")
    def api_incident(request: Request, ref: str) -> Any:
        """One incident with its evidence and citations (as `corroborate incident show --json`)."""
        return shapes.to_json(lib.get_incident(archive_of(request), ref))

    @site.route("PATCH", "/api/incidents/{ref}", "edit")
    def api_edit(request: Request, ref: str, body: IncidentChange) -> Any:
        """Change an incident (as `incident edit --json`); with `expected_version`, a save over
        a newer version is refused with 409 naming who changed what."""
        inc = lib.edit_incident(
            archive_of(request),
            ref,
            body.input(),
            actor=user_of(request),
            note=body.note,
            status=body.status,
            expected_version=body.expected_version,
        )
        return shapes.to_json(inc)

    @site.route("GET", "/api/incidents/{ref}/history", "read")
    def api_history(request: Request, ref: str) -> Any:
        """Every custody entry about the incident (as `corroborate incident history --json`)."""
        return shapes.to_json(lib.history(archive_of(request), ref))

    @site.route("POST", "/api/incidents/{ref}/evidence", "edit", status_code=201)
    def api_link(request: Request, ref: str, body: EvidenceBody) -> Any:
        """Link an item or a footage cluster (as `corroborate incident link --json`)."""
        ev = lib.link_evidence(
            archive_of(request),
            ref,
            body.ref,
            role=body.role,
            actor=user_of(request),
            note=body.note,
        )
        return shapes.to_json(ev)

    @site.route("POST", "/api/incidents/{ref}/citations", "edit", status_code=201)
    def api_cite(request: Request, ref: str, body: CitationBody) -> Any:
        """Cite a source (as `corroborate incident cite --json`)."""
        cit = lib.cite_source(
            archive_of(request),
            ref,
            body.source,
            credibility=body.credibility,
            actor=user_of(request),
            item=body.item,
            note=body.note,
        )
        return shapes.to_json(cit)

    @site.route("POST", "/api/incidents/{ref}/status", "edit")
    def api_status(request: Request, ref: str, body: StatusBody) -> Any:
        """Set a status; `under-review` submits it for review (as `incident edit --status`)."""
        inc = lib.set_status(
            archive_of(request),
            ref,
            body.status,
            actor=user_of(request),
            note=body.note,
            expected_version=body.expected_version,
        )
        return shapes.to_json(inc)

    @site.route("POST", "/api/incidents/{ref}/review", "review", status_code=201)
    def api_review(request: Request, ref: str, body: ReviewBody) -> Any:
        """Approve or reject (as `corroborate incident review --json`): four eyes applies."""
        done = lib.review_incident(
            archive_of(request),
            ref,
            decision=body.decision,
            actor=user_of(request),
            note=body.note,
        )
        return shapes.to_json(done)

    @site.route("POST", "/api/incidents/{ref}/package", "read", response_class=FileResponse)
    def api_package(request: Request, ref: str) -> Response:
        """The incident's evidence package as a zip (as `corroborate export package`)."""
        return package_response(archive_of(request), ref, user_of(request))

    @site.route("GET", "/api/sources", "read")
    def api_sources(request: Request) -> Any:
        """Sources and their grades (as `corroborate source list --json`)."""
        return shapes.to_json(lib.list_sources(archive_of(request)))

    @site.route("POST", "/api/sources", "edit", status_code=201)
    def api_add_source(request: Request, body: SourceBody) -> Any:
        """Register a source (as `corroborate source add --json`)."""
        src = lib.add_source(
            archive_of(request),
            body.name,
            kind=body.kind,
            reliability=body.reliability,
            actor=user_of(request),
            url=body.url,
            note=body.note,
        )
        return shapes.to_json(src)

    @site.route("POST", "/api/sources/{ref}/grade", "edit")
    def api_grade(request: Request, ref: str, body: GradeBody) -> Any:
        """Re-grade a source (as `corroborate source grade --json`)."""
        src = lib.grade_source(
            archive_of(request), ref, body.reliability, actor=user_of(request), note=body.note
        )
        return shapes.to_json(src)

    @site.route("GET", "/api/incident-types", "read")
    def api_types(request: Request) -> Any:
        """The incident taxonomy (as `corroborate incident types --json`)."""
        return shapes.to_json(list(lib.load_taxonomy(archive_of(request).dir).values()))

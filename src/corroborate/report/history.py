"""One line saying what a custody entry did, for an incident's history wherever it is read
(the CLI's `incident history`, the HTML report, the workspace's incident page)."""

from __future__ import annotations

from corroborate.core import CustodyEntry

# Details too long or too internal to read in one line (the full record is in the entry).
_LEFT_OUT = ("incident", "record", "files", "merged_record", "item_sha256", "cluster_items")


def describe(entry: CustodyEntry) -> str:
    """What changed, in a few words: "title: Old → New", "evidence ITEM", "draft → submitted"."""
    d = entry.details
    if "changes" in d:
        return "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in d["changes"].items())
    if entry.action == "incident.link":
        return f"{d.get('role')} {d.get('item') or 'cluster ' + str(d.get('cluster'))}"
    if entry.action == "incident.cite":
        return f"{d.get('source_name')} graded {d.get('grade')}"
    if "status" in d and isinstance(d["status"], list | tuple) and len(d["status"]) == 2:
        note = f" ({d['note']})" if d.get("note") else ""
        return f"{d['status'][0]} → {d['status'][1]}{note}"
    if entry.action == "incident.create":
        return str(d.get("record", {}).get("title", ""))
    if entry.action == "incident.merge":
        return f"merged {d.get('merged')} into {d.get('kept')}"
    if entry.action == "export.package":
        return f"{d.get('package')} ({len(d.get('files', {}))} files)"
    return ", ".join(f"{k}={v}" for k, v in d.items() if k not in _LEFT_OUT and v is not None)

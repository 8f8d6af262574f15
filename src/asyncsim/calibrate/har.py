"""Read a HAR 1.2 file (Chrome or Firefox) into the requests of one page view, with the
order between them inferred.

Each request becomes a *resource* of the page: its latency is ``wait + receive`` (the
server's time to first byte plus the download; ``blocked``, ``dns``, ``connect``,
``ssl`` and ``send`` are the browser's and the network's, and -1 means "did not apply").

Dependencies (a resource's ``after``), in this order:

1. **Initiator** (Chrome's ``_initiator``): ``parser`` names the document or stylesheet
   whose text referenced the URL; ``script`` has a stack whose frames name the script
   that issued the request. The request needs that resource: its URL was in it, or its
   code ran from it.
2. **Timing** (every browser): a request that starts within ``gap`` (default 20 ms) after
   another one ended is taken to have waited for it: the code awaited that response.
   Of several, the one that ended last.
3. **Await chains**: when a data request (fetch/XHR) waited, by timing, for another data
   request that had itself waited for a data request, the two are taken to be links of a
   chain of ``await``s in one function (``await a(); await b()``), not a data dependency:
   the later one gets the earlier one's dependencies. The first data request after
   another data response keeps its dependency (``config`` then what config says to load).
   A HAR cannot tell an await chain from a real data dependency; the generated YAML says
   which was assumed where, so the user can correct it.
4. **The document**: a request with none of the above that started after a document
   arrived comes after that document (a page's requests follow its HTML).

What the HAR does not give is left as a comment: Suspense boundaries (which part of the
UI shows which data), and whether two requests' keys vary per page or per user.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from asyncsim.calibrate.errors import CalibrationError

DATA_TYPES = {"fetch", "xhr"}
_MIME_TYPES = (("html", "document"), ("javascript", "script"), ("ecmascript", "script"),
               ("css", "stylesheet"), ("json", "fetch"), ("image/", "image"),
               ("font", "font"), ("xml", "xhr"))


@dataclass
class Request:
    """One HAR entry as a resource of the page view (times in seconds from page start)."""

    index: int
    url: str
    kind: str
    start: float
    end: float
    latency: float
    """wait + receive."""
    overhead: float
    """blocked + dns + connect + send (connect includes ssl): recorded, not modelled."""
    initiator: str | None
    """The URL the initiator names (its script or referencing document), if any."""
    name: str = ""
    after: list[int] = field(default_factory=list)
    why: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.netloc}{parts.path}"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def is_data(self) -> bool:
        return self.kind in DATA_TYPES


@dataclass
class PageRecording:
    """The page view the HAR recorded: its requests, in start order, with dependencies."""

    file: str
    title: str
    browser: str
    on_load: float | None
    requests: list[Request]

    @property
    def finish(self) -> float:
        """When the last response ended."""
        return max(r.end for r in self.requests)


def read_har(path: Path, gap_s: float = 0.020) -> PageRecording:
    """The first page of a HAR file with its requests' dependencies inferred."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise CalibrationError(f"cannot read the file: {err}", source) from None
    if not text.strip():
        raise CalibrationError("the file is empty", source)
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as err:
        raise CalibrationError(f"malformed JSON: {err.msg}", source, line=err.lineno,
                               column=err.colno) from None
    recording = parse_har(tree, source)
    infer_dependencies(recording.requests, gap_s)
    return recording


def _get(value: Any, key: str, what: str, source: str, record: int | None = None) -> Any:
    if not isinstance(value, dict) or key not in value:
        raise CalibrationError(f"not a HAR file: {what} has no {key!r}", source, record=record)
    return value[key]


def parse_har(tree: Any, source: str) -> PageRecording:
    log = _get(tree, "log", "the top level", source)
    entries = _get(log, "entries", "log", source)
    if not isinstance(entries, list) or not entries:
        raise CalibrationError("the HAR has no entries (no requests were recorded)", source)
    creator = log.get("creator", {}) if isinstance(log.get("creator"), dict) else {}
    browser = str(creator.get("name", "unknown"))
    browser = {"WebInspector": "Chrome"}.get(browser, browser)  # Chrome's DevTools name
    pages = log.get("pages") or []
    page = pages[0] if pages and isinstance(pages[0], dict) else {}
    numbered = [(i, e) for i, e in enumerate(entries)
                if page.get("id") is None or not isinstance(e, dict)
                or e.get("pageref") in (None, page["id"])]
    starts = {i: _time(_get(e, "startedDateTime", f"entry {i}", source, i), source, i)
              for i, e in numbered}
    origin = _time(page["startedDateTime"], source, None) if "startedDateTime" in page \
        else min(starts.values())
    requests = [_request(i, e, starts[i] - origin, source) for i, e in numbered]
    requests.sort(key=lambda r: (r.start, r.index))
    _name(requests)
    on_load = (page.get("pageTimings") or {}).get("onLoad")
    return PageRecording(source, str(page.get("title") or requests[0].url), browser,
                         on_load / 1000 if isinstance(on_load, int | float) and on_load >= 0
                         else None, requests)


def _time(value: Any, source: str, record: int | None) -> float:
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        raise CalibrationError(f"startedDateTime {value!r} is not an ISO 8601 time", source,
                               record=record) from None


def _ms(timings: dict[str, Any], key: str) -> float:
    value = timings.get(key, -1)
    return float(value) / 1000 if isinstance(value, int | float) and value > 0 else 0.0


def _request(index: int, entry: dict[str, Any], start: float, source: str) -> Request:
    timings = entry.get("timings")
    if not isinstance(timings, dict) or not isinstance(timings.get("wait"), int | float) \
            or timings["wait"] < 0:
        raise CalibrationError("the entry has no timings (timings.wait, in ms): export the "
                               "HAR from the browser's network panel, which records them",
                               source, record=index)
    url = str(_get(_get(entry, "request", f"entry {index}", source, index), "url",
                   f"entry {index}'s request", source, index))
    total = entry.get("time")
    latency = _ms(timings, "wait") + _ms(timings, "receive")
    overhead = sum(_ms(timings, k) for k in ("blocked", "dns", "connect", "send"))
    duration = float(total) / 1000 if isinstance(total, int | float) and total >= 0 \
        else latency + overhead
    return Request(index, url, _kind(entry), start, start + duration, latency, overhead,
                   _initiator_url(entry.get("_initiator")))


def _kind(entry: dict[str, Any]) -> str:
    declared = entry.get("_resourceType")
    if isinstance(declared, str) and declared:
        return declared.lower()
    cause = entry.get("_cause") or entry.get("cause")
    if isinstance(cause, dict) and cause.get("type") in DATA_TYPES:
        return str(cause["type"])
    content = (entry.get("response") or {}).get("content") or {}
    mime = str(content.get("mimeType", "")).lower()
    return next((kind for marker, kind in _MIME_TYPES if marker in mime), "other")


def _initiator_url(initiator: Any) -> str | None:
    """The URL an initiator names: the referencing document, or the innermost script."""
    if not isinstance(initiator, dict):
        return None
    if initiator.get("type") == "parser" and initiator.get("url"):
        return str(initiator["url"])
    stack = initiator.get("stack")
    while isinstance(stack, dict):
        for frame in stack.get("callFrames") or []:
            if isinstance(frame, dict) and frame.get("url"):
                return str(frame["url"])
        stack = stack.get("parent")
    return str(initiator["url"]) if initiator.get("url") else None


def _name(requests: list[Request]) -> None:
    """Short unique names from the URL path: ``/api/v2/orders?x=1`` -> ``orders``."""
    used: dict[str, int] = {}
    for r in requests:
        path = urlsplit(r.url).path.rstrip("/")
        stem = path.rsplit("/", 1)[-1].split(".")[0] if path else ""
        base = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or (
            "document" if r.kind == "document" else r.kind)
        used[base] = used.get(base, 0) + 1
        r.name = base if used[base] == 1 else f"{base}-{used[base]}"


def infer_dependencies(requests: list[Request], gap_s: float) -> None:
    """Fill each request's ``after`` and ``why`` (see the module doc for the rules)."""
    by_url: dict[str, Request] = {}
    timed_after_data: set[int] = set()
    """Requests placed, by timing, after a data request."""
    for position, r in enumerate(requests):
        earlier = requests[:position]
        parents: list[Request] = []
        source = by_url.get(r.initiator) if r.initiator else None
        if source is not None and source.end <= r.start + 1e-9:
            parents.append(source)
            how = ("it referenced the URL" if source.kind in ("document", "stylesheet")
                   else "its code issued the request")
            r.why.append(f"after {source.name}: the initiator ({how})")
        waited = [p for p in earlier if -1e-9 <= r.start - p.end <= gap_s]
        if waited:
            p = max(waited, key=lambda q: (q.end, q.start))
            gap_ms = (r.start - p.end) * 1e3
            if p.is_data and r.is_data and p.index in timed_after_data:
                inherited = [q for q in requests if q.index in p.after]
                parents.extend(inherited)
                r.why.append(f"not after {p.name}, though it started {gap_ms:.0f} ms after "
                             f"{p.name} ended: assumed an await chain, not a data dependency "
                             f"(so it waits for what {p.name} waits for: "
                             f"{', '.join(q.name for q in inherited) or 'nothing'}); if its "
                             f"request needs {p.name}'s result, add {p.name} to after")
                timed_after_data.add(r.index)
            elif p not in parents:
                parents.append(p)
                r.why.append(f"after {p.name}: started {gap_ms:.0f} ms after it ended")
                if p.is_data:
                    timed_after_data.add(r.index)
        if not parents:
            documents = [p for p in earlier if p.kind == "document" and p.end <= r.start]
            if documents:
                parents.append(documents[-1])
                r.why.append(f"after {documents[-1].name}: it started once the document "
                             "had arrived, and nothing else recorded explains when")
        r.after = [p.index for p in _reduce(parents, requests)]
        by_url.setdefault(r.url, r)


def _reduce(parents: list[Request], requests: list[Request]) -> list[Request]:
    """Drop a parent that another parent already waits for (transitively)."""
    index = {r.index: r for r in requests}

    def ancestors(r: Request) -> set[int]:
        seen: set[int] = set()
        stack = list(r.after)
        while stack:
            i = stack.pop()
            if i not in seen:
                seen.add(i)
                stack.extend(index[i].after)
        return seen

    unique = list({p.index: p for p in parents}.values())
    implied = set().union(*(ancestors(p) for p in unique)) if unique else set()
    return [p for p in unique if p.index not in implied]

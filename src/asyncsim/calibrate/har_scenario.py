"""A page recording -> a scenario (a plain dict, and the same as commented YAML).

```python
recording = read_har(Path("page.har"))
scenario = har_scenario(recording)       # .tree: dict for the loader; .yaml: the file
Path("page.yaml").write_text(scenario.yaml)
```
Backends: one per endpoint (origin and path; the default, so each resource keeps the
latency it had) or one per origin. A backend with one recorded latency gets it as a
constant; with a few, an empirical distribution of them; with 20 or more, the best fit.
Every backend gets enough workers that views never queue: the HAR recorded one view, so
it says nothing about capacity (set ``workers`` to study load).

Strategies, each changing one thing:

- ``as-recorded``: the page-load mode whose timeline, with the recorded latencies, comes
  closest to when the last response ended in the HAR (sequential when the recording was
  one request after another);
- ``all-parallel``: every resource as soon as its dependencies settled (``declared``);
- ``cached``: as recorded, behind a per-user browser cache (static files are the same for
  everyone, so a returning user's view skips them).

No prefetch strategy: in the scenario language ``prefetch`` belongs to ``navigation``
workloads (hover then click); a page-view workload cannot carry it. The YAML says so
and points at examples/prefetch.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from asyncsim.calibrate.families import duration
from asyncsim.calibrate.fit import fit_samples, flow
from asyncsim.calibrate.har import PageRecording, Request, read_har

Grouping = Literal["endpoint", "origin"]
STATIC_KINDS = {"document", "script", "stylesheet", "image", "font", "media"}
WORKERS = 100
FIT_FROM = 20
"""Samples from which a backend's latency is a fitted distribution rather than the list."""


@dataclass(frozen=True)
class GeneratedScenario:
    tree: dict[str, Any]
    yaml: str
    predicted_ttac: dict[str, float]
    """Each page-load mode's ttac with the recorded latencies (what as-recorded chose by)."""
    as_recorded_mode: str


def import_har(path: Path, group: Grouping = "endpoint", gap_s: float = 0.020,
               name: str | None = None) -> GeneratedScenario:
    """``asyncsim import har``: read the HAR, infer, and generate (raises CalibrationError)."""
    return har_scenario(read_har(path, gap_s), group, name)


def _modes(requests: Sequence[Request], latency: dict[int, float]) -> dict[str, float]:
    """ttac of one view in each mode, with constant latencies and no queueing."""
    finish: dict[int, float] = {}
    depth: dict[int, int] = {}
    for r in requests:  # start order: parents come first
        finish[r.index] = max((finish[p] for p in r.after), default=0.0) + latency[r.index]
        depth[r.index] = max((depth[p] + 1 for p in r.after), default=0)
    tiers = sum(max(latency[r.index] for r in requests if depth[r.index] == t)
                for t in range(max(depth.values()) + 1))
    return {"sequential": sum(latency.values()), "parallel": tiers,
            "declared": max(finish.values())}


def _latency_yaml(samples: list[float]) -> tuple[Any, str]:
    if len(set(samples)) == 1:
        return duration(samples[0]), f"recorded wait+receive {duration(samples[0])}"
    if len(samples) < FIT_FROM:
        return ({"empirical": {"samples": [duration(s) for s in samples]}},
                f"the {len(samples)} recorded wait+receive times")
    result = fit_samples(np.array(samples))
    return result.best.snippet, f"best fit to {len(samples)} wait+receive times"


def har_scenario(recording: PageRecording, group: Grouping = "endpoint",
                 name: str | None = None) -> GeneratedScenario:
    """The scenario of ``recording`` (see the module doc for each inference)."""
    requests = recording.requests
    backend_of = {r.index: _backend_key(r, group) for r in requests}
    keys = list(dict.fromkeys(backend_of.values()))
    names = _backend_names(keys, requests, backend_of)
    samples = {k: [r.latency for r in requests if backend_of[r.index] == k] for k in keys}
    mean_of = {k: float(np.mean(v)) for k, v in samples.items()}
    latency = {r.index: mean_of[backend_of[r.index]] for r in requests}
    predicted = _modes(requests, latency)
    finish = recording.finish
    mode = min(predicted, key=lambda m: (abs(predicted[m] - finish), m != "declared"))
    by_index = {r.index: r for r in requests}
    backends: dict[str, Any] = {}
    backend_notes: dict[str, str] = {}
    for k in keys:
        value, note = _latency_yaml(samples[k])
        backends[names[k]] = {"workers": WORKERS, "latency": value}
        backend_notes[names[k]] = f"{k}: {note}"
    resources: dict[str, Any] = {}
    for r in requests:
        item: dict[str, Any] = {"backend": names[backend_of[r.index]]}
        if r.after:
            item["after"] = [by_index[p].name for p in r.after]
        item["key"] = "global" if r.kind in STATIC_KINDS else "page"
        resources[r.name] = item
    title = name or _slug(recording.title.split("://")[-1])
    tree: dict[str, Any] = {
        "version": 1, "name": title,
        "description": f"{len(requests)} requests of {recording.title}, from a "
                       f"{recording.browser} HAR",
        "seed": 1, "duration": "2m",
        "backends": backends,
        "workload": {"users": 100, "arrivals": {"poisson": "1/s"},
                     "keys": {"count": 1000}, "pages": {"resources": resources}},
        "strategies": {
            "as-recorded": [{"page_load": mode}],
            "all-parallel": [{"page_load": "declared"}],
            "cached": [{"cache": {"scope": "client", "ttl": "5m"}}, {"page_load": mode}],
        },
    }
    text = _yaml(tree, recording, backend_notes, predicted, mode, group)
    return GeneratedScenario(tree, text, predicted, mode)


def _backend_key(r: Request, group: Grouping) -> str:
    return r.origin if group == "origin" else r.endpoint


def _backend_names(keys: list[str], requests: Sequence[Request],
                   backend_of: dict[int, str]) -> dict[str, str]:
    """An endpoint backend is named after its first resource; an origin after its host."""
    names: dict[str, str] = {}
    for k in keys:
        first = next(r for r in requests if backend_of[r.index] == k)
        base = first.name if k == first.endpoint else _slug(k.split("://")[-1])
        candidate, n = base, 1
        while candidate in names.values():
            n += 1
            candidate = f"{base}-{n}"
        names[k] = candidate
    return names


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)[:60] or "page"


def _yaml(tree: dict[str, Any], recording: PageRecording, backend_notes: dict[str, str],
          predicted: dict[str, float], mode: str, group: Grouping) -> str:
    finish = recording.finish
    on_load = (f"onLoad {duration(recording.on_load)}, " if recording.on_load is not None
               else "")
    overhead = sum(r.overhead for r in recording.requests)
    lines = [
        f"# {tree['description']}: {on_load}last response at {duration(finish)}.",
        "# Generated by asyncsim import har. Every inference is commented; check the ones",
        "# marked 'assumed'.",
        f"# Latency = wait + receive of each request; the browser's blocked/dns/connect/ssl/"
        f"send ({duration(overhead)} in all) is not modelled.",
        "version: 1",
        f"name: {tree['name']}",
        f"description: {tree['description']}",
        "seed: 1",
        "duration: 2m",
        "",
        f"backends:                 # one per {group}; {WORKERS} workers, so views never queue",
        "                          # (one recorded view says nothing about capacity)",
    ]
    for name, backend in tree["backends"].items():
        lines.append(f"  {name}: {flow(backend)}")
        lines.append(f"    # {backend_notes[name]}")
    lines += [
        "",
        "workload:",
        "  users: 100",
        "  arrivals: {poisson: 1/s}           # page views per second (not in the HAR: set yours)",
        "  keys: {count: 1000}                # pages viewed (not in the HAR)",
        "  pages:",
        "    # key: global for documents, scripts, styles, images and fonts (the same file for",
        "    # everyone); page for data requests (assumed to vary with the viewed page).",
        "    # Boundaries: a HAR does not say which part of the UI reads which data; add them,",
        "    # e.g. boundaries: {header: [user], feed: [posts]}, to measure ttfc per part.",
        "    resources:",
    ]
    for r in recording.requests:
        lines.append(f"      {r.name}: {flow(tree['workload']['pages']['resources'][r.name])}")
        lines.append(f"        # {r.kind} {r.url} at {duration(r.start)}-{duration(r.end)}")
        lines.extend(f"        # {why}" for why in r.why)
    lines += [
        "",
        "strategies:",
        f"  as-recorded:              # with the recorded latencies: sequential "
        f"{duration(predicted['sequential'])}, parallel {duration(predicted['parallel'])}, "
        f"declared {duration(predicted['declared'])}; {mode} is closest to the recorded "
        f"{duration(finish)}",
        f"    - page_load: {mode}",
        "  all-parallel:             # each resource as soon as what it comes after settled",
        "    - page_load: declared",
        "  cached:                   # as recorded, behind a browser cache (per user, 5 min)",
        "    - cache: {scope: client, ttl: 5m}",
        f"    - page_load: {mode}",
        "  # with prefetch: not expressible here. prefetch belongs to navigation workloads",
        "  # (hover, then click); see examples/prefetch.yaml to compare prefetch delays for",
        "  # the latency of this page's data.",
    ]
    return "\n".join(lines) + "\n"

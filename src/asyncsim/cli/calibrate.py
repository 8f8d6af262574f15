"""``asyncsim fit`` and ``asyncsim import har``: calibration from the user's data.

Registered on the app of :mod:`asyncsim.cli.app` when :mod:`asyncsim.cli` is imported. The
command modules are imported inside the commands: they load scipy, which every other
command would otherwise pay for at start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from asyncsim.cli.app import cli
from asyncsim.cli.errors import err, handle_errors, out


@cli.command(short_help="Fit latency distributions to samples, buckets or percentiles.")
@handle_errors
def fit(
    samples: Annotated[Path | None, typer.Argument(
        help="CSV or Parquet file of durations (with --column)", show_default=False)] = None,
    column: Annotated[str | None, typer.Option(
        "--column", "-c", help="the column of durations")] = None,
    unit: Annotated[str | None, typer.Option(
        help="unit of the durations (required with samples) or of the bucket bounds "
        "(default s, as Prometheus): s, ms, us, ns, min, h", show_default=False)] = None,
    where: Annotated[list[str] | None, typer.Option(
        "--where", metavar="<column=value>",
        help="keep records whose COLUMN=VALUE, e.g. --where strategy=baseline "
        "(repeatable; for a --raw requests.csv)")] = None,
    qq: Annotated[Path | None, typer.Option(
        "--qq", help="write a QQ plot of every candidate to this HTML file")] = None,
    buckets: Annotated[Path | None, typer.Option(
        "--buckets", help="CSV/Parquet of Prometheus buckets: upper bound and cumulative "
        "count")] = None,
    le: Annotated[str, typer.Option(help="bucket bound column")
                  ] = "le",
    count: Annotated[str, typer.Option(help="cumulative count column")] = "count",
    percentiles: Annotated[str | None, typer.Option(
        "--percentiles", help="p50=80ms,p90=200ms,p99=400ms")] = None,
    key: Annotated[str, typer.Option(help="the YAML key of the snippet")] = "latency",
) -> None:
    """Fit latency distributions to samples, buckets or percentiles; print the ranking and
    the best fit as scenario YAML.

    Candidates: lognormal, gamma, Pareto, a mixture of two lognormals, empirical; ranked by
    Kolmogorov-Smirnov distance, the simplest within the KS test's 5% margin wins.
    Bad input exits 104 with its file and line or record.
    """
    from asyncsim.commands.fit import run_fit  # scipy: loaded only for this command

    fitted = run_fit(samples, column, unit, where or [], buckets, le, count, percentiles, qq)
    sys.stdout.write(fitted.result.table() + "\n" + fitted.result.yaml(key))
    if fitted.qq is not None:
        err.print(f"[dim]wrote {fitted.qq}[/dim]", highlight=False)


import_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                         help="Generate a scenario from recorded data.")
cli.add_typer(import_app, name="import")


@import_app.command("har", short_help="Write a scenario from a browser HAR file.")
@handle_errors
def import_har(
    har: Annotated[Path, typer.Argument(help="a HAR 1.2 file (Chrome or Firefox export)",
                                        show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--out", "-o", help="scenario file to write ('-': stdout) [default: ./<har name>.yaml]"
        )] = None,
    group: Annotated[Literal["endpoint", "origin"], typer.Option(
        help="one backend per endpoint (origin and path) or per origin")] = "endpoint",
    gap: Annotated[float, typer.Option(
        "--gap-ms", min=0, help="a request starting this soon after another ended depends "
        "on it")] = 20.0,
    name: Annotated[str | None, typer.Option(help="the scenario's name")] = None,
) -> None:
    """Write a scenario from a browser HAR: backends with the recorded latencies, the page
    and its dependencies, and strategies to compare (as recorded, all parallel, cached)."""
    from asyncsim.commands.import_har import import_har_file  # scipy, as fit

    imported = import_har_file(har, output, group, gap / 1000, name)
    generated = imported.generated
    if imported.written is None:
        sys.stdout.write(generated.yaml)
        return
    predicted = ", ".join(f"{mode} {seconds * 1000:.0f}ms"
                          for mode, seconds in generated.predicted_ttac.items())
    out.print(f"wrote {imported.written}: {len(generated.tree['backends'])} backends, "
              f"{len(generated.tree['workload']['pages']['resources'])} resources; as-recorded "
              f"= page_load {generated.as_recorded_mode} (ttac with the recorded latencies: "
              f"{predicted})", highlight=False, soft_wrap=True)

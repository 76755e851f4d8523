"""The clinical record's commands: measure add/define/list, consent, alert ack/list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from hwcli.common import date_option, echo_json, fail, json_option, pass_app, session_option

if TYPE_CHECKING:
    from hwcore.application import HwApplication, MeasureSeries, RiskAlert


def _items(text: str | None) -> list[int]:
    if not text:
        return []
    values = []
    for part in text.split(","):
        part = part.strip()
        if not part.lstrip("-").isdigit():
            shown = part if len(part) <= 8 and part.isprintable() else "a value"
            fail(f"invalid item {shown!r}: allowed whole numbers separated by commas (e.g. 1,0,2)")
        values.append(int(part))
    return values


def _change(value: int | None) -> str:
    return "-" if value is None else f"{value:+d}"


def render_series(series: MeasureSeries) -> str:
    """One measure's line: its points and their change (for text output)."""
    points = ", ".join(
        f"s{p.session} {p.total}" + (f" ({p.severity})" if p.severity else "")
        for p in series.points
    )
    verdict = f"; {series.reliable_change}" if series.reliable_change else ""
    return (
        f"{series.name}: {points} | since first {_change(series.change_since_first)},"
        f" since previous {_change(series.change_since_previous)}{verdict}"
    )


def render_alert(alert: RiskAlert) -> str:
    """A risk alert's line: never hidden, says how to acknowledge it."""
    if alert.acknowledged:
        return f"risk alert acknowledged: PHQ-9 item 9 = {alert.value} at session {alert.session}"
    return (
        f"RISK ALERT: PHQ-9 item 9 = {alert.value} at session {alert.session}"
        f" (acknowledge with: hw alert ack CLIENT {alert.session} --note ...)"
    )


@click.group("measure")
def measure_group() -> None:
    """Outcome measures: PHQ-9, GAD-7 and the practice's own."""


@measure_group.command("add")
@click.argument("client")
@click.argument("instrument", metavar="phq9|gad7|NAME")
@click.option("--items", metavar="1,0,2,...", help="Item scores in order (PHQ-9: 9, GAD-7: 7).")
@click.option("--score", type=int, metavar="N", help="The score of a practice measure.")
@session_option
@date_option
@json_option
@pass_app
def measure_add(
    app: HwApplication,
    client: str,
    instrument: str,
    items: str | None,
    score: int | None,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record a measure for CLIENT (item by item for PHQ-9 and GAD-7)."""
    result = app.take_measure(
        client, instrument, items=_items(items), score=score, session=session, date=date
    )
    if as_json:
        echo_json(result)
        return
    band = f" ({result.severity})" if result.severity else ""
    click.echo(
        f"{result.client}: {result.series.name} {result.total}{band} at session {result.session}"
    )
    click.echo("  " + render_series(result.series))
    if result.alert is not None:
        click.echo(render_alert(result.alert).replace("CLIENT", result.client), err=True)


@measure_group.command("define")
@click.argument("name")
@click.option("--min", "minimum", type=int, required=True, help="The lowest score.")
@click.option("--max", "maximum", type=int, required=True, help="The highest score.")
@click.option("--better", required=True, metavar="high|low", help="Which direction is better.")
@click.option(
    "--reliable-change",
    type=float,
    metavar="POINTS",
    help="Smallest change that counts as reliable (Jacobson & Truax), if known.",
)
@json_option
@pass_app
def measure_define(
    app: HwApplication,
    name: str,
    minimum: int,
    maximum: int,
    better: str,
    reliable_change: float | None,
    as_json: bool,
) -> None:
    """Define the practice's own measure NAME (e.g. mood 0-10, higher is better)."""
    instrument = app.define_measure(name, minimum, maximum, better, reliable_change)
    if as_json:
        echo_json(instrument)
        return
    click.echo(
        f"measure {instrument.key}: {instrument.minimum}-{instrument.maximum},"
        f" {instrument.better.value} is better"
    )


@measure_group.command("list")
@click.argument("client", required=False)
@json_option
@pass_app
def measure_list(app: HwApplication, client: str | None, as_json: bool) -> None:
    """CLIENT's measures and their change; without CLIENT, the measures hw knows."""
    if client is None:
        instruments = app.instruments()
        if as_json:
            echo_json({"instruments": instruments})
            return
        for i in instruments:
            kind = f"{i.items} items" if i.items else "one score"
            click.echo(f"{i.key}: {i.name}, {kind}, {i.minimum}-{i.maximum}, {i.better.value}")
        return
    record = app.clinical_record(client)
    if as_json:
        echo_json(record)
        return
    if not record.measures:
        click.echo(f"{record.client}: no measures recorded")
    for series in record.measures:
        click.echo(render_series(series))
    for alert in record.alerts:
        click.echo(render_alert(alert).replace("CLIENT", record.client))


@click.command("consent")
@click.argument("client")
@click.option(
    "--channel",
    required=True,
    metavar="CHANNEL",
    help="sms, email, phone, app, messaging, calendar, paper or other.",
)
@click.option("--days", default="", metavar="mon,thu", help="The agreed days, if any.")
@click.option("--boundaries", required=True, help='What was agreed, e.g. "not for crisis support".')
@click.option("--privacy-risk", required=True, help="The privacy risk the client accepted.")
@click.option("--note", default="", help="Anything else.")
@session_option
@date_option
@json_option
@pass_app
def consent(
    app: HwApplication,
    client: str,
    channel: str,
    days: str,
    boundaries: str,
    privacy_risk: str,
    note: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Record CLIENT's consent for reminders or a digital channel."""
    recorded = app.record_consent(
        client,
        channel,
        boundaries=boundaries,
        privacy_risk=privacy_risk,
        days=days,
        note=note,
        session=session,
        date=date,
    )
    if as_json:
        echo_json({"client": client.strip(), "consent": recorded})
        return
    click.echo(f"{client.strip()}: consent for {recorded.channel} recorded")


@click.group("alert")
def alert_group() -> None:
    """Risk alerts (PHQ-9 item 9 above 0): list and acknowledge."""


@alert_group.command("list")
@click.argument("client")
@json_option
@pass_app
def alert_list(app: HwApplication, client: str, as_json: bool) -> None:
    """CLIENT's risk alerts, open and acknowledged."""
    record = app.clinical_record(client)
    if as_json:
        echo_json({"client": record.client, "alerts": record.alerts})
        return
    if not record.alerts:
        click.echo(f"{record.client}: no risk alerts")
    for alert in record.alerts:
        click.echo(render_alert(alert).replace("CLIENT", record.client))


@alert_group.command("ack")
@click.argument("client")
@click.argument("alert_session", type=int, metavar="SESSION")
@click.option("--note", required=True, help='What was done, e.g. "safety plan reviewed".')
@session_option
@date_option
@json_option
@pass_app
def alert_ack(
    app: HwApplication,
    client: str,
    alert_session: int,
    note: str,
    session: int | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Acknowledge CLIENT's risk alert raised at SESSION, saying what was done."""
    alert = app.acknowledge_alert(client, alert_session, note, session=session, date=date)
    if as_json:
        echo_json({"client": client.strip(), "alert": alert})
        return
    click.echo(f"{client.strip()}: risk alert of session {alert_session} acknowledged")

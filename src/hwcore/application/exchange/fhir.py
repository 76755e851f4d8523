"""hw's records as a FHIR R4 Bundle (spec section 7): plain JSON, no FHIR library.

One ``collection`` Bundle holds, per client:

- a ``Patient`` carrying only the client identifier (no name, no birth date);
- a ``CarePlan``: the current system (the planner's ``current_system``;
  ``draft`` with no system before the first review), its activities the tasks;
- one ``Task`` per assignment: ``status`` from the outcome (completed and
  partial: ``completed``, missed: ``failed``, pending: ``requested``), the
  outcome itself in ``businessStatus``, a partial's dose in ``output``;
- per measurement, a ``QuestionnaireResponse`` (items by their LOINC codes for
  PHQ-9 and GAD-7) and an ``Observation`` of the total derived from it.

Ids are UUIDs derived from the case id, so exporting twice gives the same ids
and references (``urn:uuid:`` full URLs, resolved inside the Bundle). The
tests check the output against the ``fhir.resources`` R4B models (R4B is R4
with technical corrections; these resources are the same). docs/interchange.md
lists the mapping.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hwcore.domain import Assignment, Case, Outcome
from hwcore.domain.measures import BUILTIN, MeasurePoint, MeasureSeries
from hwcore.planner import build_planner

CLIENT_SYSTEM = "urn:hw:client"
"""The identifier system of the Patient's one identifier (the client code)."""
ASSIGNMENT_SYSTEM = "urn:hw:assignment"
"""The identifier system of a Task: ``CLIENT/ASSIGNMENT-ID``."""
OUTCOME_SYSTEM = "urn:hw:outcome"
"""The code system of a Task's ``businessStatus``: completed, partial, missed, pending."""
CLINICIAN_SYSTEM = "urn:hw:clinician"
"""The identifier system of a Task's ``requester``: the clinician who recorded the assignment."""
MEASURE_SYSTEM = "urn:hw:measure"
"""The code system of a measure with no LOINC code (a measure defined in hw)."""
LOINC = "http://loinc.org"
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}

TASK_STATUS = {
    Outcome.COMPLETED: "completed",
    Outcome.PARTIAL: "completed",
    Outcome.MISSED: "failed",
    Outcome.PENDING: "requested",
}
"""Task.status for each outcome (the outcome itself is in ``businessStatus``)."""


def _id(case: Case, *parts: object) -> str:
    return str(uuid.uuid5(case.id, "/".join(str(p) for p in parts)))


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _ref(resource_id: str) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource_id}"}


def _date(case: Case, session: int) -> str | None:
    held = case.session_date(session)
    return held.isoformat() if held is not None else None


def bundle(
    cases: Iterable[Case],
    total: int,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
    authors: Callable[[Case], Mapping[int, str | None]] | None = None,
) -> dict[str, Any]:
    """One FHIR R4 ``collection`` Bundle with every case's resources.

    ``progress`` is called after each case with (cases done, ``total``);
    ``now`` is the Bundle's timestamp (default: the current UTC time);
    ``authors`` gives who recorded each of a case's assignments (each Task's
    ``requester``; None: no requester).
    """
    entries: list[dict[str, Any]] = []
    for done, case in enumerate(cases, start=1):
        by = authors(case) if authors is not None else {}
        entries.extend(_entry(r) for r in case_resources(case, by))
        if progress is not None:
            progress(done, total)
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    document: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "timestamp": stamp}
    if entries:  # FHIR JSON has no empty arrays
        document["entry"] = entries
    return document


def case_resources(
    case: Case, authors: Mapping[int, str | None] | None = None
) -> list[dict[str, Any]]:
    """The Patient, CarePlan, Tasks, QuestionnaireResponses and Observations of one case.

    ``authors``: who recorded each assignment (a Task's ``requester``), when known.
    """
    patient_id = _id(case, "Patient")
    patient = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": CLIENT_SYSTEM, "value": case.client}],
    }
    plan_id = _id(case, "CarePlan")
    by = authors or {}
    tasks = [
        _task(case, a, patient_id, plan_id, by.get(a.id))
        for _, a in sorted(case.assignments.items())
    ]
    resources = [patient, _care_plan(case, plan_id, patient_id, tasks), *tasks]
    for s in case.measure_series():
        for index, point in enumerate(s.points, start=1):
            resources.extend(_measure(case, s, index, point, patient_id))
    return resources


def _care_plan(
    case: Case, plan_id: str, patient_id: str, tasks: list[dict[str, Any]]
) -> dict[str, Any]:
    current = build_planner(case).current_system
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": plan_id,
        "status": "active" if current is not None else "draft",
        "intent": "plan",
        "title": "Between-session system",
        "subject": _ref(patient_id),
    }
    if current is not None:
        chosen = {f: current.value(f) for f in ("format", "size", "frequency", "framing")}
        plan["description"] = "; ".join(f"{k}: {v}" for k, v in chosen.items() if v is not None)
        start = _date(case, current.review_session)
        if start is not None:
            plan["period"] = {"start": start}
        if current.framing_wording:
            plan["note"] = [{"text": current.framing_wording}]
    else:
        plan["description"] = "no system chosen yet (no review recorded)"
    if tasks:
        plan["activity"] = [{"reference": _ref(t["id"])} for t in tasks]
    return plan


def _task(
    case: Case, a: Assignment, patient_id: str, plan_id: str, author: str | None
) -> dict[str, Any]:
    spec = a.spec
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": _id(case, "Task", a.id),
        "identifier": [{"system": ASSIGNMENT_SYSTEM, "value": f"{case.client}/{a.id}"}],
        "basedOn": [_ref(plan_id)],
        "status": TASK_STATUS[a.outcome],
        "businessStatus": {
            "coding": [{"system": OUTCOME_SYSTEM, "code": a.outcome.value}],
            "text": a.outcome.value,
        },
        "intent": "plan",
        "code": {"text": f"{spec.format.value} homework, {spec.size.value}"},
        "description": spec.title,
        "for": _ref(patient_id),
        "authoredOn": a.assigned_on.isoformat(),
    }
    if author:
        task["requester"] = {"identifier": {"system": CLINICIAN_SYSTEM, "value": author}}
    if spec.planned_doses is not None:
        task["restriction"] = {"repetitions": spec.planned_doses}
    r = a.resolution
    if r is None:
        return task
    resolved_on = _date(case, r.session)
    if resolved_on is not None:
        task["lastModified"] = resolved_on
    if r.outcome is Outcome.PARTIAL:
        task["output"] = [
            {"type": {"text": "doses done"}, "valueInteger": r.done},
            {"type": {"text": "doses planned"}, "valueInteger": r.planned},
        ]
    if r.reasons:
        task["statusReason"] = {"text": "; ".join(reason.value for reason in r.reasons)}
    notes = [text for text in (r.experience, r.explanation) if text]
    reflection = (("Insights gained", r.insights), ("Modification planned", r.modification))
    notes += [f"{label}: {text}" for label, text in reflection if text]
    if notes:
        task["note"] = [{"text": text} for text in notes]
    return task


def _measure(
    case: Case, s: MeasureSeries, index: int, point: MeasurePoint, patient_id: str
) -> list[dict[str, Any]]:
    instrument = BUILTIN.get(s.instrument)
    when = _date(case, point.session)
    response_id = _id(case, "QuestionnaireResponse", s.instrument, index)
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "status": "completed",
        "subject": _ref(patient_id),
    }
    if instrument is not None and instrument.loinc_panel and point.items:
        response["questionnaire"] = f"{LOINC}/q/{instrument.loinc_panel}"
        codes = instrument.loinc_items
        response["item"] = [
            {"linkId": code, "answer": [{"valueInteger": score}]}
            for code, score in zip(codes, point.items, strict=False)
        ]
        code = {
            "coding": [{"system": LOINC, "code": instrument.loinc_total, "display": s.name}],
            "text": f"{s.name} total score",
        }
    else:
        response["item"] = [{"linkId": "total", "answer": [{"valueInteger": point.total}]}]
        code = {"coding": [{"system": MEASURE_SYSTEM, "code": s.instrument}], "text": s.name}
    if when is not None:
        response["authored"] = when
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _id(case, "Observation", s.instrument, index),
        "status": "final",
        "category": [SURVEY],
        "code": code,
        "subject": _ref(patient_id),
        "valueInteger": point.total,
        "derivedFrom": [_ref(response_id)],
    }
    if when is not None:
        observation["effectiveDateTime"] = when
    if point.severity:
        observation["interpretation"] = [{"text": point.severity}]
    return [response, observation]

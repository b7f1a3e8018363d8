"""Incidents: the event rows of many articles fused into one record per real-world happening
(ACLED's unit), with fatalities, places, dates and the reports behind each."""

from __future__ import annotations

from marsad.analyze.incidents.fuser import Fuser, fuse
from marsad.analyze.incidents.model import Incident, IncidentReport, Report
from marsad.analyze.incidents.reports import reports_from_analysis

__all__ = ["Fuser", "Incident", "IncidentReport", "Report", "fuse", "reports_from_analysis"]

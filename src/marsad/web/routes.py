"""Every route of the web app, in one table: pages first, then the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marsad.web import api, docs
from marsad.web.pages import article, entity, events, incidents, ingest, search, sources, stories


@dataclass(frozen=True)
class Route:
    path: str
    endpoint: Callable[..., Any]
    methods: tuple[str, ...] = ("GET",)
    name: str | None = None
    api: bool = False  # shown in the OpenAPI schema
    tag: str | None = None


PAGES = [
    Route("/", search.search_page, name="search"),
    Route("/article/{doc_id}", article.article_page, name="article"),
    Route("/entities", entity.entities_page, name="entities"),
    Route("/entity/{entity_id}", entity.entity_page, name="entity"),
    Route("/events", events.events_page, name="events"),
    Route("/incidents", incidents.incidents_page, name="incidents"),
    Route("/incidents/{incident_id}", incidents.incident_page, name="incident"),
    Route("/stories", stories.stories_page, name="stories"),
    Route("/story/{story_id}", stories.story_page, name="story"),
    Route("/sources", sources.sources_page, name="sources"),
    Route("/ingest", ingest.ingest_form, name="ingest"),
    Route("/ingest", ingest.ingest_submit, methods=("POST",), name="ingest_submit"),
    Route("/docs", docs.docs_page, name="docs"),
    Route("/types.css", docs.types_css, name="types_css"),
]

API = [
    Route("/api/health", api.health, api=True, tag="meta"),
    Route("/api/stats", api.stats, api=True, tag="meta"),
    Route("/api/search", api.search, api=True, tag="documents"),
    Route("/api/documents", api.documents, api=True, tag="documents"),
    Route("/api/documents", api.add_documents, methods=("POST",), api=True, tag="documents"),
    Route("/api/documents/{doc_id}", api.document, api=True, tag="documents"),
    Route("/api/entities", api.entities, api=True, tag="entities"),
    Route("/api/entities/{entity_id}", api.entity, api=True, tag="entities"),
    Route("/api/entities/{entity_id}/network", api.entity_network, api=True, tag="entities"),
    Route("/api/entities/{entity_id}/places", api.entity_places, api=True, tag="entities"),
    Route("/api/events", api.events, api=True, tag="events"),
    Route("/api/events/timeline", api.events_timeline, api=True, tag="events"),
    Route("/api/events/geojson", api.events_geojson, api=True, tag="events"),
    Route("/api/incidents", api.incidents, api=True, tag="incidents"),
    Route("/api/incidents/geojson", incidents.incidents_geojson, api=True, tag="incidents"),
    Route("/api/incidents/{incident_id}", api.incident, api=True, tag="incidents"),
    Route("/api/stories", api.stories, api=True, tag="stories"),
    Route("/api/stories/{story_id}", api.story, api=True, tag="stories"),
    Route("/api/sources", api.sources, api=True, tag="documents"),
    Route("/api/export/{what}", api.export_endpoint, api=True, tag="export"),
]

ROUTES = PAGES + API

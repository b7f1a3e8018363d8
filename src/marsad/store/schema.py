"""The database schema, versioned. A migration is a list of statements that takes a file
from version N-1 to N; opening a store applies the missing ones in one transaction.

All DDL of marsad's database is here (the feed watcher's tables included); the same tables
serve SQLite and PostgreSQL. The one backend-specific piece, the full-text index, is
declared by each backend for version 1 (``_backend_ddl``) and run by the same migration.
"""

from __future__ import annotations

SCHEMA_VERSION = 10

# version 1: documents, entities, mentions, events, keywords (the first release)
_V1 = [
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS documents (
        id TEXT PRIMARY KEY,
        url TEXT,
        source TEXT,
        published TEXT,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        language TEXT,
        author TEXT,
        site_name TEXT,
        agency TEXT,
        dateline TEXT,
        origin TEXT,
        external_id TEXT,
        topic TEXT,
        topic_score REAL,
        analysis TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS documents_published ON documents(published)",
    "CREATE INDEX IF NOT EXISTS documents_source ON documents(source)",
    "CREATE INDEX IF NOT EXISTS documents_url ON documents(url)",
    """CREATE TABLE IF NOT EXISTS entities (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        name_ar TEXT NOT NULL,
        name_en TEXT,
        aliases TEXT NOT NULL DEFAULT '[]',
        wikidata TEXT,
        country TEXT,
        lat REAL,
        lon REAL,
        geonames_id INTEGER,
        kind TEXT,
        local INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS mentions (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        norm TEXT NOT NULL,
        type TEXT NOT NULL,
        entity_id TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS mentions_norm ON mentions(norm)",
    "CREATE INDEX IF NOT EXISTS mentions_doc ON mentions(doc_id)",
    "CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(entity_id)",
    """CREATE TABLE IF NOT EXISTS events (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        type TEXT NOT NULL,
        mode TEXT,
        status TEXT NOT NULL,
        trigger_text TEXT NOT NULL,
        source_text TEXT,
        source_entity TEXT,
        target_text TEXT,
        target_entity TEXT,
        location_text TEXT,
        place_name TEXT,
        country TEXT,
        lat REAL,
        lon REAL,
        date TEXT,
        sentence INTEGER NOT NULL,
        confidence REAL NOT NULL,
        PRIMARY KEY (doc_id, idx)
    )""",
    "CREATE INDEX IF NOT EXISTS events_type ON events(type, status)",
    "CREATE INDEX IF NOT EXISTS events_date ON events(date)",
    "CREATE INDEX IF NOT EXISTS events_country ON events(country)",
    """CREATE TABLE IF NOT EXISTS keywords (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        keyword TEXT NOT NULL,
        PRIMARY KEY (doc_id, rank)
    )""",
]

# version 2: near-duplicate groups and stories
_V2 = [
    "ALTER TABLE documents ADD COLUMN dup_group TEXT",
    "ALTER TABLE documents ADD COLUMN story_id TEXT",
    "CREATE INDEX IF NOT EXISTS documents_dup ON documents(dup_group)",
    "CREATE INDEX IF NOT EXISTS documents_story ON documents(story_id)",
    """CREATE TABLE IF NOT EXISTS dedup_bands (
        band TEXT NOT NULL,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        PRIMARY KEY (band, doc_id)
    )""",
    """CREATE TABLE IF NOT EXISTS stories (
        id TEXT PRIMARY KEY,
        headline TEXT NOT NULL,
        first_date TEXT,
        last_date TEXT,
        article_count INTEGER NOT NULL DEFAULT 0,
        top_entities TEXT NOT NULL DEFAULT '[]',
        state TEXT
    )""",
]

# version 3: MinHash signatures beside their bands (grouping reads a small row, not the
# whole Analysis JSON), and a date index for incremental story clustering
_V3 = [
    """CREATE TABLE IF NOT EXISTS dedup_signatures (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        signature TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS stories_dates ON stories(last_date, first_date)",
]

# version 4: a covering index so listings and facets read metadata without the article
# bodies that share the documents row
_V4 = [
    ("CREATE INDEX IF NOT EXISTS documents_meta "
    "ON documents(id, published, source, topic, dup_group, story_id)"),
]

# version 5: what the event coder computes beside the spans, so listings, the API and the
# exports read it without parsing each article's Analysis: how precise the place and the
# date are (ACLED's geo_precision / time_precision, as words), the canonical Arabic and
# English names of the linked source and target entities, and the casualties the text
# states. Rows stored before stay NULL: "not known", never a guessed 0.
EVENT_COLUMNS_V5 = (
    ("geo_precision", "TEXT"),  # place | region | country
    ("date_precision", "TEXT"),  # day | week | month | year
    ("source_name", "TEXT"),
    ("source_en", "TEXT"),
    ("target_name", "TEXT"),
    ("target_en", "TEXT"),
    ("fatalities", "INTEGER"),
    ("injured", "INTEGER"),
)
_V5 = [f"ALTER TABLE events ADD COLUMN {name} {kind}" for name, kind in EVENT_COLUMNS_V5]

# version 6: incidents, the events of many articles fused into one record per happening
# (:mod:`marsad.store.incidents_sql` says how they are kept up to date). ``incident_reports``
# holds each fused event row with what fusion needs to rebuild its incident (the event as
# JSON); ``incident_index`` the (type, country, week) keys an incident is found under, so a
# new article loads only the incidents of its weeks; ``incident_pending`` the articles stored
# before this version, fused by the next ingest or ``marsad incidents``.
_V6 = [
    """CREATE TABLE IF NOT EXISTS incidents (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        mode TEXT,
        status TEXT NOT NULL,
        actor1 TEXT,
        actor2 TEXT,
        country TEXT NOT NULL,
        admin1 TEXT,
        place TEXT,
        lat REAL,
        lon REAL,
        geo_precision TEXT NOT NULL,
        date TEXT NOT NULL,
        date_precision TEXT NOT NULL,
        date_start TEXT NOT NULL,
        date_end TEXT NOT NULL,
        fatalities INTEGER,
        fatalities_min INTEGER,
        fatalities_max INTEGER,
        injured INTEGER,
        n_articles INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        first_report TEXT,
        last_report TEXT,
        sources TEXT NOT NULL DEFAULT '[]',
        lead_doc TEXT,
        lead_sentence INTEGER,
        notes TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS incidents_date ON incidents(date_start, date_end)",
    "CREATE INDEX IF NOT EXISTS incidents_type ON incidents(type, country)",
    "CREATE INDEX IF NOT EXISTS incidents_country ON incidents(country)",
    "CREATE INDEX IF NOT EXISTS incidents_seq ON incidents(seq)",
    """CREATE TABLE IF NOT EXISTS incident_reports (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        trig_start INTEGER NOT NULL,
        trig_end INTEGER NOT NULL,
        type TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        member INTEGER NOT NULL,
        source TEXT,
        published TEXT,
        sentence INTEGER NOT NULL,
        is_lead INTEGER,
        text TEXT,
        trigger_text TEXT NOT NULL,
        status TEXT NOT NULL,
        date TEXT,
        place TEXT,
        fatalities INTEGER,
        source_entity TEXT,
        target_entity TEXT,
        place_entity TEXT,
        event TEXT NOT NULL,
        PRIMARY KEY (doc_id, trig_start, trig_end, type)
    )""",
    "CREATE INDEX IF NOT EXISTS incident_reports_incident ON incident_reports(incident_id, member)",
    "CREATE INDEX IF NOT EXISTS incident_reports_source ON incident_reports(source_entity)",
    "CREATE INDEX IF NOT EXISTS incident_reports_target ON incident_reports(target_entity)",
    "CREATE INDEX IF NOT EXISTS incident_reports_place ON incident_reports(place_entity)",
    """CREATE TABLE IF NOT EXISTS incident_index (
        type TEXT NOT NULL,
        country TEXT NOT NULL,
        week INTEGER NOT NULL,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (type, country, week, incident_id)
    )""",
    """CREATE TABLE IF NOT EXISTS incident_pending (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE
    )""",
    "INSERT INTO incident_pending (doc_id) SELECT id FROM documents",
]

# version 7: the feed watcher's memory (:mod:`marsad.store.watch_state`): ``watch_feeds``, one
# row per feed URL (name, the validators of its last answer, when it was polled and is next
# due, consecutive failures, last error), and ``watch_items``, one row per (feed, item) with
# its state (pending, done, failed). The watcher used to create these itself, versioned
# under its own ``meta`` key; ``IF NOT EXISTS`` keeps the tables of a database it did, and
# the key is dropped: the schema version now covers them.
_V7 = [
    """CREATE TABLE IF NOT EXISTS watch_feeds (
        url TEXT PRIMARY KEY,
        name TEXT,
        etag TEXT,
        last_modified TEXT,
        last_status INTEGER,
        last_polled TEXT,
        next_poll TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS watch_items (
        feed_url TEXT NOT NULL,
        item_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        link TEXT,
        entry TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        doc_id TEXT,
        error TEXT,
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (feed_url, item_key)
    )""",
    "CREATE INDEX IF NOT EXISTS watch_items_state ON watch_items(state, first_seen)",
    "CREATE INDEX IF NOT EXISTS watch_items_link ON watch_items(link)",
    "DELETE FROM meta WHERE key = 'watch_state_version'",
]

# version 8: an entity's events (its page and /api/entities/{id}) are those it is the source or
# the target of; without these indexes each such page read the whole events table (SQLite
# answers the OR from both indexes, PostgreSQL with a bitmap OR of the two)
_V8 = [
    "CREATE INDEX IF NOT EXISTS events_source_entity ON events(source_entity)",
    "CREATE INDEX IF NOT EXISTS events_target_entity ON events(target_entity)",
]

# version 9: places in both languages and the trigger found in its sentence. ``place`` (on
# incidents and their reports) stays the English name where the knowledge base has one;
# ``place_ar`` is the Arabic name, for Arabic pages. ``incident_reports.text_start`` is where
# the report's sentence (``text``) starts in its article: the trigger's stored offsets index
# the article, so the page marks the event's own trigger, not the word's first occurrence.
# Rows fused before this version keep NULLs (readers fall back) until
# ``marsad incidents --rebuild`` fuses them again.
_V9 = [
    "ALTER TABLE incidents ADD COLUMN place_ar TEXT",
    "ALTER TABLE incident_reports ADD COLUMN place_ar TEXT",
    "ALTER TABLE incident_reports ADD COLUMN text_start INTEGER",
]

# version 10: a write counter, one row that every write transaction of the store bumps
# (:meth:`marsad.store.sql.SQLStore._touch`), so the web server's read caches, keyed by the
# database generation (:func:`marsad.store.reads.facets.generation`), also turn over on
# writes that add no document: an incidents rebuild, a story update, a deletion. A
# primary-key read, unlike a MAX or a COUNT over the tables that change.
_V10 = [
    """CREATE TABLE IF NOT EXISTS write_counter (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        n BIGINT NOT NULL
    )""",
    "INSERT INTO write_counter (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
]

MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6, 7: _V7, 8: _V8, 9: _V9,
                                    10: _V10}

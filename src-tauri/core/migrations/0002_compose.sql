-- 0002: composing the thank-you messages: settings (sender identity, own organisation), the
-- incident's outcome in TLP-labelled sections, templates and one message per contributor.

-- Values the CLI, the window and (later) the outbox all read. Keys are dotted names
-- (`sender.name`, `organisation`…); values are validated by the core before they land here.
CREATE TABLE settings (
    key         TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE outcome_sections (
    id          TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    position    INTEGER NOT NULL,
    heading     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    tlp         TEXT NOT NULL CHECK (tlp IN ('clear','green','amber','amber_strict','red')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX outcome_sections_incident ON outcome_sections (incident_id, position) WHERE deleted_at IS NULL;

-- The people named on a TLP:RED section: the only ones who may see it.
CREATE TABLE outcome_section_readers (
    section_id  TEXT NOT NULL REFERENCES outcome_sections (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    PRIMARY KEY (section_id, person_id)
);
CREATE INDEX outcome_section_readers_person ON outcome_section_readers (person_id);

-- Built-in templates have a builtin_key and can be reset to the shipped text; `customised` says
-- whether the analyst changed one (an unchanged built-in follows the shipped text on upgrade).
CREATE TABLE templates (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    builtin_key   TEXT,
    customised    INTEGER NOT NULL DEFAULT 0 CHECK (customised IN (0,1)),
    audience      TEXT CHECK (audience IN ('end_user','it_operations','third_party','security_colleague','management')),
    incident_kind TEXT CHECK (incident_kind IN ('security_incident','phishing_report','vulnerability_remediation','other')),
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);
CREATE UNIQUE INDEX templates_builtin ON templates (builtin_key) WHERE builtin_key IS NOT NULL;

-- One message per contributor per incident. The Message-ID is fixed when the row is created and
-- kept across edits, regeneration and (later) retries. States after `approved` belong to the outbox.
CREATE TABLE messages (
    id                TEXT PRIMARY KEY NOT NULL,
    incident_id       TEXT NOT NULL REFERENCES incidents (id),
    person_id         TEXT NOT NULL REFERENCES people (id),
    template_id       TEXT REFERENCES templates (id),
    state             TEXT NOT NULL CHECK (state IN ('draft','approved','queued','sending','sent','deferred','failed','uncertain','cancelled','skipped')),
    message_id        TEXT NOT NULL,
    skip_reason       TEXT NOT NULL DEFAULT '',
    -- The analyst's own edit of this one message (rendered text, Markdown); NULL follows the template.
    subject_override  TEXT,
    body_override     TEXT,
    approved_at       TEXT,
    -- A digest of exactly what was approved: if the rendered message changes, approval lapses.
    approved_digest   TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    deleted_at        TEXT
);
CREATE UNIQUE INDEX messages_recipient ON messages (incident_id, person_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX messages_message_id ON messages (message_id);
CREATE INDEX messages_person ON messages (person_id, state);

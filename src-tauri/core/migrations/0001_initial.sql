-- 0001: incidents, people, contributions and the audit log.
-- Keys are ULID text so rows can one day be synced between machines; rows are soft-deleted
-- (deleted_at) and carry updated_at for the same reason.

CREATE TABLE incidents (
    id          TEXT PRIMARY KEY NOT NULL,
    reference   TEXT NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('security_incident','phishing_report','vulnerability_remediation','other')),
    severity    TEXT NOT NULL CHECK (severity IN ('low','medium','high','critical')),
    status      TEXT NOT NULL CHECK (status IN ('open','investigating','contained','resolved','closed')),
    tlp         TEXT NOT NULL CHECK (tlp IN ('clear','green','amber','amber_strict','red')),
    opened_on   TEXT NOT NULL,
    closed_on   TEXT,
    summary     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- A reference is unique among live incidents; a deleted one keeps its reference until restored.
CREATE UNIQUE INDEX incidents_reference ON incidents (reference COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX incidents_opened ON incidents (opened_on DESC, created_at DESC);
CREATE INDEX incidents_deleted ON incidents (id) WHERE deleted_at IS NOT NULL;

CREATE TABLE people (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    preferred_name  TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL,
    email_key       TEXT NOT NULL,          -- lower-cased email: uniqueness ignores case
    organisation    TEXT NOT NULL DEFAULT '',
    team            TEXT NOT NULL DEFAULT '',
    audience        TEXT NOT NULL CHECK (audience IN ('end_user','it_operations','third_party','security_colleague','management')),
    technical_level TEXT NOT NULL CHECK (technical_level IN ('non_technical','technical','expert')),
    may_be_named    INTEGER NOT NULL DEFAULT 1 CHECK (may_be_named IN (0,1)),
    do_not_contact  INTEGER NOT NULL DEFAULT 0 CHECK (do_not_contact IN (0,1)),
    notes           TEXT NOT NULL DEFAULT '',
    merged_into     TEXT REFERENCES people (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
);
CREATE UNIQUE INDEX people_email ON people (email_key) WHERE deleted_at IS NULL;
CREATE INDEX people_name ON people (name COLLATE NOCASE);
-- Joins that keep only live people read this index instead of the rows; the deleted few are
-- found without a scan.
CREATE INDEX people_live ON people (id) WHERE deleted_at IS NULL;
CREATE INDEX people_deleted ON people (id) WHERE deleted_at IS NOT NULL;

-- Search-as-you-type over people: prefix queries on name, preferred name, email, organisation, team.
CREATE VIRTUAL TABLE people_search USING fts5 (
    name, preferred_name, email, organisation, team,
    content = 'people', content_rowid = 'rowid',
    tokenize = "unicode61 remove_diacritics 2 tokenchars '-_'"
);
CREATE TRIGGER people_search_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_search (rowid, name, preferred_name, email, organisation, team)
    VALUES (new.rowid, new.name, new.preferred_name, new.email, new.organisation, new.team);
END;
CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_search (people_search, rowid, name, preferred_name, email, organisation, team)
    VALUES ('delete', old.rowid, old.name, old.preferred_name, old.email, old.organisation, old.team);
END;
CREATE TRIGGER people_search_update AFTER UPDATE OF name, preferred_name, email, organisation, team ON people BEGIN
    INSERT INTO people_search (people_search, rowid, name, preferred_name, email, organisation, team)
    VALUES ('delete', old.rowid, old.name, old.preferred_name, old.email, old.organisation, old.team);
    INSERT INTO people_search (rowid, name, preferred_name, email, organisation, team)
    VALUES (new.rowid, new.name, new.preferred_name, new.email, new.organisation, new.team);
END;

CREATE TABLE contributions (
    id          TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    role        TEXT NOT NULL CHECK (role IN ('finder','log_provider','analyst','coordinator','remediation','expertise','access','other')),
    what        TEXT NOT NULL,
    given_on    TEXT,
    impact      TEXT NOT NULL DEFAULT '',
    constraints TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT
);
-- Covering indexes: counting an incident's contributors or a person's contributions reads only these.
CREATE INDEX contributions_incident ON contributions (incident_id, deleted_at, person_id);
CREATE INDEX contributions_person ON contributions (person_id, deleted_at, incident_id);

-- Who changed what, when. Append-only; `detail` is JSON.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

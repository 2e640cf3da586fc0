-- The outbox: one row per message handed to delivery. The message's state in `messages` moves
-- with it (queued, sending, sent, deferred, failed, uncertain, cancelled); this row keeps what
-- delivery needs and what it learnt. Local to this machine, never synced.
CREATE TABLE outbox (
    message_id       TEXT PRIMARY KEY NOT NULL REFERENCES messages (id),
    -- The RFC 5322 Message-ID (without <>), the same on every attempt.
    rfc_message_id   TEXT NOT NULL,
    sender           TEXT NOT NULL,
    -- Envelope recipients, one address per line (the person, plus the analyst for CC/BCC-myself).
    recipients       TEXT NOT NULL,
    -- The exact bytes handed to the server, fixed when the message was queued.
    eml              BLOB NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- When a deferred message is due again (RFC 3339, UTC).
    next_attempt_at  TEXT,
    -- The server's last reply, or what went wrong on our side, in plain words.
    last_reply       TEXT NOT NULL DEFAULT '',
    -- How the message was delivered: 'smtp HOST:PORT' or 'eml FOLDER'.
    transport        TEXT NOT NULL DEFAULT '',
    queued_at        TEXT NOT NULL,
    first_attempt_at TEXT,
    sent_at          TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;
-- Due messages are found through the state kept on `messages`.
CREATE INDEX messages_state ON messages (state) WHERE state IN ('queued', 'deferred', 'sending', 'uncertain');

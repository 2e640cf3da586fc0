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
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- While `sending`: 0 = reserved by a run, nothing handed over yet; 1 = being handed over.
    attempting       INTEGER NOT NULL DEFAULT 0,
    -- The boot of the machine when the run reserved it (Linux boot_id): after a crash on the same
    -- boot every write survived, so "reserved, never attempted" can safely go back to the queue.
    claimed_boot     TEXT,
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
-- The exact bytes handed to the server, fixed when the message was queued. Apart from the row
-- above, so each state change rewrites a small row, not the message.
CREATE TABLE outbox_eml (
    message_id  TEXT PRIMARY KEY NOT NULL REFERENCES outbox (message_id),
    eml         BLOB NOT NULL
);
-- Due messages are found through the state kept on `messages`.
CREATE INDEX messages_state ON messages (state) WHERE state IN ('queued', 'deferred', 'sending', 'uncertain');

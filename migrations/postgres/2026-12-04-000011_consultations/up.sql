-- Public consultation on draft policies and legal documents (Điều 7.2.n; Nghị định 42/2022,
-- Điều 10.1.i: the full text, the deadline, the comments received, a way to comment and the
-- receiving unit's contact), and the per-client allowance of every public intake form.
-- Kept in step with ../../sqlite/2026-12-04-000011_consultations/up.sql.

-- A draft put out for comment by an agency on a site. Not public until published_at; open for
-- comment from opens_on to closes_on (Vietnam's calendar days); the agency's summary of what it
-- did with the comments (result_summary) is published after closing.
CREATE TABLE consultations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    receiving_unit TEXT NOT NULL,
    contact TEXT NOT NULL,
    attachments TEXT NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL CHECK (closes_on > opens_on),
    revision INTEGER NOT NULL,
    published_at TIMESTAMP,
    result_summary TEXT,
    result_published_at TIMESTAMP,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, slug)
);
CREATE INDEX consultations_site ON consultations (site_id, published_at, closes_on, id);
CREATE INDEX consultations_agency ON consultations (agency_id, id);

-- The numbered parts (articles, clauses) of each revision of a draft. part_key is derived from
-- the part's text, so a revision keeps the key of every part it did not change and a comment
-- keeps pointing at the text it was about.
CREATE TABLE consultation_parts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    revision INTEGER NOT NULL,
    position INTEGER NOT NULL,
    part_key TEXT NOT NULL,
    label TEXT NOT NULL,
    heading TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (consultation_id, revision, position),
    UNIQUE (consultation_id, revision, part_key)
);

-- Comments from anyone while a draft is open; shown once the agency approved them and only when
-- their author agreed; the commenter's name and contact are sealed like a citizen's case.
CREATE TABLE consultation_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    revision INTEGER NOT NULL,
    part_key TEXT,
    body TEXT NOT NULL,
    organisation TEXT,
    personal TEXT,
    masked TEXT NOT NULL,
    consent_publication BOOLEAN NOT NULL,
    privacy_notice_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    moderation_reason TEXT,
    moderated_by TEXT,
    moderated_at TIMESTAMP,
    disposition TEXT,
    disposition_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consultation_comments_by_consultation ON consultation_comments (consultation_id, status, id);
CREATE INDEX consultation_comments_fingerprint ON consultation_comments (fingerprint, created_at);

-- How many public submissions (cases, comments) a client made in its current window: one
-- conditional UPDATE takes a slot, so replicas and parallel requests share one allowance. The
-- client is a keyed digest of its address, never the address itself.
CREATE TABLE intake_throttle (
    client_key TEXT PRIMARY KEY,
    window_started_at TIMESTAMP NOT NULL,
    submissions INTEGER NOT NULL
);

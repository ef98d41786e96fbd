-- The change feed of published Q&A (Điều 11: answers published "like content", change feed
-- included): one row per publication, edit and withdrawal, appended in the transaction that makes
-- it, after its audit entry, so that ids follow commit order (the audit head serialises them).
-- Kept in step with ../../sqlite/2026-12-04-000012_qa_changes/up.sql.
CREATE TABLE feedback_publication_changes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    publication_id BIGINT NOT NULL REFERENCES feedback_publications (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    change TEXT NOT NULL CHECK (change IN ('published', 'updated', 'withdrawn')),
    at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_publication_changes_site ON feedback_publication_changes (site_id, id);

-- The files that go with an agency's answer (Điều 11.3: "trả lời bằng văn bản"), by link until the
-- media library stores files: a JSON list of {title, url}.
ALTER TABLE feedback_forwardings ADD COLUMN answer_attachments TEXT NOT NULL DEFAULT '[]';

-- When and by whom the agency took the case up (Điều 11.3: the agency "accepts" it before it
-- answers); the citizen is told.
ALTER TABLE feedback_forwardings ADD COLUMN accepted_at TIMESTAMP;
ALTER TABLE feedback_forwardings ADD COLUMN accepted_by TEXT;

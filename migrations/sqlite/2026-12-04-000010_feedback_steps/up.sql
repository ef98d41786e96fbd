-- The rest of a case's life (Điều 11): merged duplicates, escalation to Sở TT&TT (11.4), the
-- agencies' interim replies and returns, answers published as public Q&A, the e-mail outbox and
-- the retention of personal data. Kept in step with ../../postgres/2026-12-04-000010_feedback_steps/up.sql.

-- A duplicate points at the case that was kept; escalated cases wait in Sở TT&TT's queue; a
-- closed case's personal data is purged once the retention period after closed_on has passed.
ALTER TABLE feedback_cases ADD COLUMN merged_into_id BIGINT REFERENCES feedback_cases (id);
ALTER TABLE feedback_cases ADD COLUMN escalated_on DATE;
ALTER TABLE feedback_cases ADD COLUMN escalation_reason TEXT;
ALTER TABLE feedback_cases ADD COLUMN closed_on DATE;
CREATE INDEX feedback_cases_escalated ON feedback_cases (escalated_on, id);
CREATE INDEX feedback_cases_closed ON feedback_cases (closed_on, id);

-- An agency's interim reply with the date it promises, and its return of a case as not in its
-- remit (the case goes back to the operator).
ALTER TABLE feedback_forwardings ADD COLUMN interim_reply TEXT;
ALTER TABLE feedback_forwardings ADD COLUMN interim_promised_on DATE;
ALTER TABLE feedback_forwardings ADD COLUMN interim_at TIMESTAMP;
ALTER TABLE feedback_forwardings ADD COLUMN returned_reason TEXT;
ALTER TABLE feedback_forwardings ADD COLUMN returned_at TIMESTAMP;

-- Who supervises (Điều 11.4: Sở TT&TT), how long after the due date an open case goes up to it,
-- and how long personal data of a closed case is kept (NĐ 13/2023, Điều 3: no longer than the
-- purpose needs) — dated, with their basis, a new row for a new figure.
CREATE TABLE feedback_policies (
    id INTEGER PRIMARY KEY,
    supervising_agency TEXT NOT NULL,
    escalation_grace_days INTEGER NOT NULL CHECK (escalation_grace_days BETWEEN 0 AND 60),
    retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
    valid_from DATE NOT NULL,
    valid_to DATE,
    legal_basis TEXT NOT NULL
);
INSERT INTO feedback_policies (supervising_agency, escalation_grace_days, retention_days, valid_from, valid_to, legal_basis) VALUES
    ('so-tttt', 5, 365, '2021-01-01', NULL, 'Quy chế, Điều 11.4 (Sở TT&TT receives what no agency answers); Nghị định 13/2023/NĐ-CP, Điều 3.5 (storage limitation): one year after closing, set by the IT centre');

-- A signed answer the editorial board published as public Q&A (Điều 11: answers published
-- without personal data); the texts are the board's edit, search_text their folded form.
CREATE TABLE feedback_publications (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL UNIQUE REFERENCES feedback_cases (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    search_text TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX feedback_publications_site ON feedback_publications (site_id, published_at, id);

-- Messages to citizens who gave an e-mail address and agreed to be written to; the address is
-- read from the case when the message is sent (an erased case sends nothing).
CREATE TABLE feedback_mail (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES feedback_cases (id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    dropped_reason TEXT,
    last_error TEXT
);
CREATE INDEX feedback_mail_due ON feedback_mail (sent_at, next_attempt_at, id);

-- Citizen questions and feedback (Điều 11) and the working-day calendar their deadlines are
-- counted in. Kept in step with ../../postgres/2026-12-03-000009_feedback/up.sql.

-- Public holidays as dated rules with their legal basis (Bộ luật Lao động 2019, Điều 112): a
-- solar or lunar anchor date, the first day off relative to it and how many days; a holiday on
-- a weekend gives the next working day off where compensate_weekend is set (Điều 111.3).
CREATE TABLE holiday_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    calendar TEXT NOT NULL CHECK (calendar IN ('solar', 'lunar')),
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
    offset_days INTEGER NOT NULL,
    length_days INTEGER NOT NULL CHECK (length_days BETWEEN 1 AND 10),
    compensate_weekend BOOLEAN NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    legal_basis TEXT NOT NULL
);

-- What the government announces each year: a day made off (Tết's exact days, a swap) or a
-- weekend day made a working day (the day worked in exchange).
CREATE TABLE calendar_overrides (
    day DATE PRIMARY KEY,
    working BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Time limits per kind of case, in working days, dated, with their legal basis.
CREATE TABLE deadline_rules (
    id INTEGER PRIMARY KEY,
    case_kind TEXT NOT NULL CHECK (case_kind IN ('question', 'feedback', 'inaccuracy')),
    working_days INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 90),
    valid_from DATE NOT NULL,
    valid_to DATE,
    legal_basis TEXT NOT NULL
);

CREATE TABLE feedback_cases (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    -- SHA-256 of the status link's secret: the link works, the database cannot recreate it.
    secret_hash TEXT NOT NULL,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    section_id BIGINT REFERENCES sections (id),
    item_id BIGINT REFERENCES content_items (id),
    kind TEXT NOT NULL CHECK (kind IN ('question', 'feedback', 'inaccuracy')),
    field TEXT,
    status TEXT NOT NULL CHECK (status IN ('received', 'rejected', 'forwarded', 'answered')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Name, e-mail, phone, address: AES-256-GCM under PORTAL_DATA_KEY; NULL once erased.
    personal_data TEXT,
    contact_masked TEXT NOT NULL,
    consent_processing BOOLEAN NOT NULL,
    consent_publication BOOLEAN NOT NULL,
    consent_email BOOLEAN NOT NULL,
    privacy_notice_version TEXT NOT NULL,
    -- What makes a resubmission the same case: SHA-256 of the text and contact.
    fingerprint TEXT NOT NULL,
    received_on DATE NOT NULL,
    deadline_rule_id BIGINT NOT NULL REFERENCES deadline_rules (id),
    due_on DATE NOT NULL,
    answered_on DATE,
    -- Since when the case waits for the citizen's answer to a request for more information: the
    -- clock stops, and the due date moves on by the working days it waited.
    paused_since DATE,
    paused_working_days INTEGER NOT NULL DEFAULT 0,
    reply TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX feedback_cases_status ON feedback_cases (status, id);
CREATE INDEX feedback_cases_fingerprint ON feedback_cases (fingerprint, created_at);

-- A forwarding in writing (Điều 11.2) to one agency, with its answer once the head signs it
-- (Điều 11.3).
CREATE TABLE feedback_forwardings (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES feedback_cases (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    letter TEXT NOT NULL,
    forwarded_on DATE NOT NULL,
    due_on DATE NOT NULL,
    forwarded_by TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'drafted', 'signed')),
    answer TEXT,
    drafted_by TEXT,
    drafted_at TIMESTAMP,
    signed_by_user_id BIGINT REFERENCES users (id),
    signed_by TEXT,
    signed_capacity TEXT CHECK (signed_capacity IN ('head', 'deputy')),
    signed_at TIMESTAMP,
    UNIQUE (case_id, agency_id)
);
CREATE INDEX feedback_forwardings_agency ON feedback_forwardings (agency_id, status, id);

-- Who signs an agency's answers: its head, and deputies the head named (Điều 11.3).
CREATE TABLE feedback_signatories (
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    capacity TEXT NOT NULL CHECK (capacity IN ('head', 'deputy')),
    named_by TEXT NOT NULL,
    named_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, user_id)
);

-- The life of a case: every step with who, when and why; `public` marks what the citizen sees.
CREATE TABLE feedback_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES feedback_cases (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT,
    public BOOLEAN NOT NULL
);
CREATE INDEX feedback_events_case ON feedback_events (case_id, id);

-- Bộ luật Lao động 2019 (45/2019/QH14), Điều 112, in force from 01/01/2021.
INSERT INTO holiday_rules (name, calendar, month, day, offset_days, length_days, compensate_weekend, valid_from, valid_to, legal_basis) VALUES
    ('Tết Dương lịch', 'solar', 1, 1, 0, 1, TRUE, '2021-01-01', NULL, 'Bộ luật Lao động 2019, Điều 112.1.a'),
    ('Tết Âm lịch', 'lunar', 1, 1, -1, 5, FALSE, '2021-01-01', NULL, 'Bộ luật Lao động 2019, Điều 112.1.b and 112.3 (the Prime Minister fixes the days each year)'),
    ('Chiến thắng', 'solar', 4, 30, 0, 1, TRUE, '2021-01-01', NULL, 'Bộ luật Lao động 2019, Điều 112.1.c'),
    ('Quốc tế lao động', 'solar', 5, 1, 0, 1, TRUE, '2021-01-01', NULL, 'Bộ luật Lao động 2019, Điều 112.1.d'),
    ('Quốc khánh', 'solar', 9, 2, 0, 2, TRUE, '2021-01-01', NULL, 'Bộ luật Lao động 2019, Điều 112.1.đ (2/9 and the day after, unless announced otherwise)'),
    ('Giỗ Tổ Hùng Vương', 'lunar', 3, 10, 0, 1, TRUE, '2021-01-01', NULL, 'Bộ luật Lao động 2019, Điều 112.1.e');

-- A citizen's question answered, or told its status and a promised date, within 15 working days
-- (NĐ 43/2011, Điều 17); where no rule sets a time, 5 (Luật Tiếp cận thông tin 2016, Điều 18.4).
-- The successor decrees are entered with the same figures until their text is checked: a new
-- figure is a new row, never an edit of one a case used.
INSERT INTO deadline_rules (case_kind, working_days, valid_from, valid_to, legal_basis) VALUES
    ('question', 15, '2011-08-01', '2022-08-14', 'Nghị định 43/2011/NĐ-CP, Điều 17'),
    ('feedback', 15, '2011-08-01', '2022-08-14', 'Nghị định 43/2011/NĐ-CP, Điều 17'),
    ('inaccuracy', 5, '2011-08-01', '2022-08-14', 'Luật Tiếp cận thông tin 2016, Điều 18.4 (no specific limit)'),
    ('question', 15, '2022-08-15', '2026-06-30', 'Nghị định 42/2022/NĐ-CP'),
    ('feedback', 15, '2022-08-15', '2026-06-30', 'Nghị định 42/2022/NĐ-CP'),
    ('inaccuracy', 5, '2022-08-15', '2026-06-30', 'Luật Tiếp cận thông tin 2016, Điều 18.4 (no specific limit)'),
    ('question', 15, '2026-07-01', NULL, 'Nghị định 224/2026/NĐ-CP'),
    ('feedback', 15, '2026-07-01', NULL, 'Nghị định 224/2026/NĐ-CP'),
    ('inaccuracy', 5, '2026-07-01', NULL, 'Luật Tiếp cận thông tin 2016, Điều 18.4 (no specific limit)');

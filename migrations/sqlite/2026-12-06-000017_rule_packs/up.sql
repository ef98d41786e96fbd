-- Dated rule packs (issue 14; Điều 8.1 of the regulation: items are posted within the time
-- limits national rules set): NĐ 43/2011 until 14/08/2022, NĐ 42/2022 from 15/08/2022, NĐ 224/2026
-- from 01/07/2026. Each pack lists the mandatory information categories with their time limits in
-- working days and update frequencies; the compliance and timeliness reports read them. Data with
-- their legal basis, editable by the operator, never constants in code.
-- Kept in step with ../../postgres/2026-12-06-000017_rule_packs/up.sql.
CREATE TABLE rule_packs (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    -- Working days from an event to its publication where no category sets its own limit
    -- (Luật Tiếp cận thông tin 2016, Điều 18.4: 5).
    default_limit_days INTEGER NOT NULL CHECK (default_limit_days BETWEEN 1 AND 90),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- A mandatory information category of a pack: the content type whose items fill it, or else the
-- section (by its slug on the site) whose items do, the agency that must supply it (none: every
-- agency that owns a section of the site, or the section's owner), the date field of a typed
-- item that carries the event it reports, the time limit and the update frequency.
CREATE TABLE rule_pack_categories (
    id INTEGER PRIMARY KEY,
    pack_id BIGINT NOT NULL REFERENCES rule_packs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT,
    section_slug TEXT,
    agency_code TEXT,
    event_field TEXT,
    limit_days INTEGER CHECK (limit_days IS NULL OR limit_days BETWEEN 1 AND 90),
    frequency_days INTEGER CHECK (frequency_days IS NULL OR frequency_days BETWEEN 1 AND 3660),
    legal_basis TEXT NOT NULL,
    UNIQUE (pack_id, code),
    CHECK ((content_type IS NULL) <> (section_slug IS NULL)),
    CHECK (section_slug IS NULL OR event_field IS NULL)
);

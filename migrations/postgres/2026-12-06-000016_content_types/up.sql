-- Content types defined at run time (issue 14; Điều 7.2 of the regulation: the structured
-- information every agency publishes — leaders, schedules, legal documents, projects, budgets,
-- statistics). A type is a versioned field schema kept as JSON: no table is created per type, so a
-- type works the same on SQLite and PostgreSQL. Items of a type are ordinary content items (same
-- authoring, revisions and Điều 10 workflow) holding their typed `data` and the type version they
-- were written with. The published copy indexes the fields a type marks `indexed` in
-- `published_field_values`, one row per value, so that typed filters walk an index; the values of
-- `unique` fields are claimed in `typed_unique_values`.
-- Kept in step with ../../sqlite/2026-12-06-000016_content_types/up.sql.
CREATE TABLE content_types (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    description TEXT,
    legal_basis TEXT,
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE content_type_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type_id BIGINT NOT NULL REFERENCES content_types (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    definition TEXT NOT NULL,
    -- The fields this version removed with the operator's consent although items held data in
    -- them (a JSON array): migrating an item to this version drops their values.
    dropped TEXT NOT NULL DEFAULT '[]',
    note TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (type_id, version)
);

ALTER TABLE content_items ADD COLUMN content_type TEXT;
ALTER TABLE content_items ADD COLUMN type_version INTEGER;
ALTER TABLE content_items ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
CREATE INDEX content_items_by_type ON content_items (content_type, type_version, id);

ALTER TABLE published_items ADD COLUMN content_type TEXT;
ALTER TABLE published_items ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
CREATE INDEX published_items_type_newest ON published_items (site_id, content_type, published_at, item_id);

-- One row per value of an indexed field of a published typed item (several for a list field).
-- Text-like values (text, enum, date, datetime, boolean) in text_value, numeric ones (integer,
-- money, decimal scaled to an integer, reference) in num_value: both sort as their kind does.
CREATE TABLE published_field_values (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES published_items (item_id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    field TEXT NOT NULL,
    text_value TEXT,
    num_value BIGINT,
    published_at TIMESTAMP NOT NULL,
    CHECK ((text_value IS NULL) <> (num_value IS NULL))
);
CREATE INDEX published_field_text ON published_field_values (site_id, content_type, field, text_value, published_at, item_id);
CREATE INDEX published_field_num ON published_field_values (site_id, content_type, field, num_value, published_at, item_id);
CREATE INDEX published_field_item ON published_field_values (item_id, field);

-- The values of `unique` fields, claimed by live items: one per type, site, language and field.
CREATE TABLE typed_unique_values (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_type TEXT NOT NULL,
    site_id BIGINT NOT NULL,
    language TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES content_items (id),
    UNIQUE (content_type, site_id, language, field, value)
);
CREATE INDEX typed_unique_item ON typed_unique_values (item_id);

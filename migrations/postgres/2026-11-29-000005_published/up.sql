-- What readers see: one row per live item, its approved version, kept in the same transaction as
-- publication. The public API reads only this table, so a draft can never leak into it.
-- Kept in step with ../../sqlite/2026-11-29-000005_published/up.sql.

CREATE TABLE published_items (
    item_id BIGINT PRIMARY KEY REFERENCES content_items (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    section_id BIGINT NOT NULL REFERENCES sections (id),
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    translation_group TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    author TEXT,
    source TEXT,
    tags TEXT NOT NULL,
    featured_image_url TEXT,
    fields TEXT NOT NULL,
    revision BIGINT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    search_title TEXT NOT NULL,
    search_text TEXT NOT NULL,
    UNIQUE (site_id, language, slug)
);
CREATE INDEX published_items_section_newest ON published_items (section_id, published_at, item_id);
CREATE INDEX published_items_site_newest ON published_items (site_id, published_at, item_id);
CREATE INDEX published_items_newest ON published_items (published_at, item_id);
CREATE INDEX published_items_updated ON published_items (updated_at);
CREATE INDEX published_items_group ON published_items (translation_group);
CREATE INDEX outbox_events_site ON outbox_events (site_id, id);

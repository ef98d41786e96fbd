-- Content items, their revisions and the slugs they had (Điều 4, 6, 8).
-- Kept in step with ../../postgres/2026-11-29-000003_content/up.sql.

CREATE TABLE content_items (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    section_id BIGINT NOT NULL REFERENCES sections (id),
    kind TEXT NOT NULL CHECK (kind IN ('news', 'article', 'document', 'photo', 'video', 'audio', 'infographic', 'link', 'page')),
    language TEXT NOT NULL,
    translation_group TEXT NOT NULL,
    translation_of BIGINT REFERENCES content_items (id),
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL DEFAULT '',
    author TEXT,
    source TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    featured_image_url TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'in_review', 'awaiting_approval', 'published', 'returned', 'unpublished', 'archived')),
    version BIGINT NOT NULL DEFAULT 1,
    published_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    updated_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    deleted_by BIGINT REFERENCES users (id),
    UNIQUE (site_id, language, slug),
    UNIQUE (translation_group, language)
);
CREATE INDEX content_items_section_id ON content_items (section_id);
CREATE INDEX content_items_updated ON content_items (updated_at, id);

CREATE TABLE content_revisions (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES content_items (id),
    version BIGINT NOT NULL,
    snapshot TEXT NOT NULL,
    note TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, version)
);

-- A published item's old slugs keep resolving to it.
CREATE TABLE slug_redirects (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    language TEXT NOT NULL,
    old_slug TEXT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES content_items (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, language, old_slug)
);

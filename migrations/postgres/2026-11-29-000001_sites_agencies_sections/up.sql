-- Agencies (Sở, Ban, ngành, districts), sites (the portal and its sub-sites) and sections (chuyên mục).
-- Kept in step with ../../sqlite/2026-11-29-000001_sites_agencies_sections/up.sql.

CREATE TABLE agencies (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('people_committee', 'office', 'department', 'board', 'central_branch',
                                       'centre', 'city', 'town', 'district', 'commune', 'other')),
    parent_id BIGINT REFERENCES agencies (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent_id ON agencies (parent_id);

CREATE TABLE sites (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL,
    name_en TEXT,
    base_url TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT 'vi,en',
    owner_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    parent_site_id BIGINT REFERENCES sites (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX sites_owner_agency_id ON sites (owner_agency_id);

CREATE TABLE sections (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    parent_id BIGINT REFERENCES sections (id),
    position INTEGER NOT NULL DEFAULT 0,
    slug TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT,
    description TEXT,
    owner_agency_id BIGINT NOT NULL REFERENCES agencies (id),
    visible BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, slug)
);
CREATE INDEX sections_parent_id ON sections (parent_id);
CREATE INDEX sections_owner_agency_id ON sections (owner_agency_id);

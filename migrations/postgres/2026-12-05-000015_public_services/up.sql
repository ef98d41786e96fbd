-- The catalogue of administrative procedures offered online (Điều 13 of the regulation: online
-- public services are linked and integrated into the portal and its sub-sites): one row per
-- procedure, by its code on the national public-service portal, with the agency that handles it
-- and the figures an integrator reports for it (received, answered on time, late).
-- Kept in step with ../../sqlite/2026-12-05-000015_public_services/up.sql.
CREATE TABLE public_services (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    field TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('full', 'partial')),
    partial_reason TEXT,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    portal_url TEXT NOT NULL,
    fees TEXT NOT NULL,
    time_limit TEXT NOT NULL,
    search_text TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    on_time INTEGER NOT NULL DEFAULT 0 CHECK (on_time >= 0),
    late INTEGER NOT NULL DEFAULT 0 CHECK (late >= 0),
    stats_period TEXT,
    stats_updated_by TEXT,
    stats_updated_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (level = 'full' OR partial_reason IS NOT NULL)
);
CREATE INDEX public_services_agency ON public_services (agency_id, id);

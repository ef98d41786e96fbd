-- Full-text search over the readers' copy: a tsvector of the folded title (weight A) and text
-- (weight B) that `published_items` already keeps (lower-case, no marks, đ as d), so
-- "quang nam" finds "Quảng Nam". A generated column, so it changes in the same statement as the
-- row. The 'simple' configuration: no stemming or stop words, which suit no Vietnamese text.
-- SQLite does the same with FTS5 (../../sqlite/2026-11-29-000006_search_index/up.sql).

ALTER TABLE published_items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', search_title), 'A') ||
    setweight(to_tsvector('simple', search_text), 'B')
) STORED;

CREATE INDEX published_items_search ON published_items USING GIN (search_vector);

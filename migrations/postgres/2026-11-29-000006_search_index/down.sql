DROP INDEX published_items_search;
ALTER TABLE published_items DROP COLUMN search_vector;

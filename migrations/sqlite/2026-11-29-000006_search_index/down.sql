DROP TRIGGER published_search_update;
DROP TRIGGER published_search_delete;
DROP TRIGGER published_search_insert;
DROP TABLE published_search;

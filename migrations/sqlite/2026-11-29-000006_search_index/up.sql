-- Full-text search over the readers' copy. The index holds the folded title and text (lower-case,
-- no marks, đ as d) that `published_items` already keeps, so "quang nam" finds "Quảng Nam".
-- Triggers keep it in the same transaction as every change to `published_items`.
-- Contentless: the text stays in `published_items`; the index only maps words to item ids.
-- PostgreSQL does the same with a tsvector column and a GIN index
-- (../../postgres/2026-11-29-000006_search_index/up.sql).

CREATE VIRTUAL TABLE published_search USING fts5(
    search_title,
    search_text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61'
);

CREATE TRIGGER published_search_insert AFTER INSERT ON published_items BEGIN
    INSERT INTO published_search (rowid, search_title, search_text)
    VALUES (new.item_id, new.search_title, new.search_text);
END;

CREATE TRIGGER published_search_delete AFTER DELETE ON published_items BEGIN
    DELETE FROM published_search WHERE rowid = old.item_id;
END;

CREATE TRIGGER published_search_update AFTER UPDATE ON published_items BEGIN
    DELETE FROM published_search WHERE rowid = old.item_id;
    INSERT INTO published_search (rowid, search_title, search_text)
    VALUES (new.item_id, new.search_title, new.search_text);
END;

INSERT INTO published_search (rowid, search_title, search_text)
SELECT item_id, search_title, search_text FROM published_items;

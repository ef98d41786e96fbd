DROP TABLE slug_redirects;
DROP TABLE content_revisions;
DROP TABLE content_items;

DROP INDEX outbox_events_site;
DROP TABLE published_items;

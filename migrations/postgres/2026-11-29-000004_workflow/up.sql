-- The editorial workflow (Điều 9, 10, 19), scheduling, notifications and webhooks.
-- Kept in step with ../../sqlite/2026-11-29-000004_workflow/up.sql.

ALTER TABLE sites ADD COLUMN require_two_person_approval BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sites ADD COLUMN review_threshold_hours INTEGER NOT NULL DEFAULT 48;
-- The main portal's board approves what its members did not edit themselves.
UPDATE sites SET require_two_person_approval = TRUE WHERE parent_site_id IS NULL;

-- The version readers see; later edits wait for approval while it stays live.
ALTER TABLE content_items ADD COLUMN published_revision BIGINT;
ALTER TABLE content_items ADD COLUMN first_published_at TIMESTAMP;
ALTER TABLE content_items ADD COLUMN claimed_by BIGINT REFERENCES users (id);
ALTER TABLE content_items ADD COLUMN approved_by BIGINT REFERENCES users (id);
ALTER TABLE content_items ADD COLUMN publish_at TIMESTAMP;
ALTER TABLE content_items ADD COLUMN unpublish_at TIMESTAMP;
ALTER TABLE content_items ADD COLUMN status_changed_at TIMESTAMP;
CREATE INDEX content_items_publish_at ON content_items (publish_at);
CREATE INDEX content_items_unpublish_at ON content_items (unpublish_at);

CREATE TABLE workflow_transitions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES content_items (id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id),
    actor TEXT NOT NULL,
    comment TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX workflow_transitions_item_id ON workflow_transitions (item_id);

CREATE TABLE review_comments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES content_items (id),
    parent_id BIGINT REFERENCES review_comments (id),
    author_user_id BIGINT REFERENCES users (id),
    body TEXT NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX review_comments_item_id ON review_comments (item_id);

CREATE TABLE notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    item_id BIGINT REFERENCES content_items (id),
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user_id ON notifications (user_id, id);

CREATE TABLE webhook_endpoints (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    site_id BIGINT REFERENCES sites (id),
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    disabled_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Written in the same transaction as the change it announces, so no event is ever lost.
CREATE TABLE outbox_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_type TEXT NOT NULL,
    site_id BIGINT REFERENCES sites (id),
    item_id BIGINT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id),
    event_id BIGINT NOT NULL REFERENCES outbox_events (id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'abandoned')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);

CREATE TABLE delivery_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id),
    attempted_at TIMESTAMP NOT NULL,
    status_code INTEGER,
    latency_ms BIGINT NOT NULL,
    error TEXT
);
CREATE INDEX delivery_attempts_delivery_id ON delivery_attempts (delivery_id);

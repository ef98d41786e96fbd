-- Integrity fixes (issue 10). Kept in step with ../../postgres/2026-11-30-000007_integrity/up.sql.

-- The revision the chief editor approved: a scheduled publication publishes exactly that one.
ALTER TABLE content_items ADD COLUMN approved_version BIGINT;
-- Điều 10.2 separates the members who edit from the head who approves: by default the board
-- member who forwarded an item may not approve it too.
ALTER TABLE sites ADD COLUMN forwarder_may_approve BOOLEAN NOT NULL DEFAULT FALSE;
-- The two-person rule is on for every site; an operator turns it off per site, with a reason.
UPDATE sites SET require_two_person_approval = TRUE;
-- The item's version at each step: what was submitted, forwarded, approved and published.
ALTER TABLE workflow_transitions ADD COLUMN version BIGINT;
-- Items approved for later before this migration were approved at the version they are at.
UPDATE content_items SET approved_version = version WHERE approved_by IS NOT NULL;

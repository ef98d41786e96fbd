ALTER TABLE workflow_transitions DROP COLUMN version;
ALTER TABLE sites ALTER COLUMN require_two_person_approval SET DEFAULT FALSE;
ALTER TABLE sites DROP COLUMN forwarder_may_approve;
ALTER TABLE content_items DROP COLUMN approved_version;

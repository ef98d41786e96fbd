ALTER TABLE feedback_forwardings DROP COLUMN accepted_by;
ALTER TABLE feedback_forwardings DROP COLUMN accepted_at;
ALTER TABLE feedback_forwardings DROP COLUMN answer_attachments;
DROP TABLE feedback_publication_changes;

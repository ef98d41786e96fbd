ALTER TABLE feedback_forwardings DROP COLUMN answer_attachments;
DROP TABLE feedback_publication_changes;

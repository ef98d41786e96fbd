DROP TABLE feedback_events;
DROP TABLE feedback_signatories;
DROP TABLE feedback_forwardings;
DROP TABLE feedback_cases;
DROP TABLE deadline_rules;
DROP TABLE calendar_overrides;
DROP TABLE holiday_rules;

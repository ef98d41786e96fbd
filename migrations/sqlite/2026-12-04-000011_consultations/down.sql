DROP TABLE intake_throttle;
DROP TABLE consultation_comments;
DROP TABLE consultation_parts;
DROP TABLE consultations;

-- RFC 6238 §5.2: a TOTP code is accepted once. The time step of the last accepted code; a code of
-- that step or an earlier one is refused. Kept in step with ../../sqlite/2026-12-02-000008_totp_single_use.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

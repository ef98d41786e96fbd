-- A royalty entry keeps the grade it was entered at (genre, coefficient in hundredths, unit
-- value, adjustments as JSON, the claim's share in basis points): a statement line, and the
-- reversal of an entry after a correction, show the numbers that entry was computed from, not
-- the work's current grade. NULL for remuneration and incentives.
ALTER TABLE royalty_ledger ADD COLUMN genre TEXT;
ALTER TABLE royalty_ledger ADD COLUMN coefficient INTEGER;
ALTER TABLE royalty_ledger ADD COLUMN unit_value BIGINT;
ALTER TABLE royalty_ledger ADD COLUMN adjustments TEXT;
ALTER TABLE royalty_ledger ADD COLUMN share_bp INTEGER;

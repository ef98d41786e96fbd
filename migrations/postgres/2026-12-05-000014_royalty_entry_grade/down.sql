ALTER TABLE royalty_ledger DROP COLUMN share_bp;
ALTER TABLE royalty_ledger DROP COLUMN adjustments;
ALTER TABLE royalty_ledger DROP COLUMN unit_value;
ALTER TABLE royalty_ledger DROP COLUMN coefficient;
ALTER TABLE royalty_ledger DROP COLUMN genre;

-- Royalties (nhuận bút) and remuneration (thù lao) for work published on the portal
-- (Điều 2.5, 2.6, 15, 16, 21.5; Nghị định 18/2014/NĐ-CP). Money is BIGINT đồng; coefficients are
-- INTEGER hundredths (1.50 is 150); percentages INTEGER; shares INTEGER basis points (100 % is
-- 10000). Every rule with legal force is a dated row with its legal basis.
-- Kept in step with ../../postgres/2026-12-05-000013_royalties/up.sql.

-- The base salary (lương cơ sở); the unit value of a royalty is a schedule's unit_percent of it.
CREATE TABLE royalty_base_salaries (
    id INTEGER PRIMARY KEY,
    valid_from DATE NOT NULL UNIQUE,
    valid_until DATE CHECK (valid_until IS NULL OR valid_until >= valid_from),
    amount BIGINT NOT NULL CHECK (amount > 0),
    legal_basis TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The national maximum coefficient of each family of genres (NĐ 18/2014): news 10,
-- commentary 30, online/media 50.
CREATE TABLE royalty_maxima (
    id INTEGER PRIMARY KEY,
    family TEXT NOT NULL CHECK (family IN ('news', 'commentary', 'media')),
    max_coefficient INTEGER NOT NULL CHECK (max_coefficient > 0),
    valid_from DATE NOT NULL,
    valid_until DATE CHECK (valid_until IS NULL OR valid_until >= valid_from),
    legal_basis TEXT NOT NULL,
    UNIQUE (family, valid_from)
);

-- Personal income tax withheld from a payment (Thông tư 111/2013/TT-BTC, Điều 25.1.i: 10 % of
-- a payment of 2,000,000 đ or more).
CREATE TABLE royalty_tax_rules (
    id INTEGER PRIMARY KEY,
    valid_from DATE NOT NULL UNIQUE,
    valid_until DATE CHECK (valid_until IS NULL OR valid_until >= valid_from),
    rate_percent INTEGER NOT NULL CHECK (rate_percent BETWEEN 0 AND 100),
    threshold BIGINT NOT NULL CHECK (threshold >= 0),
    legal_basis TEXT NOT NULL
);

-- The province's rate schedule: genres with coefficient ranges (JSON), adjustments with
-- percentage ranges (JSON), the sub-sites' share, the fund's caps and the payment limit.
CREATE TABLE royalty_schedules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE CHECK (valid_until IS NULL OR valid_until >= valid_from),
    legal_basis TEXT NOT NULL,
    decision TEXT NOT NULL,
    unit_percent INTEGER NOT NULL CHECK (unit_percent BETWEEN 1 AND 100),
    subsite_percent INTEGER NOT NULL CHECK (subsite_percent BETWEEN 1 AND 100),
    incentive_cap_percent INTEGER NOT NULL CHECK (incentive_cap_percent BETWEEN 0 AND 100),
    remuneration_cap_percent INTEGER NOT NULL CHECK (remuneration_cap_percent BETWEEN 0 AND 100),
    payment_days INTEGER NOT NULL CHECK (payment_days > 0),
    genres TEXT NOT NULL,
    adjustments TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Who is paid: an account of the CMS, or an external contributor under a pen name. The identity
-- number, tax code and bank account are sealed (AES-256-GCM, PORTAL_DATA_KEY, bound to the row).
CREATE TABLE royalty_payees (
    id INTEGER PRIMARY KEY,
    user_id BIGINT UNIQUE REFERENCES users (id),
    pen_name TEXT NOT NULL,
    agency_id BIGINT REFERENCES agencies (id),
    sealed TEXT,
    masked TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The authors credited on an item before it is published, with their shares.
CREATE TABLE royalty_credits (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES content_items (id),
    position INTEGER NOT NULL,
    payee_id BIGINT NOT NULL REFERENCES royalty_payees (id),
    share_bp INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
    UNIQUE (item_id, position)
);

-- A published work, opened at its first publication with the schedule and unit value in force
-- that day (frozen), graded and approved by the site's chief editor.
CREATE TABLE royalty_works (
    id INTEGER PRIMARY KEY,
    item_id BIGINT NOT NULL UNIQUE REFERENCES content_items (id),
    site_id BIGINT NOT NULL REFERENCES sites (id),
    title TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'graded', 'approved', 'cancelled')),
    schedule_id BIGINT REFERENCES royalty_schedules (id),
    base_salary BIGINT,
    unit_value BIGINT,
    site_percent INTEGER NOT NULL,
    genre TEXT,
    coefficient INTEGER,
    adjustments TEXT NOT NULL,
    reason TEXT,
    amount BIGINT,
    graded_by TEXT,
    graded_at TIMESTAMP,
    approved_by TEXT,
    approved_at TIMESTAMP,
    cancel_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX royalty_works_site ON royalty_works (site_id, published_on, id);

-- One claim per credited author of a work: its share and, once approved, its part.
CREATE TABLE royalty_claims (
    id INTEGER PRIMARY KEY,
    work_id BIGINT NOT NULL REFERENCES royalty_works (id),
    position INTEGER NOT NULL,
    payee_id BIGINT NOT NULL REFERENCES royalty_payees (id),
    share_bp INTEGER NOT NULL CHECK (share_bp BETWEEN 1 AND 10000),
    amount BIGINT,
    UNIQUE (work_id, position)
);
CREATE INDEX royalty_claims_payee ON royalty_claims (payee_id, id);

-- The append-only ledger: approved royalties, remuneration and incentives; a correction is a
-- reversal (reverses = the entry it cancels, amount negated) plus a new entry, never an edit.
CREATE TABLE royalty_ledger (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    payee_id BIGINT NOT NULL REFERENCES royalty_payees (id),
    category TEXT NOT NULL CHECK (category IN ('royalty', 'incentive', 'remuneration')),
    work_id BIGINT REFERENCES royalty_works (id),
    claim_id BIGINT REFERENCES royalty_claims (id),
    amount BIGINT NOT NULL,
    period TEXT NOT NULL,
    role TEXT,
    note TEXT,
    reverses BIGINT UNIQUE REFERENCES royalty_ledger (id),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX royalty_ledger_site ON royalty_ledger (site_id, period, id);
CREATE INDEX royalty_ledger_payee ON royalty_ledger (payee_id, id);
CREATE INDEX royalty_ledger_claim ON royalty_ledger (claim_id);

-- The yearly fund of a site: the royalty budget and the caps (copied from the schedule in force
-- on the first day of the year) of incentives and remuneration.
CREATE TABLE royalty_funds (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    year INTEGER NOT NULL,
    royalty_budget BIGINT NOT NULL CHECK (royalty_budget >= 0),
    incentive_cap_percent INTEGER NOT NULL,
    remuneration_cap_percent INTEGER NOT NULL,
    legal_basis TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, year)
);

-- A payee's monthly statement on a site: the ledger entries it gathers, the tax withheld.
CREATE TABLE royalty_statements (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    payee_id BIGINT NOT NULL REFERENCES royalty_payees (id),
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    gross BIGINT NOT NULL,
    tax BIGINT NOT NULL,
    net BIGINT NOT NULL,
    tax_rule_id BIGINT REFERENCES royalty_tax_rules (id),
    prepared_by TEXT NOT NULL,
    preparer_id BIGINT,
    prepared_at TIMESTAMP NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMP,
    UNIQUE (site_id, payee_id, period)
);

CREATE TABLE royalty_statement_lines (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES royalty_statements (id),
    ledger_id BIGINT NOT NULL UNIQUE REFERENCES royalty_ledger (id)
);
CREATE INDEX royalty_statement_lines_statement ON royalty_statement_lines (statement_id);

CREATE TABLE royalty_payments (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES royalty_statements (id),
    paid_on DATE NOT NULL,
    reference TEXT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX royalty_payments_statement ON royalty_payments (statement_id);

INSERT INTO royalty_base_salaries (valid_from, valid_until, amount, legal_basis, created_by, created_at) VALUES
    ('2024-07-01', '2026-06-30', 2340000, 'Nghị định 73/2024/NĐ-CP: lương cơ sở 2.340.000 đ từ 01/07/2024', 'seed', '2026-12-05 00:00:00'),
    ('2026-07-01', NULL, 2530000, 'Lương cơ sở 2.530.000 đ từ 01/07/2026', 'seed', '2026-12-05 00:00:00');

INSERT INTO royalty_maxima (family, max_coefficient, valid_from, valid_until, legal_basis) VALUES
    ('news', 1000, '2014-04-25', NULL, 'Nghị định 18/2014/NĐ-CP: tin, trả lời bạn đọc, tranh, ảnh tối đa hệ số 10'),
    ('commentary', 3000, '2014-04-25', NULL, 'Nghị định 18/2014/NĐ-CP: bình luận, phóng sự, phỏng vấn, tác phẩm văn học, nghiên cứu tối đa hệ số 30'),
    ('media', 5000, '2014-04-25', NULL, 'Nghị định 18/2014/NĐ-CP: tác phẩm đa phương tiện tối đa hệ số 50');

INSERT INTO royalty_tax_rules (valid_from, valid_until, rate_percent, threshold, legal_basis) VALUES
    ('2014-01-01', NULL, 10, 2000000, 'Thông tư 111/2013/TT-BTC, Điều 25.1.i: khấu trừ 10 % trên khoản chi từ 2.000.000 đ');

INSERT INTO royalty_schedules (name, valid_from, valid_until, legal_basis, decision, unit_percent, subsite_percent,
    incentive_cap_percent, remuneration_cap_percent, payment_days, genres, adjustments, created_by, created_at, updated_at) VALUES
    ('Bảng hệ số nhuận bút (ví dụ: bảng của tỉnh Ninh Thuận, 2020)', '2024-07-01', NULL,
     'Nghị định 18/2014/NĐ-CP (nhuận bút báo điện tử, trang thông tin điện tử)',
     'Ví dụ theo quyết định của UBND tỉnh Ninh Thuận (2020); thay bằng quyết định của UBND tỉnh',
     10, 20, 30, 50, 60,
     '[{"code":"tin","label":"Tin","family":"news","min":100,"max":100,"default":100},{"code":"tin_anh","label":"Tin có ảnh","family":"news","min":150,"max":150,"default":150},{"code":"tin_phong_su","label":"Tin phóng sự","family":"commentary","min":120,"max":250,"default":120},{"code":"tin_dang_lai","label":"Tin đăng lại","family":"news","min":50,"max":50,"default":50},{"code":"anh","label":"Ảnh","family":"news","min":120,"max":180,"default":120},{"code":"bao_cao","label":"Bài báo cáo","family":"commentary","min":200,"max":250,"default":200},{"code":"binh_luan","label":"Bình luận","family":"commentary","min":250,"max":300,"default":250},{"code":"nghien_cuu","label":"Nghiên cứu","family":"commentary","min":300,"max":400,"default":300},{"code":"da_phuong_tien","label":"Đa phương tiện","family":"media","min":400,"max":500,"default":400},{"code":"tra_loi_ban_doc","label":"Trả lời bạn đọc","family":"news","min":100,"max":100,"default":100}]',
     '[{"code":"dich","label":"Tác phẩm dịch","kind":"share","min":40,"max":65,"default":50},{"code":"phu_de","label":"Phụ đề, lời bình","kind":"share","min":20,"max":50,"default":30},{"code":"thieu_nhi_dan_toc","label":"Cho thiếu nhi, đồng bào dân tộc thiểu số","kind":"bonus","min":10,"max":20,"default":10},{"code":"ngoai_ngu_dan_toc","label":"Viết trực tiếp bằng tiếng nước ngoài, tiếng dân tộc","kind":"bonus","min":30,"max":50,"default":30},{"code":"kho_khan","label":"Điều kiện khó khăn, nguy hiểm","kind":"bonus","min":1,"max":100,"default":50}]',
     'seed', '2026-12-05 00:00:00', '2026-12-05 00:00:00');

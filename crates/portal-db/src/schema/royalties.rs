// The tables of portal-royalties (docs/architecture.md, "Tables and their owners"), kept by hand
// like ../schema.rs, which re-exports them.

diesel::table! {
    royalty_base_salaries (id) {
        id -> BigInt,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        amount -> BigInt,
        legal_basis -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    royalty_maxima (id) {
        id -> BigInt,
        family -> Text,
        max_coefficient -> Integer,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        legal_basis -> Text,
    }
}

diesel::table! {
    royalty_tax_rules (id) {
        id -> BigInt,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        rate_percent -> Integer,
        threshold -> BigInt,
        legal_basis -> Text,
    }
}

diesel::table! {
    royalty_schedules (id) {
        id -> BigInt,
        name -> Text,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        legal_basis -> Text,
        decision -> Text,
        unit_percent -> Integer,
        subsite_percent -> Integer,
        incentive_cap_percent -> Integer,
        remuneration_cap_percent -> Integer,
        payment_days -> Integer,
        genres -> Text,
        adjustments -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    royalty_payees (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        pen_name -> Text,
        agency_id -> Nullable<BigInt>,
        sealed -> Nullable<Text>,
        masked -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    royalty_credits (id) {
        id -> BigInt,
        item_id -> BigInt,
        position -> Integer,
        payee_id -> BigInt,
        share_bp -> Integer,
    }
}

diesel::table! {
    royalty_works (id) {
        id -> BigInt,
        item_id -> BigInt,
        site_id -> BigInt,
        title -> Text,
        published_at -> Timestamp,
        published_on -> Date,
        status -> Text,
        schedule_id -> Nullable<BigInt>,
        base_salary -> Nullable<BigInt>,
        unit_value -> Nullable<BigInt>,
        site_percent -> Integer,
        genre -> Nullable<Text>,
        coefficient -> Nullable<Integer>,
        adjustments -> Text,
        reason -> Nullable<Text>,
        amount -> Nullable<BigInt>,
        graded_by -> Nullable<Text>,
        graded_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    royalty_claims (id) {
        id -> BigInt,
        work_id -> BigInt,
        position -> Integer,
        payee_id -> BigInt,
        share_bp -> Integer,
        amount -> Nullable<BigInt>,
    }
}

diesel::table! {
    royalty_ledger (id) {
        id -> BigInt,
        site_id -> BigInt,
        payee_id -> BigInt,
        category -> Text,
        work_id -> Nullable<BigInt>,
        claim_id -> Nullable<BigInt>,
        amount -> BigInt,
        period -> Text,
        role -> Nullable<Text>,
        note -> Nullable<Text>,
        reverses -> Nullable<BigInt>,
        created_by -> Text,
        created_at -> Timestamp,
        genre -> Nullable<Text>,
        coefficient -> Nullable<Integer>,
        unit_value -> Nullable<BigInt>,
        adjustments -> Nullable<Text>,
        share_bp -> Nullable<Integer>,
    }
}

diesel::table! {
    royalty_funds (id) {
        id -> BigInt,
        site_id -> BigInt,
        year -> Integer,
        royalty_budget -> BigInt,
        incentive_cap_percent -> Integer,
        remuneration_cap_percent -> Integer,
        legal_basis -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    royalty_statements (id) {
        id -> BigInt,
        site_id -> BigInt,
        payee_id -> BigInt,
        period -> Text,
        status -> Text,
        gross -> BigInt,
        tax -> BigInt,
        net -> BigInt,
        tax_rule_id -> Nullable<BigInt>,
        prepared_by -> Text,
        preparer_id -> Nullable<BigInt>,
        prepared_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    royalty_statement_lines (id) {
        id -> BigInt,
        statement_id -> BigInt,
        ledger_id -> BigInt,
    }
}

diesel::table! {
    royalty_payments (id) {
        id -> BigInt,
        statement_id -> BigInt,
        paid_on -> Date,
        reference -> Text,
        amount -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

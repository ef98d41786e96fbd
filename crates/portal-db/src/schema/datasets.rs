// The tables of portal-datasets (docs/architecture.md, "Tables and their owners"), kept by hand
// like ../schema.rs, which re-exports them.

diesel::table! {
    public_services (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        field -> Text,
        level -> Text,
        partial_reason -> Nullable<Text>,
        agency_id -> BigInt,
        portal_url -> Text,
        fees -> Text,
        time_limit -> Text,
        search_text -> Text,
        received -> Integer,
        on_time -> Integer,
        late -> Integer,
        stats_period -> Nullable<Text>,
        stats_updated_by -> Nullable<Text>,
        stats_updated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rule_packs (id) {
        id -> BigInt,
        key -> Text,
        name -> Text,
        legal_basis -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        default_limit_days -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rule_pack_categories (id) {
        id -> BigInt,
        pack_id -> BigInt,
        position -> Integer,
        code -> Text,
        name -> Text,
        content_type -> Nullable<Text>,
        section_slug -> Nullable<Text>,
        agency_code -> Nullable<Text>,
        event_field -> Nullable<Text>,
        limit_days -> Nullable<Integer>,
        frequency_days -> Nullable<Integer>,
        legal_basis -> Text,
    }
}

diesel::joinable!(rule_pack_categories -> rule_packs (pack_id));

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

// Kept by hand in the portable subset of SQL types that both backends share (see docs/architecture.md);
// `diesel print-schema` against PostgreSQL prints the same tables.

diesel::table! {
    agencies (id) {
        id -> BigInt,
        code -> Text,
        name_vi -> Text,
        name_en -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sites (id) {
        id -> BigInt,
        key -> Text,
        name_vi -> Text,
        name_en -> Nullable<Text>,
        base_url -> Text,
        languages -> Text,
        owner_agency_id -> BigInt,
        parent_site_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sections (id) {
        id -> BigInt,
        site_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        position -> Integer,
        slug -> Text,
        name_vi -> Text,
        name_en -> Nullable<Text>,
        description -> Nullable<Text>,
        owner_agency_id -> BigInt,
        visible -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(sites -> agencies (owner_agency_id));
diesel::joinable!(sections -> sites (site_id));
diesel::joinable!(sections -> agencies (owner_agency_id));

diesel::allow_tables_to_appear_in_same_query!(agencies, sites, sections);

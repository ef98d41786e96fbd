// The tables of content types defined at run time (owned by portal-content; docs/architecture.md,
// "Tables and their owners"), kept by hand like ../schema.rs, which re-exports them.

diesel::table! {
    content_types (id) {
        id -> BigInt,
        key -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        description -> Nullable<Text>,
        legal_basis -> Nullable<Text>,
        current_version -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    content_type_versions (id) {
        id -> BigInt,
        type_id -> BigInt,
        version -> Integer,
        definition -> Text,
        dropped -> Text,
        note -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    published_field_values (id) {
        id -> BigInt,
        item_id -> BigInt,
        site_id -> BigInt,
        content_type -> Text,
        field -> Text,
        text_value -> Nullable<Text>,
        num_value -> Nullable<BigInt>,
        published_at -> Timestamp,
    }
}

diesel::table! {
    typed_unique_values (id) {
        id -> BigInt,
        content_type -> Text,
        site_id -> BigInt,
        language -> Text,
        field -> Text,
        value -> Text,
        item_id -> BigInt,
    }
}

diesel::joinable!(content_type_versions -> content_types (type_id));
diesel::joinable!(published_field_values -> super::published_items (item_id));

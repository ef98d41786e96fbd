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

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Nullable<Text>,
        agency_id -> BigInt,
        password_hash -> Text,
        status -> Text,
        must_change_password -> Bool,
        token_version -> BigInt,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    role_grants (id) {
        id -> BigInt,
        user_id -> BigInt,
        site_id -> BigInt,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    editor_sections (id) {
        id -> BigInt,
        user_id -> BigInt,
        section_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        family_started_at -> Timestamp,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (client_ip) {
        client_ip -> Text,
        window_started_at -> Timestamp,
        failures -> Integer,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        seq -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        agency -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        action -> Text,
        target -> Nullable<Text>,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> BigInt,
        seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    content_items (id) {
        id -> BigInt,
        site_id -> BigInt,
        section_id -> BigInt,
        kind -> Text,
        language -> Text,
        translation_group -> Text,
        translation_of -> Nullable<BigInt>,
        title -> Text,
        slug -> Text,
        summary -> Nullable<Text>,
        body -> Text,
        author -> Nullable<Text>,
        source -> Nullable<Text>,
        tags -> Text,
        featured_image_url -> Nullable<Text>,
        fields -> Text,
        status -> Text,
        version -> BigInt,
        published_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    content_revisions (id) {
        id -> BigInt,
        item_id -> BigInt,
        version -> BigInt,
        snapshot -> Text,
        note -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    slug_redirects (id) {
        id -> BigInt,
        site_id -> BigInt,
        language -> Text,
        old_slug -> Text,
        item_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(sites -> agencies (owner_agency_id));
diesel::joinable!(content_items -> sites (site_id));
diesel::joinable!(content_items -> sections (section_id));
diesel::joinable!(content_revisions -> content_items (item_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(role_grants -> users (user_id));
diesel::joinable!(role_grants -> sites (site_id));
diesel::joinable!(editor_sections -> users (user_id));
diesel::joinable!(editor_sections -> sections (section_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(sections -> sites (site_id));
diesel::joinable!(sections -> agencies (owner_agency_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    sites,
    sections,
    users,
    role_grants,
    editor_sections,
    refresh_tokens,
    api_keys,
    login_throttle,
    settings,
    audit_log,
    audit_head,
    content_items,
    content_revisions,
    slug_redirects,
);

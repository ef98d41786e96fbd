// Kept by hand in the portable subset of SQL types that both backends share (see docs/architecture.md);
// `diesel print-schema` against PostgreSQL prints the same tables.

// The citizens' side (feedback, the working-day calendar, consultations, the public forms'
// allowance) is in schema/citizens.rs, re-exported here: `portal_db::schema::<table>` names every
// table (schema/royalties.rs: portal-royalties' tables; schema/datasets.rs: portal-datasets'), and the joins and the same-query list below cover both files.
mod citizens;
mod datasets;
mod royalties;
mod types;
pub use citizens::*;
pub use datasets::*;
pub use royalties::*;
pub use types::*;

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
        require_two_person_approval -> Bool,
        review_threshold_hours -> Integer,
        forwarder_may_approve -> Bool,
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
        totp_last_step -> Nullable<BigInt>,
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
        published_revision -> Nullable<BigInt>,
        first_published_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<BigInt>,
        approved_by -> Nullable<BigInt>,
        publish_at -> Nullable<Timestamp>,
        unpublish_at -> Nullable<Timestamp>,
        status_changed_at -> Nullable<Timestamp>,
        approved_version -> Nullable<BigInt>,
        content_type -> Nullable<Text>,
        type_version -> Nullable<Integer>,
        data -> Text,
    }
}

diesel::table! {
    workflow_transitions (id) {
        id -> BigInt,
        item_id -> BigInt,
        action -> Text,
        from_status -> Text,
        to_status -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor -> Text,
        comment -> Nullable<Text>,
        created_at -> Timestamp,
        version -> Nullable<BigInt>,
    }
}

diesel::table! {
    review_comments (id) {
        id -> BigInt,
        item_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_user_id -> Nullable<BigInt>,
        body -> Text,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        item_id -> Nullable<BigInt>,
        message -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> BigInt,
        url -> Text,
        events -> Text,
        site_id -> Nullable<BigInt>,
        secret -> Text,
        active -> Bool,
        consecutive_failures -> Integer,
        disabled_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_events (id) {
        id -> BigInt,
        event_type -> Text,
        site_id -> Nullable<BigInt>,
        item_id -> Nullable<BigInt>,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        endpoint_id -> BigInt,
        event_id -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delivery_attempts (id) {
        id -> BigInt,
        delivery_id -> BigInt,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        error -> Nullable<Text>,
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

diesel::table! {
    published_items (item_id) {
        item_id -> BigInt,
        site_id -> BigInt,
        section_id -> BigInt,
        kind -> Text,
        language -> Text,
        translation_group -> Text,
        slug -> Text,
        title -> Text,
        summary -> Nullable<Text>,
        body -> Text,
        author -> Nullable<Text>,
        source -> Nullable<Text>,
        tags -> Text,
        featured_image_url -> Nullable<Text>,
        fields -> Text,
        revision -> BigInt,
        published_at -> Timestamp,
        updated_at -> Timestamp,
        search_title -> Text,
        search_text -> Text,
        content_type -> Nullable<Text>,
        data -> Text,
    }
}

diesel::joinable!(sites -> agencies (owner_agency_id));
diesel::joinable!(published_items -> sections (section_id));
diesel::joinable!(content_items -> sites (site_id));
diesel::joinable!(content_items -> sections (section_id));
diesel::joinable!(content_revisions -> content_items (item_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> outbox_events (event_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(role_grants -> users (user_id));
diesel::joinable!(role_grants -> sites (site_id));
diesel::joinable!(editor_sections -> users (user_id));
diesel::joinable!(editor_sections -> sections (section_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(sections -> sites (site_id));
diesel::joinable!(sections -> agencies (owner_agency_id));
diesel::joinable!(feedback_forwardings -> feedback_cases (case_id));
diesel::joinable!(feedback_forwardings -> agencies (agency_id));
diesel::joinable!(feedback_events -> feedback_cases (case_id));
diesel::joinable!(feedback_cases -> deadline_rules (deadline_rule_id));

diesel::joinable!(feedback_publications -> feedback_cases (case_id));
diesel::joinable!(feedback_mail -> feedback_cases (case_id));
diesel::joinable!(feedback_publication_changes -> feedback_publications (publication_id));
diesel::joinable!(consultations -> sites (site_id));
diesel::joinable!(consultations -> agencies (agency_id));
diesel::joinable!(consultation_parts -> consultations (consultation_id));
diesel::joinable!(consultation_comments -> consultations (consultation_id));
diesel::joinable!(public_services -> agencies (agency_id));
diesel::joinable!(royalty_claims -> royalty_works (work_id));
diesel::joinable!(royalty_claims -> royalty_payees (payee_id));
diesel::joinable!(royalty_works -> sites (site_id));
diesel::joinable!(royalty_statements -> royalty_payees (payee_id));
diesel::joinable!(royalty_statement_lines -> royalty_statements (statement_id));
diesel::joinable!(royalty_statement_lines -> royalty_ledger (ledger_id));
diesel::joinable!(royalty_payments -> royalty_statements (statement_id));

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
    workflow_transitions,
    review_comments,
    notifications,
    webhook_endpoints,
    outbox_events,
    webhook_deliveries,
    delivery_attempts,
    published_items,
    holiday_rules,
    calendar_overrides,
    deadline_rules,
    feedback_cases,
    feedback_forwardings,
    feedback_signatories,
    feedback_events,
    feedback_policies,
    feedback_publications,
    feedback_mail,
    feedback_publication_changes,
    consultations,
    consultation_parts,
    consultation_comments,
    intake_throttle,
    royalty_base_salaries,
    royalty_maxima,
    royalty_tax_rules,
    royalty_schedules,
    royalty_payees,
    royalty_credits,
    royalty_works,
    royalty_claims,
    royalty_ledger,
    royalty_funds,
    royalty_statements,
    royalty_statement_lines,
    royalty_payments,
    public_services,
    content_types,
    content_type_versions,
    published_field_values,
    typed_unique_values,
    rule_packs,
    rule_pack_categories,
);

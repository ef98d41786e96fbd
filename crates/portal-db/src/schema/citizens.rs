// The tables of portal-feedback and portal-consultation (docs/architecture.md, "Tables and their
// owners"), kept by hand like ../schema.rs, which re-exports them.

diesel::table! {
    holiday_rules (id) {
        id -> BigInt,
        name -> Text,
        calendar -> Text,
        month -> Integer,
        day -> Integer,
        offset_days -> Integer,
        length_days -> Integer,
        compensate_weekend -> Bool,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        legal_basis -> Text,
    }
}

diesel::table! {
    calendar_overrides (day) {
        day -> Date,
        working -> Bool,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deadline_rules (id) {
        id -> BigInt,
        case_kind -> Text,
        working_days -> Integer,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        legal_basis -> Text,
    }
}

diesel::table! {
    feedback_cases (id) {
        id -> BigInt,
        code -> Text,
        secret_hash -> Text,
        site_id -> BigInt,
        section_id -> Nullable<BigInt>,
        item_id -> Nullable<BigInt>,
        kind -> Text,
        field -> Nullable<Text>,
        status -> Text,
        subject -> Text,
        body -> Text,
        personal_data -> Nullable<Text>,
        contact_masked -> Text,
        consent_processing -> Bool,
        consent_publication -> Bool,
        consent_email -> Bool,
        privacy_notice_version -> Text,
        fingerprint -> Text,
        received_on -> Date,
        deadline_rule_id -> BigInt,
        due_on -> Date,
        answered_on -> Nullable<Date>,
        paused_since -> Nullable<Date>,
        paused_working_days -> Integer,
        reply -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        merged_into_id -> Nullable<BigInt>,
        escalated_on -> Nullable<Date>,
        escalation_reason -> Nullable<Text>,
        closed_on -> Nullable<Date>,
    }
}

diesel::table! {
    feedback_forwardings (id) {
        id -> BigInt,
        case_id -> BigInt,
        agency_id -> BigInt,
        letter -> Text,
        forwarded_on -> Date,
        due_on -> Date,
        forwarded_by -> Text,
        status -> Text,
        answer -> Nullable<Text>,
        drafted_by -> Nullable<Text>,
        drafted_at -> Nullable<Timestamp>,
        signed_by_user_id -> Nullable<BigInt>,
        signed_by -> Nullable<Text>,
        signed_capacity -> Nullable<Text>,
        signed_at -> Nullable<Timestamp>,
        interim_reply -> Nullable<Text>,
        interim_promised_on -> Nullable<Date>,
        interim_at -> Nullable<Timestamp>,
        returned_reason -> Nullable<Text>,
        returned_at -> Nullable<Timestamp>,
        answer_attachments -> Text,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::table! {
    feedback_signatories (agency_id, user_id) {
        agency_id -> BigInt,
        user_id -> BigInt,
        capacity -> Text,
        named_by -> Text,
        named_at -> Timestamp,
    }
}

diesel::table! {
    feedback_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        note -> Nullable<Text>,
        public -> Bool,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        site_id -> BigInt,
        agency_id -> BigInt,
        slug -> Text,
        kind -> Text,
        title -> Text,
        summary -> Text,
        receiving_unit -> Text,
        contact -> Text,
        attachments -> Text,
        opens_on -> Date,
        closes_on -> Date,
        revision -> Integer,
        published_at -> Nullable<Timestamp>,
        result_summary -> Nullable<Text>,
        result_published_at -> Nullable<Timestamp>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_parts (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        revision -> Integer,
        position -> Integer,
        part_key -> Text,
        label -> Text,
        heading -> Text,
        body -> Text,
    }
}

diesel::table! {
    consultation_comments (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        revision -> Integer,
        part_key -> Nullable<Text>,
        body -> Text,
        organisation -> Nullable<Text>,
        personal -> Nullable<Text>,
        masked -> Text,
        consent_publication -> Bool,
        privacy_notice_version -> Text,
        fingerprint -> Text,
        status -> Text,
        moderation_reason -> Nullable<Text>,
        moderated_by -> Nullable<Text>,
        moderated_at -> Nullable<Timestamp>,
        disposition -> Nullable<Text>,
        disposition_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    intake_throttle (client_key) {
        client_key -> Text,
        window_started_at -> Timestamp,
        submissions -> Integer,
    }
}

diesel::table! {
    feedback_publication_changes (id) {
        id -> BigInt,
        publication_id -> BigInt,
        site_id -> BigInt,
        change -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    feedback_policies (id) {
        id -> BigInt,
        supervising_agency -> Text,
        escalation_grace_days -> Integer,
        retention_days -> Integer,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        legal_basis -> Text,
    }
}

diesel::table! {
    feedback_publications (id) {
        id -> BigInt,
        case_id -> BigInt,
        site_id -> BigInt,
        title -> Text,
        question -> Text,
        answer -> Text,
        answered_by -> Text,
        search_text -> Text,
        published_at -> Timestamp,
        published_by -> Text,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    feedback_mail (id) {
        id -> BigInt,
        case_id -> BigInt,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        attempts -> Integer,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        dropped_reason -> Nullable<Text>,
        last_error -> Nullable<Text>,
    }
}

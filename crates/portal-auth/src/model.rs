use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_db::schema::users;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Agency staff who post into their agency's sections (Điều 7.2).
    Contributor,
    /// Editorial-board member; may be limited to assigned sections (Điều 10, 19.4).
    Editor,
    /// Approves and publishes; administers the site (Điều 10.2, 12.2).
    ChiefEditor,
    /// The IT centre: accounts, agencies, API keys, feedback triage, royalties, reports (Điều 21).
    Operator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Contributor,
        Role::Editor,
        Role::ChiefEditor,
        Role::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Contributor => "contributor",
            Role::Editor => "editor",
            Role::ChiefEditor => "chief_editor",
            Role::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles whose holders administer something, for which TOTP can be required.
    pub fn is_privileged(self) -> bool {
        matches!(self, Role::ChiefEditor | Role::Operator)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Disabled,
    Locked,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Disabled => "disabled",
            UserStatus::Locked => "locked",
        }
    }

    pub fn parse(s: &str) -> Option<UserStatus> {
        [UserStatus::Active, UserStatus::Disabled, UserStatus::Locked]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

portal_db::stored_as_text!(Role);
portal_db::stored_as_text!(UserStatus);

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub agency_id: i64,
    pub password_hash: String,
    pub status: UserStatus,
    pub must_change_password: bool,
    pub token_version: i64,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
}

/// A role held on one site, with the editor's assigned sections where limited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub site_id: i64,
    pub site_key: String,
    pub role: Role,
    pub sections: Vec<i64>,
}

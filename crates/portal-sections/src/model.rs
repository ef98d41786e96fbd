use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_db::schema::{agencies, sections, sites};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: i64,
    pub code: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The kinds of agency the schema's CHECK constraint allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    PeopleCommittee,
    Office,
    Department,
    Board,
    CentralBranch,
    Centre,
    City,
    Town,
    District,
    Commune,
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 11] = [
        AgencyKind::PeopleCommittee,
        AgencyKind::Office,
        AgencyKind::Department,
        AgencyKind::Board,
        AgencyKind::CentralBranch,
        AgencyKind::Centre,
        AgencyKind::City,
        AgencyKind::Town,
        AgencyKind::District,
        AgencyKind::Commune,
        AgencyKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::PeopleCommittee => "people_committee",
            AgencyKind::Office => "office",
            AgencyKind::Department => "department",
            AgencyKind::Board => "board",
            AgencyKind::CentralBranch => "central_branch",
            AgencyKind::Centre => "centre",
            AgencyKind::City => "city",
            AgencyKind::Town => "town",
            AgencyKind::District => "district",
            AgencyKind::Commune => "commune",
            AgencyKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AgencyKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sites)]
pub struct Site {
    pub id: i64,
    pub key: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub base_url: String,
    pub languages: String,
    pub owner_agency_id: i64,
    pub parent_site_id: Option<i64>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Whether the last editor of an item may not approve it (Điều 10.2).
    pub require_two_person_approval: bool,
    /// How long an item may wait for the board before it counts as overdue.
    pub review_threshold_hours: i32,
    /// Whether the board member who forwarded an item may also approve it (off by default:
    /// Điều 10.2 separates the members who edit from the head who approves).
    pub forwarder_may_approve: bool,
}

impl Site {
    /// The site's enabled languages (stored comma-separated: a portable column type).
    pub fn language_codes(&self) -> Vec<String> {
        self.languages
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = sections)]
pub struct Section {
    pub id: i64,
    pub site_id: i64,
    pub parent_id: Option<i64>,
    pub position: i32,
    pub slug: String,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub description: Option<String>,
    pub owner_agency_id: i64,
    pub visible: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A section with its children, ordered by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionNode {
    pub section: Section,
    pub children: Vec<SectionNode>,
}

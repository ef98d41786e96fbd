//! Rows of the royalty tables and the typed values stored in them as TEXT. Coefficients are
//! hundredths, percentages whole numbers, shares basis points, money `i64` đồng (see `Dong`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_db::schema::{
    royalty_base_salaries, royalty_claims, royalty_funds, royalty_ledger, royalty_maxima,
    royalty_payees, royalty_payments, royalty_schedules, royalty_statements, royalty_tax_rules,
    royalty_works,
};
use portal_db::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    /// Where a published work's claims stand: opened at publication, graded by the site's chief
    /// editor, approved (its amount frozen into the ledger), or cancelled with a reason.
    WorkStatus {
        Open => "open",
        Graded => "graded",
        Approved => "approved",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// What a ledger entry pays for, each with its own cap in the yearly fund.
    Category {
        Royalty => "royalty",
        Incentive => "incentive",
        Remuneration => "remuneration",
    }
}

impl Category {
    /// As a Vietnamese finance office writes it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Category::Royalty => "Nhuận bút",
            Category::Incentive => "Khuyến khích",
            Category::Remuneration => "Thù lao",
        }
    }
}

text_enum! {
    StatementStatus {
        Draft => "draft",
        Approved => "approved",
    }
}

text_enum! {
    /// The families of genres with their national maximum (NĐ 18/2014): 10, 30, 50.
    Family {
        News => "news",
        Commentary => "commentary",
        Media => "media",
    }
}

text_enum! {
    /// A translation is paid a share of the genre's royalty; a bonus adds to it.
    AdjustmentKind {
        Share => "share",
        Bonus => "bonus",
    }
}

impl Serialize for Family {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Family {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Family::parse(&text).ok_or_else(|| serde::de::Error::custom("unknown family"))
    }
}

impl Serialize for AdjustmentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AdjustmentKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        AdjustmentKind::parse(&text).ok_or_else(|| serde::de::Error::custom("unknown kind"))
    }
}

/// A genre of a schedule (stored in its `genres` JSON): coefficients in hundredths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genre {
    pub code: String,
    pub label: String,
    pub family: Family,
    pub min: i64,
    pub max: i64,
    pub default: i64,
}

/// An adjustment of a schedule (its `adjustments` JSON): percentages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub code: String,
    pub label: String,
    pub kind: AdjustmentKind,
    pub min: i64,
    pub max: i64,
    pub default: i64,
}

/// An adjustment applied to a work (its `adjustments` JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub code: String,
    pub kind: AdjustmentKind,
    pub percent: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_schedules)]
pub struct ScheduleRow {
    pub id: i64,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub legal_basis: String,
    pub decision: String,
    pub unit_percent: i32,
    pub subsite_percent: i32,
    pub incentive_cap_percent: i32,
    pub remuneration_cap_percent: i32,
    pub payment_days: i32,
    pub genres: String,
    pub adjustments: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_base_salaries)]
pub struct BaseSalary {
    pub id: i64,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub amount: i64,
    pub legal_basis: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_maxima)]
pub struct Maximum {
    pub id: i64,
    pub family: String,
    pub max_coefficient: i32,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub legal_basis: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_tax_rules)]
pub struct TaxRule {
    pub id: i64,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub rate_percent: i32,
    pub threshold: i64,
    pub legal_basis: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_payees)]
pub struct PayeeRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub pen_name: String,
    pub agency_id: Option<i64>,
    pub sealed: Option<String>,
    pub masked: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_works)]
pub struct WorkRow {
    pub id: i64,
    pub item_id: i64,
    pub site_id: i64,
    pub title: String,
    pub published_at: NaiveDateTime,
    pub published_on: NaiveDate,
    pub status: WorkStatus,
    pub schedule_id: Option<i64>,
    pub base_salary: Option<i64>,
    pub unit_value: Option<i64>,
    pub site_percent: i32,
    pub genre: Option<String>,
    pub coefficient: Option<i32>,
    pub adjustments: String,
    pub reason: Option<String>,
    pub amount: Option<i64>,
    pub graded_by: Option<String>,
    pub graded_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl WorkRow {
    pub fn applied(&self) -> Vec<Applied> {
        serde_json::from_str(&self.adjustments).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_claims)]
pub struct ClaimRow {
    pub id: i64,
    pub work_id: i64,
    pub position: i32,
    pub payee_id: i64,
    pub share_bp: i32,
    pub amount: Option<i64>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_ledger)]
pub struct LedgerRow {
    pub id: i64,
    pub site_id: i64,
    pub payee_id: i64,
    pub category: Category,
    pub work_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub amount: i64,
    pub period: String,
    pub role: Option<String>,
    pub note: Option<String>,
    pub reverses: Option<i64>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// The grade a royalty entry was entered at (migration 000014).
    pub genre: Option<String>,
    pub coefficient: Option<i32>,
    pub unit_value: Option<i64>,
    pub adjustments: Option<String>,
    pub share_bp: Option<i32>,
}

impl LedgerRow {
    pub fn applied(&self) -> Vec<Applied> {
        self.adjustments
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_funds)]
pub struct FundRow {
    pub id: i64,
    pub site_id: i64,
    pub year: i32,
    pub royalty_budget: i64,
    pub incentive_cap_percent: i32,
    pub remuneration_cap_percent: i32,
    pub legal_basis: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_statements)]
pub struct StatementRow {
    pub id: i64,
    pub site_id: i64,
    pub payee_id: i64,
    pub period: String,
    pub status: StatementStatus,
    pub gross: i64,
    pub tax: i64,
    pub net: i64,
    pub tax_rule_id: Option<i64>,
    pub prepared_by: String,
    pub preparer_id: Option<i64>,
    pub prepared_at: NaiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = royalty_payments)]
pub struct PaymentRow {
    pub id: i64,
    pub statement_id: i64,
    pub paid_on: NaiveDate,
    pub reference: String,
    pub amount: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

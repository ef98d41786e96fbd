//! The shapes of royalties on the wire. Money is an integer number of đồng; coefficients and
//! shares are decimal strings with two places ("1.50", "33.34"), never floats.

use chrono::{DateTime, NaiveDate, Utc};
use portal_royalties::model::{Adjustment, Applied, Category, Genre, StatementStatus, WorkStatus};
use portal_royalties::rules::decimal;
use portal_royalties::schedules::{AdjustmentInput, GenreInput, ScheduleInput, ScheduleView};
use portal_royalties::statements::StatementView;
use portal_royalties::works::{ClaimView, WorkView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident from $domain:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$domain> for $name {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => Self::$variant),+ }
            }
        }
    };
}

wire_enum! {
    /// Opened at first publication, graded and approved by the site's chief editor, or cancelled.
    WorkState from WorkStatus { Open, Graded, Approved, Cancelled }
}
wire_enum! {
    /// What a ledger entry pays: a royalty, an incentive (≤ 30 % of the fund's royalties) or a
    /// remuneration (thù lao, ≤ 50 %).
    EntryCategory from Category { Royalty, Incentive, Remuneration }
}
wire_enum! {
    StatementState from StatementStatus { Draft, Approved }
}

/// The family of a genre, with its national maximum coefficient (NĐ 18/2014): news 10,
/// commentary 30, media 50.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GenreFamily {
    News,
    Commentary,
    Media,
}

/// A translation or subtitles are paid a share of the genre's royalty; a bonus adds to it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentType {
    Share,
    Bonus,
}

fn ts(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GenreDto {
    #[schema(example = "tin_anh", max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub code: String,
    #[schema(example = "Tin có ảnh", max_length = 200)]
    pub label: String,
    #[schema(value_type = GenreFamily)]
    pub family: String,
    #[schema(example = "1.50", pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub min: String,
    #[schema(example = "1.50", pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub max: String,
    /// What a grade uses when it names no coefficient; another needs a reason.
    #[schema(example = "1.50", pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub default: String,
}

impl From<Genre> for GenreDto {
    fn from(g: Genre) -> Self {
        GenreDto {
            code: g.code,
            label: g.label,
            family: g.family.as_str().to_string(),
            min: decimal(g.min),
            max: decimal(g.max),
            default: decimal(g.default),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentDto {
    #[schema(example = "dich", max_length = 40, pattern = "^[a-z0-9_]+$")]
    pub code: String,
    #[schema(example = "Tác phẩm dịch", max_length = 200)]
    pub label: String,
    #[schema(value_type = AdjustmentType)]
    pub kind: String,
    /// Percent.
    #[schema(example = 40, minimum = 1, maximum = 100)]
    pub min: i64,
    #[schema(example = 65, minimum = 1, maximum = 100)]
    pub max: i64,
    #[schema(example = 50, minimum = 1, maximum = 100)]
    pub default: i64,
}

impl From<Adjustment> for AdjustmentDto {
    fn from(a: Adjustment) -> Self {
        AdjustmentDto {
            code: a.code,
            label: a.label,
            kind: a.kind.as_str().to_string(),
            min: a.min,
            max: a.max,
            default: a.default,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    #[schema(max_length = 200)]
    pub name: String,
    pub valid_from: NaiveDate,
    /// Open-ended when left out.
    pub valid_until: Option<NaiveDate>,
    /// The decree it applies.
    #[schema(example = "Nghị định 18/2014/NĐ-CP", max_length = 1000)]
    pub legal_basis: String,
    /// The province's decision that sets the table.
    #[schema(max_length = 1000)]
    pub decision: String,
    /// The unit value as a percentage of the base salary (10).
    #[schema(example = 10, minimum = 1, maximum = 100)]
    pub unit_percent: i64,
    /// What a sub-site pays of the portal's rate (20).
    #[schema(example = 20, minimum = 1, maximum = 100)]
    pub subsite_percent: i64,
    #[schema(example = 30, minimum = 0, maximum = 100)]
    pub incentive_cap_percent: i64,
    #[schema(example = 50, minimum = 0, maximum = 100)]
    pub remuneration_cap_percent: i64,
    /// Days after publication within which a royalty is paid (60).
    #[schema(example = 60, minimum = 1, maximum = 366)]
    pub payment_days: i64,
    #[schema(min_items = 1, max_items = 100)]
    pub genres: Vec<GenreDto>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub adjustments: Vec<AdjustmentDto>,
}

impl From<ScheduleRequest> for ScheduleInput {
    fn from(r: ScheduleRequest) -> Self {
        ScheduleInput {
            name: r.name,
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            legal_basis: r.legal_basis,
            decision: r.decision,
            unit_percent: r.unit_percent,
            subsite_percent: r.subsite_percent,
            incentive_cap_percent: r.incentive_cap_percent,
            remuneration_cap_percent: r.remuneration_cap_percent,
            payment_days: r.payment_days,
            genres: r
                .genres
                .into_iter()
                .map(|g| GenreInput {
                    code: g.code,
                    label: g.label,
                    family: g.family,
                    min: g.min,
                    max: g.max,
                    default: g.default,
                })
                .collect(),
            adjustments: r
                .adjustments
                .into_iter()
                .map(|a| AdjustmentInput {
                    code: a.code,
                    label: a.label,
                    kind: a.kind,
                    min: a.min,
                    max: a.max,
                    default: a.default,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleDto {
    pub id: i64,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub legal_basis: String,
    pub decision: String,
    pub unit_percent: i64,
    pub subsite_percent: i64,
    pub incentive_cap_percent: i64,
    pub remuneration_cap_percent: i64,
    pub payment_days: i64,
    pub genres: Vec<GenreDto>,
    pub adjustments: Vec<AdjustmentDto>,
    /// Works opened under it; once there is one it is closed and replaced, never edited.
    pub works: i64,
}

impl From<ScheduleView> for ScheduleDto {
    fn from(v: ScheduleView) -> Self {
        ScheduleDto {
            id: v.row.id,
            name: v.row.name,
            valid_from: v.row.valid_from,
            valid_until: v.row.valid_until,
            legal_basis: v.row.legal_basis,
            decision: v.row.decision,
            unit_percent: v.row.unit_percent as i64,
            subsite_percent: v.row.subsite_percent as i64,
            incentive_cap_percent: v.row.incentive_cap_percent as i64,
            remuneration_cap_percent: v.row.remuneration_cap_percent as i64,
            payment_days: v.row.payment_days as i64,
            genres: v.genres.into_iter().map(Into::into).collect(),
            adjustments: v.adjustments.into_iter().map(Into::into).collect(),
            works: v.works,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseScheduleRequest {
    /// Its last day; a new schedule may start the day after.
    pub valid_until: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseSalaryRequest {
    pub valid_from: NaiveDate,
    /// Đồng per month.
    #[schema(example = 2530000, minimum = 1, maximum = 1000000000)]
    pub amount: i64,
    #[schema(max_length = 1000)]
    pub legal_basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BaseSalaryDto {
    pub id: i64,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    #[schema(example = 2530000)]
    pub amount: i64,
    pub legal_basis: String,
}

impl From<portal_royalties::model::BaseSalary> for BaseSalaryDto {
    fn from(b: portal_royalties::model::BaseSalary) -> Self {
        BaseSalaryDto {
            id: b.id,
            valid_from: b.valid_from,
            valid_until: b.valid_until,
            amount: b.amount,
            legal_basis: b.legal_basis,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedDto {
    pub code: String,
    pub kind: AdjustmentType,
    pub percent: i64,
}

impl From<Applied> for AppliedDto {
    fn from(a: Applied) -> Self {
        AppliedDto {
            code: a.code,
            kind: match a.kind {
                portal_royalties::model::AdjustmentKind::Share => AdjustmentType::Share,
                portal_royalties::model::AdjustmentKind::Bonus => AdjustmentType::Bonus,
            },
            percent: a.percent,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimDto {
    pub id: i64,
    /// 0 is the first author, who gets the đồng left over by the split.
    pub position: i64,
    pub payee_id: i64,
    pub pen_name: String,
    #[schema(example = "60.00")]
    pub share: String,
    /// Its part of the work's amount, once graded.
    pub amount: Option<i64>,
}

impl From<ClaimView> for ClaimDto {
    fn from(c: ClaimView) -> Self {
        ClaimDto {
            id: c.id,
            position: c.position,
            payee_id: c.payee_id,
            pen_name: c.pen_name,
            share: decimal(c.share_bp),
            amount: c.amount,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkDto {
    pub id: i64,
    pub item_id: i64,
    pub site: String,
    pub title: String,
    pub published_at: DateTime<Utc>,
    /// The publication day in Vietnam: it picks the schedule and the unit value, frozen here.
    pub published_on: NaiveDate,
    pub status: WorkState,
    pub schedule_id: Option<i64>,
    pub base_salary: Option<i64>,
    pub unit_value: Option<i64>,
    /// 100 on the portal, the schedule's percentage on a sub-site.
    pub site_percent: i64,
    pub genre: Option<String>,
    pub coefficient: Option<String>,
    pub adjustments: Vec<AppliedDto>,
    pub reason: Option<String>,
    pub amount: Option<i64>,
    /// Publication + the schedule's payment limit.
    pub pay_by: Option<NaiveDate>,
    pub graded_by: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub cancel_reason: Option<String>,
    pub claims: Vec<ClaimDto>,
}

impl From<WorkView> for WorkDto {
    fn from(v: WorkView) -> Self {
        let adjustments = v.row.applied().into_iter().map(Into::into).collect();
        WorkDto {
            id: v.row.id,
            item_id: v.row.item_id,
            site: v.site,
            title: v.row.title,
            published_at: ts(v.row.published_at),
            published_on: v.row.published_on,
            status: v.row.status.into(),
            schedule_id: v.row.schedule_id,
            base_salary: v.row.base_salary,
            unit_value: v.row.unit_value,
            site_percent: v.row.site_percent as i64,
            genre: v.row.genre,
            coefficient: v.row.coefficient.map(|c| decimal(c as i64)),
            adjustments,
            reason: v.row.reason,
            amount: v.row.amount,
            pay_by: v.pay_by,
            graded_by: v.row.graded_by,
            approved_by: v.row.approved_by,
            approved_at: v.row.approved_at.map(ts),
            cancel_reason: v.row.cancel_reason,
            claims: v.claims.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkPage {
    pub items: Vec<WorkDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementLineDto {
    pub ledger_id: i64,
    pub category: EntryCategory,
    pub work_title: Option<String>,
    pub role: Option<String>,
    pub genre: Option<String>,
    pub coefficient: Option<String>,
    /// The work's adjustments with their percentages.
    #[schema(example = "dich 50 %; thieu_nhi_dan_toc 10 %")]
    pub adjustments: Option<String>,
    pub unit_value: Option<i64>,
    pub share: Option<String>,
    /// Negative for a reversal.
    pub amount: i64,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDto {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub reference: String,
    pub amount: i64,
    pub created_by: String,
}

/// Personal income tax withheld: `rate_percent` of a statement's gross from `threshold` up.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxRuleDto {
    pub id: i64,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    #[schema(example = 10)]
    pub rate_percent: i64,
    #[schema(example = 2000000)]
    pub threshold: i64,
    pub legal_basis: String,
}

impl From<portal_royalties::model::TaxRule> for TaxRuleDto {
    fn from(t: portal_royalties::model::TaxRule) -> Self {
        TaxRuleDto {
            id: t.id,
            valid_from: t.valid_from,
            valid_until: t.valid_until,
            rate_percent: t.rate_percent as i64,
            threshold: t.threshold,
            legal_basis: t.legal_basis,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxRuleRequest {
    pub valid_from: NaiveDate,
    #[schema(minimum = 0, maximum = 100)]
    pub rate_percent: i64,
    #[schema(minimum = 0, maximum = 1000000000)]
    pub threshold: i64,
    #[schema(max_length = 1000)]
    pub legal_basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementDto {
    pub id: i64,
    pub site: String,
    pub payee_id: i64,
    pub pen_name: String,
    /// The payee's agency.
    pub agency: Option<String>,
    #[schema(example = "2026-07")]
    pub period: String,
    pub status: StatementState,
    pub gross: i64,
    /// Personal income tax withheld under `tax_rule`.
    pub tax: i64,
    pub net: i64,
    #[schema(example = "Hai triệu năm trăm ba mươi nghìn đồng")]
    pub net_in_words: String,
    pub tax_rule: Option<TaxRuleDto>,
    pub paid: i64,
    pub remaining: i64,
    /// What earlier approved statements of the payee on this site still owe.
    pub carried_forward: i64,
    pub lines: Vec<StatementLineDto>,
    pub payments: Vec<PaymentDto>,
    pub prepared_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
}

impl From<StatementView> for StatementDto {
    fn from(v: StatementView) -> Self {
        let remaining = v.remaining().0;
        StatementDto {
            id: v.row.id,
            site: v.site,
            payee_id: v.row.payee_id,
            pen_name: v.pen_name,
            agency: v.agency,
            period: v.row.period,
            status: v.row.status.into(),
            gross: v.row.gross,
            tax: v.row.tax,
            net: v.row.net,
            net_in_words: portal_royalties::Dong(v.row.net).in_words(),
            tax_rule: v.tax_rule.map(Into::into),
            paid: v.paid.0,
            remaining,
            carried_forward: v.carried_forward.0,
            lines: v
                .lines
                .into_iter()
                .map(|l| StatementLineDto {
                    ledger_id: l.entry.id,
                    category: l.entry.category.into(),
                    work_title: l.work_title,
                    role: l.entry.role,
                    genre: l.genre,
                    coefficient: l.coefficient,
                    adjustments: l.adjustments,
                    unit_value: l.unit_value,
                    share: l.share,
                    amount: l.entry.amount,
                    note: l.entry.note,
                })
                .collect(),
            payments: v
                .payments
                .into_iter()
                .map(|p| PaymentDto {
                    id: p.id,
                    paid_on: p.paid_on,
                    reference: p.reference,
                    amount: p.amount,
                    created_by: p.created_by,
                })
                .collect(),
            prepared_by: v.row.prepared_by,
            approved_by: v.row.approved_by,
            approved_at: v.row.approved_at.map(ts),
        }
    }
}

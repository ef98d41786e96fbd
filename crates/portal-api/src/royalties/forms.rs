//! The rest of the royalties' shapes: payees and credits, grading, funds, ledger entries,
//! statements' requests, the calculation, the 60-day report and an author's own page.

use chrono::{DateTime, NaiveDate, Utc};
use portal_royalties::credits::Credit;
use portal_royalties::funds::FundView;
use portal_royalties::model::LedgerRow;
use portal_royalties::payees::{Identity, PayeeView};
use portal_royalties::reports::DueClaim;
use portal_royalties::works::Calculation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::{AppliedDto, ClaimDto, EntryCategory, StatementDto, WorkDto, WorkState};

/// Personal data of a payee: sealed at rest, shown only to `royalties:manage`, every view audited.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityDto {
    #[schema(max_length = 200)]
    pub full_name: Option<String>,
    /// Số CCCD.
    #[schema(max_length = 20, example = "049088001234")]
    pub id_number: Option<String>,
    /// Mã số thuế cá nhân.
    #[schema(max_length = 20)]
    pub tax_code: Option<String>,
    #[schema(max_length = 40)]
    pub bank_account: Option<String>,
    #[schema(max_length = 200)]
    pub bank_name: Option<String>,
}

impl From<IdentityDto> for Identity {
    fn from(i: IdentityDto) -> Self {
        Identity {
            full_name: i.full_name,
            id_number: i.id_number,
            tax_code: i.tax_code,
            bank_account: i.bank_account,
            bank_name: i.bank_name,
        }
    }
}

impl From<Identity> for IdentityDto {
    fn from(i: Identity) -> Self {
        IdentityDto {
            full_name: i.full_name,
            id_number: i.id_number,
            tax_code: i.tax_code,
            bank_account: i.bank_account,
            bank_name: i.bank_name,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayeeRequest {
    /// The name works are credited under.
    #[schema(example = "Hoài An", max_length = 200)]
    pub pen_name: String,
    /// The agency the contributor belongs to, if any.
    pub agency: Option<String>,
    #[serde(default)]
    pub identity: IdentityDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayeeDto {
    pub id: i64,
    pub pen_name: String,
    /// The account, for an author who is a user of the CMS.
    pub user_id: Option<i64>,
    pub agency: Option<String>,
    /// The last four characters of each detail.
    #[schema(example = "CCCD ***1234 · TK ***6789 (Vietcombank)")]
    pub masked: String,
    /// Only on `GET …/payees/{id}`.
    pub identity: Option<IdentityDto>,
    pub created_at: DateTime<Utc>,
}

impl From<PayeeView> for PayeeDto {
    fn from(v: PayeeView) -> Self {
        PayeeDto {
            id: v.id,
            pen_name: v.pen_name,
            user_id: v.user_id,
            agency: v.agency,
            masked: v.masked,
            identity: v.identity.map(Into::into),
            created_at: v.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PayeePage {
    pub items: Vec<PayeeDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditRequest {
    /// An external contributor (`POST …/payees`); or give `user_id`.
    pub payee_id: Option<i64>,
    /// An account of the CMS.
    pub user_id: Option<i64>,
    /// Percent, two decimals at most; the shares of an item sum to exactly 100.
    #[schema(example = "50.00", pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub share: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditsRequest {
    /// In order: the first author gets the đồng left over by a split.
    #[schema(min_items = 1, max_items = 20)]
    pub credits: Vec<CreditRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreditDto {
    pub payee_id: i64,
    pub pen_name: String,
    #[schema(example = "50.00")]
    pub share: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreditsDto {
    pub item_id: i64,
    pub credits: Vec<CreditDto>,
}

impl CreditsDto {
    pub fn of(item_id: i64, credits: Vec<Credit>) -> Self {
        CreditsDto {
            item_id,
            credits: credits
                .into_iter()
                .map(|c| CreditDto {
                    share: c.share(),
                    payee_id: c.payee_id,
                    pen_name: c.pen_name,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppliedRequest {
    #[schema(example = "dich")]
    pub code: String,
    /// Percent within the adjustment's range; its default when left out.
    pub percent: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRequest {
    /// A genre code of the work's schedule.
    #[schema(example = "tin_anh")]
    pub genre: String,
    /// Within the genre's range; its default when left out.
    #[schema(example = "1.50", pattern = "^[0-9]{1,9}(\\.[0-9]{1,2})?$")]
    pub coefficient: Option<String>,
    #[serde(default)]
    #[schema(max_items = 20)]
    pub adjustments: Vec<AppliedRequest>,
    /// Required when the coefficient or a percentage is not the table's default, and for a
    /// correction.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

impl From<GradeRequest> for portal_royalties::grading::GradeInput {
    fn from(r: GradeRequest) -> Self {
        portal_royalties::grading::GradeInput {
            genre: r.genre,
            coefficient: r.coefficient,
            adjustments: r
                .adjustments
                .into_iter()
                .map(|a| portal_royalties::grading::AppliedInput {
                    code: a.code,
                    percent: a.percent,
                })
                .collect(),
            reason: r.reason,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    #[schema(
        max_length = 2000,
        example = "Tin bị gỡ do trùng lặp trước khi chi trả"
    )]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleRef {
    pub id: i64,
    pub name: String,
    pub legal_basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GenreRef {
    pub code: String,
    pub label: String,
}

/// Every number behind a claim's amount.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalculationDto {
    pub claim_id: i64,
    pub work: WorkDto,
    pub schedule: Option<ScheduleRef>,
    pub genre: Option<GenreRef>,
    pub coefficient: Option<String>,
    pub base_salary: Option<i64>,
    pub unit_percent: Option<i64>,
    pub unit_value: Option<i64>,
    pub adjustments: Vec<AppliedDto>,
    pub site_percent: i64,
    pub work_amount: Option<i64>,
    #[schema(example = "1.50 × 253.000 đ = 379.500 đ (làm tròn đến đồng)")]
    pub formula: Option<String>,
    pub share: String,
    pub claim_amount: Option<i64>,
    /// Each author's part; the đồng left over go to the first.
    pub split: String,
}

impl From<Calculation> for CalculationDto {
    fn from(c: Calculation) -> Self {
        CalculationDto {
            claim_id: c.claim_id,
            schedule: c.schedule.map(|(id, name, legal_basis)| ScheduleRef {
                id,
                name,
                legal_basis,
            }),
            genre: c.genre.map(|(code, label)| GenreRef { code, label }),
            coefficient: c.coefficient,
            base_salary: c.base_salary,
            unit_percent: c.unit_percent,
            unit_value: c.unit_value,
            adjustments: c.adjustments.into_iter().map(Into::into).collect(),
            site_percent: c.site_percent,
            work_amount: c.work_amount,
            formula: c.formula,
            share: c.share,
            claim_amount: c.claim_amount,
            split: c.split,
            work: c.work.into(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundRequest {
    /// Đồng for royalties this year; incentives and remuneration are capped as percentages of it.
    #[schema(example = 600000000, minimum = 0, maximum = 1000000000000_i64)]
    pub royalty_budget: i64,
    /// The budget decision.
    #[schema(max_length = 1000)]
    pub legal_basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundLineDto {
    pub category: EntryCategory,
    pub cap: i64,
    pub used: i64,
    pub remaining: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundDto {
    pub site: String,
    pub year: i32,
    pub royalty_budget: i64,
    pub incentive_cap_percent: i64,
    pub remuneration_cap_percent: i64,
    pub legal_basis: String,
    pub lines: Vec<FundLineDto>,
}

impl From<FundView> for FundDto {
    fn from(v: FundView) -> Self {
        FundDto {
            site: v.site,
            year: v.row.year,
            royalty_budget: v.row.royalty_budget,
            incentive_cap_percent: v.row.incentive_cap_percent as i64,
            remuneration_cap_percent: v.row.remuneration_cap_percent as i64,
            legal_basis: v.row.legal_basis,
            lines: v
                .lines
                .into_iter()
                .map(|(category, cap, used, remaining)| FundLineDto {
                    category: category.into(),
                    cap: cap.0,
                    used: used.0,
                    remaining: remaining.0,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    pub site: String,
    /// The month it is paid for.
    #[schema(example = "2026-07", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
    pub payee_id: i64,
    /// `remuneration` or `incentive`: royalties come from approved works.
    #[schema(value_type = EntryCategory)]
    pub category: String,
    /// Board member, editor, provider of material…
    #[schema(example = "Biên tập viên", max_length = 200)]
    pub role: String,
    #[schema(minimum = 1, maximum = 1000000000)]
    pub amount: i64,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryDto {
    pub id: i64,
    pub payee_id: i64,
    pub category: EntryCategory,
    pub work_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub amount: i64,
    pub period: String,
    pub role: Option<String>,
    pub note: Option<String>,
    /// The entry this one reverses.
    pub reverses: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<LedgerRow> for LedgerEntryDto {
    fn from(r: LedgerRow) -> Self {
        LedgerEntryDto {
            id: r.id,
            payee_id: r.payee_id,
            category: r.category.into(),
            work_id: r.work_id,
            claim_id: r.claim_id,
            amount: r.amount,
            period: r.period,
            role: r.role,
            note: r.note,
            reverses: r.reverses,
            created_by: r.created_by,
            created_at: r.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrepareRequest {
    #[schema(example = "2026-07", pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub period: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    pub paid_on: NaiveDate,
    /// The payment order or transfer reference.
    #[schema(example = "UNC 125/2026", max_length = 200)]
    pub reference: String,
    #[schema(minimum = 1)]
    pub amount: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatementList {
    pub items: Vec<StatementDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueClaimDto {
    pub work_id: i64,
    pub item_id: i64,
    pub title: String,
    pub status: WorkState,
    pub published_on: NaiveDate,
    pub pay_by: NaiveDate,
    /// Negative once the limit has passed.
    pub days_left: i64,
    pub claim: ClaimDto,
}

impl From<DueClaim> for DueClaimDto {
    fn from(d: DueClaim) -> Self {
        DueClaimDto {
            work_id: d.work_id,
            item_id: d.item_id,
            title: d.title,
            status: d.status.into(),
            published_on: d.published_on,
            pay_by: d.pay_by,
            days_left: d.days_left,
            claim: d.claim.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueReport {
    pub items: Vec<DueClaimDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyClaimDto {
    pub claim: ClaimDto,
    pub title: String,
    pub work_status: WorkState,
    pub published_at: DateTime<Utc>,
}

/// An author's own claims and statements, newest first (at most 200 of each).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRoyaltiesDto {
    /// None until the author is first credited.
    pub payee_id: Option<i64>,
    pub claims: Vec<MyClaimDto>,
    pub statements: Vec<StatementDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerEntryPage {
    pub items: Vec<LedgerEntryDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyTotalDto {
    /// None for contributors of no agency.
    pub agency: Option<String>,
    pub payees: i64,
    pub gross: i64,
    pub tax: i64,
    pub net: i64,
    pub net_in_words: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyTotals {
    pub items: Vec<AgencyTotalDto>,
}

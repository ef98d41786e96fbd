//! What the API shows of the domain: names resolved to the asked language, foreign keys as codes.

use chrono::{DateTime, NaiveDateTime, Utc};
use portal_core::Lang;
use portal_sections::{Agency, Section, Site};
use serde::Serialize;
use utoipa::ToSchema;

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// A name in each official language (Điều 4.3); `en` is null where no translation exists yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Names {
    #[schema(example = "Sở Tư pháp")]
    pub vi: String,
    #[schema(example = "Department of Justice")]
    pub en: Option<String>,
}

impl Names {
    fn of(vi: &str, en: Option<&str>) -> Self {
        Self {
            vi: vi.to_string(),
            en: en.map(str::to_string),
        }
    }
}

/// The main portal or a sub-site (trang TTĐT thành phần, Điều 8.2, 22.2).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteDto {
    #[schema(example = "quang-nam")]
    pub key: String,
    /// The name in the asked language, Vietnamese when untranslated.
    pub name: String,
    pub names: Names,
    #[schema(example = "https://quangnam.gov.vn")]
    pub base_url: String,
    /// Enabled content languages, e.g. `["vi", "en"]`.
    pub languages: Vec<String>,
    /// Code of the agency that owns the site.
    pub owner_agency: String,
    /// Key of the portal a sub-site belongs to; null for the main portal.
    pub parent_site: Option<String>,
    pub active: bool,
    /// The two-person rule (Điều 10.2): an item's creator, submitter and editors since
    /// submission may not approve it. On for every site unless an operator turned it off.
    pub require_two_person_approval: bool,
    /// Whether the board member who forwarded an item may approve it too (off by default).
    pub forwarder_may_approve: bool,
    /// Hours an item may wait for the editorial board before it counts as overdue.
    pub review_threshold_hours: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SiteDto {
    pub fn new(site: Site, lang: Lang, owner_agency: String, parent_site: Option<String>) -> Self {
        Self {
            name: lang
                .pick(&site.name_vi, site.name_en.as_deref())
                .to_string(),
            names: Names::of(&site.name_vi, site.name_en.as_deref()),
            languages: site.language_codes(),
            key: site.key,
            base_url: site.base_url,
            owner_agency,
            parent_site,
            active: site.active,
            require_two_person_approval: site.require_two_person_approval,
            review_threshold_hours: site.review_threshold_hours,
            forwarder_may_approve: site.forwarder_may_approve,
            created_at: utc(site.created_at),
            updated_at: utc(site.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SitePage {
    pub items: Vec<SiteDto>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A Sở, Ban, ngành, district or other body that owns sections and sites.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyDto {
    #[schema(example = "so-tp")]
    pub code: String,
    pub name: String,
    pub names: Names,
    /// One of people_committee, office, department, board, central_branch, centre, city, town,
    /// district, commune, other.
    #[schema(value_type = crate::enums::AgencyKindName, example = "department")]
    pub kind: String,
    /// Code of the parent agency, if any.
    pub parent: Option<String>,
    /// False once the agency was dissolved or merged; kept so that history still names it.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AgencyDto {
    pub fn new(agency: Agency, lang: Lang, parent: Option<String>) -> Self {
        Self {
            name: lang
                .pick(&agency.name_vi, agency.name_en.as_deref())
                .to_string(),
            names: Names::of(&agency.name_vi, agency.name_en.as_deref()),
            code: agency.code,
            kind: agency.kind,
            parent,
            active: agency.active,
            created_at: utc(agency.created_at),
            updated_at: utc(agency.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgencyPage {
    pub items: Vec<AgencyDto>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A section (chuyên mục) of a site, owned by one agency (Điều 7.2).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionDto {
    pub id: i64,
    /// Key of the site the section belongs to.
    pub site: String,
    pub parent_id: Option<i64>,
    /// Order among its siblings, smallest first.
    pub position: i32,
    #[schema(example = "van-ban-quy-pham-phap-luat")]
    pub slug: String,
    pub name: String,
    pub names: Names,
    pub description: Option<String>,
    /// Code of the agency that owns the section and may post into it.
    pub owner_agency: String,
    /// Child sections in position order; present in the tree view, absent in flat lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub children: Option<Vec<SectionDto>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SectionDto {
    pub fn new(section: Section, lang: Lang, site: String, owner_agency: String) -> Self {
        Self {
            name: lang
                .pick(&section.name_vi, section.name_en.as_deref())
                .to_string(),
            names: Names::of(&section.name_vi, section.name_en.as_deref()),
            id: section.id,
            site,
            parent_id: section.parent_id,
            position: section.position,
            slug: section.slug,
            description: section.description,
            owner_agency,
            children: None,
            created_at: utc(section.created_at),
            updated_at: utc(section.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionList {
    /// Key of the site.
    pub site: String,
    /// Root sections with their `children` (tree view), or every section with `parent_id` (flat view).
    pub items: Vec<SectionDto>,
    /// Flat view only: pass as `cursor` for the next page; always null in the tree view.
    pub next_cursor: Option<String>,
}

/// A step of a section's breadcrumb.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// A section with where it sits in the tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionDetail {
    #[serde(flatten)]
    pub section: SectionDto,
    /// The sections from the root down to this one, inclusive.
    pub breadcrumb: Vec<SectionRef>,
    /// The visible child sections, in position order.
    pub subsections: Vec<SectionDto>,
}

//! Demo content for load tests and for frontend teams: published items with realistic Vietnamese
//! and English text across the seeded sections, the same for the same seed number.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use portal_audit::Actor;
use portal_core::text::slugify;
use portal_core::Error;
use portal_db::schema::content_items;
use portal_db::{write_transaction, DbConn};

use crate::model::Status;
use crate::{published, revisions};

/// splitmix64: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[self.below(words.len())]
    }
}

const VI: &[&str] = &[
    "Quảng Nam",
    "tỉnh",
    "đầu tư",
    "công",
    "dự án",
    "phát triển",
    "kinh tế",
    "xã hội",
    "người dân",
    "doanh nghiệp",
    "chính sách",
    "văn bản",
    "quy định",
    "hướng dẫn",
    "thủ tục",
    "hành chính",
    "dịch vụ",
    "trực tuyến",
    "Hội An",
    "Tam Kỳ",
    "Điện Bàn",
    "du lịch",
    "di sản",
    "văn hóa",
    "lễ hội",
    "nông nghiệp",
    "môi trường",
    "giáo dục",
    "y tế",
    "giao thông",
    "hạ tầng",
    "ngân sách",
    "kế hoạch",
    "năm",
    "triển khai",
    "tăng cường",
    "nâng cao",
    "hiệu quả",
    "chất lượng",
    "cải cách",
    "chuyển đổi số",
    "cộng đồng",
    "bền vững",
    "miền núi",
    "ven biển",
    "khu công nghiệp",
    "Ủy ban nhân dân",
    "Sở",
    "hội nghị",
    "tổng kết",
    "đánh giá",
    "thông báo",
    "kết quả",
    "giải ngân",
    "vốn",
];

const EN: &[&str] = &[
    "Quang Nam",
    "province",
    "investment",
    "public",
    "project",
    "development",
    "economy",
    "people",
    "business",
    "policy",
    "document",
    "regulation",
    "guidance",
    "procedure",
    "online",
    "service",
    "Hoi An",
    "Tam Ky",
    "tourism",
    "heritage",
    "culture",
    "festival",
    "agriculture",
    "environment",
    "education",
    "health",
    "transport",
    "infrastructure",
    "budget",
    "plan",
    "year",
    "quality",
    "reform",
    "digital",
    "transformation",
    "community",
    "sustainable",
    "coastal",
    "industrial",
    "zone",
    "committee",
    "conference",
    "results",
    "disbursement",
];

fn sentence(rng: &mut Rng, words: &[&str], min: usize, max: usize) -> String {
    let n = min + rng.below(max - min + 1);
    let mut s: Vec<&str> = (0..n).map(|_| rng.pick(words)).collect();
    let first = s[0].to_string();
    let mut capitalised: String = first.chars().take(1).flat_map(char::to_uppercase).collect();
    capitalised.push_str(&first.chars().skip(1).collect::<String>());
    s[0] = "";
    format!("{capitalised}{}.", s.join(" ").trim_end())
}

/// One generated item, published as the workflow would leave it.
struct DemoItem<'a> {
    site_id: i64,
    section_id: i64,
    kind: &'a str,
    language: &'a str,
    group: String,
    title: &'a str,
    slug: String,
    summary: Option<&'a str>,
    body: &'a str,
    author: &'a str,
    tags: &'a str,
    typed: Option<(&'a str, i32, String)>,
    at: NaiveDateTime,
}

fn publish_demo<F>(conn: &mut DbConn, d: DemoItem<'_>, announce: &mut F) -> Result<(), Error>
where
    F: FnMut(&mut DbConn, &crate::ContentItem) -> Result<(), Error>,
{
    let (content_type, type_version, data) = match d.typed {
        Some((key, version, data)) => (Some(key), Some(version), data),
        None => (None, None, "{}".to_string()),
    };
    let at = d.at;
    let id: i64 = diesel::insert_into(content_items::table)
        .values((
            content_items::site_id.eq(d.site_id),
            content_items::section_id.eq(d.section_id),
            content_items::kind.eq(d.kind),
            content_items::language.eq(d.language),
            content_items::translation_group.eq(d.group),
            content_items::title.eq(d.title),
            content_items::slug.eq(d.slug),
            content_items::summary.eq(d.summary),
            content_items::body.eq(d.body),
            content_items::author.eq(Some(d.author)),
            content_items::source.eq(Some("Cổng TTĐT tỉnh Quảng Nam")),
            content_items::tags.eq(d.tags),
            content_items::fields.eq("{}"),
            content_items::content_type.eq(content_type),
            content_items::type_version.eq(type_version),
            content_items::data.eq(data),
            content_items::status.eq(Status::Published.as_str()),
            content_items::version.eq(1),
            content_items::published_revision.eq(Some(1)),
            content_items::published_at.eq(Some(at)),
            content_items::first_published_at.eq(Some(at)),
            content_items::status_changed_at.eq(Some(at)),
            content_items::created_at.eq(at),
            content_items::updated_at.eq(at),
        ))
        .returning(content_items::id)
        .get_result(conn)?;
    let item = crate::items::get(conn, id)?;
    revisions::record(conn, &item, None, Some("demo content"))?;
    published::put(conn, &item, at)?;
    announce(conn, &item)
}

/// Publishes `count` generated items; returns how many were added. `announce` runs for each in
/// the same transaction: whatever publishes must emit the change (the change feed and webhooks
/// are the workflow's, `portal_moderation::workflow::announce_published`), or a mirror starting
/// from an empty cursor would end with nothing.
pub fn generate<F>(
    conn: &mut DbConn,
    count: usize,
    seed: u64,
    mut announce: F,
) -> Result<usize, Error>
where
    F: FnMut(&mut DbConn, &crate::ContentItem) -> Result<(), Error>,
{
    let targets = portal_sections::sections::visible_placements(conn)?;
    if targets.is_empty() {
        return Err(Error::Conflict("seed the sites and sections first".into()));
    }
    let mut rng = Rng(seed);
    let start: NaiveDateTime = NaiveDate::from_ymd_opt(2021, 1, 1)
        .and_then(|d| d.and_hms_opt(7, 0, 0))
        .unwrap_or_default();
    let actor = Actor::system("demo-content");
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(500);
        write_transaction(conn, |conn| {
            // The audit row first: appending takes the audit head's row lock, which keeps the
            // change events below in commit order (`portal_delivery::changes`).
            portal_audit::append(
                conn,
                &actor,
                "content.demo",
                None,
                None,
                Some(&serde_json::json!({"items": batch, "seed": seed})),
            )?;
            for i in done..done + batch {
                let (section_id, site_id) = targets[rng.below(targets.len())];
                let english = rng.below(100) < 15;
                let words = if english { EN } else { VI };
                let title = sentence(&mut rng, words, 6, 12)
                    .trim_end_matches('.')
                    .to_string();
                let summary = format!(
                    "{} {}",
                    sentence(&mut rng, words, 12, 24),
                    sentence(&mut rng, words, 10, 20)
                );
                let paragraphs = 3 + rng.below(4);
                let body: String = (0..paragraphs)
                    .map(|_| {
                        format!(
                            "<p>{} {} {}</p>",
                            sentence(&mut rng, words, 10, 20),
                            sentence(&mut rng, words, 10, 20),
                            sentence(&mut rng, words, 8, 16)
                        )
                    })
                    .collect();
                let at = start + Duration::minutes((i as i64) * 15 + rng.below(10) as i64);
                let slug = format!("{}-{}", slugify(&title), i + 1);
                let tags = format!("[\"{}\"]", rng.pick(words));
                publish_demo(
                    conn,
                    DemoItem {
                        site_id,
                        section_id,
                        kind: "news",
                        language: if english { "en" } else { "vi" },
                        group: format!("demo-{seed}-{i}"),
                        title: &title,
                        slug,
                        summary: Some(&summary),
                        body: &body,
                        author: "Ban Biên tập",
                        tags: &tags,
                        typed: None,
                        at,
                    },
                    &mut announce,
                )?;
            }
            Ok::<_, Error>(())
        })?;
        done += batch;
    }
    Ok(done)
}

/// The demo content type of the load benchmark: documents with a kind of four (an enum), a
/// number, an issue date and an amount, the first three indexed.
pub const DEMO_TYPE: &str = "demo-van-ban";
const DEMO_KINDS: [&str; 4] = ["quyet-dinh", "chi-thi", "ke-hoach", "thong-bao"];

fn define_demo_type(conn: &mut DbConn, actor: &Actor) -> Result<i32, Error> {
    match crate::types::store::get(conn, DEMO_TYPE) {
        Ok(ty) => return Ok(ty.version),
        Err(Error::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let definition = serde_json::from_value(serde_json::json!({"fields": [
        {"name": "so", "label": "Số, ký hiệu", "type": "text", "max": 50, "required": true},
        {"name": "loai", "label": "Loại văn bản", "type": "enum", "required": true, "indexed": true, "options": [
            {"value": "quyet-dinh", "label": "Quyết định"}, {"value": "chi-thi", "label": "Chỉ thị"},
            {"value": "ke-hoach", "label": "Kế hoạch"}, {"value": "thong-bao", "label": "Thông báo"}]},
        {"name": "ngay", "label": "Ngày ban hành", "type": "date", "required": true, "indexed": true},
        {"name": "kinh_phi", "label": "Kinh phí", "type": "money", "indexed": true}
    ]}))
    .map_err(|e| Error::Internal(format!("the demo type does not parse: {e}")))?;
    let input = crate::types::TypeInput {
        name: "Văn bản (dữ liệu mẫu)".into(),
        name_en: Some("Documents (demo data)".into()),
        description: Some("Generated for load tests and frontend work.".into()),
        legal_basis: Some("Điều 7.2.c".into()),
        definition,
        note: None,
        drop_fields: Vec::new(),
    };
    Ok(crate::types::store::define(conn, actor, DEMO_TYPE, &input)?.version)
}

/// Publishes `count` generated items of the demo content type (defined first if absent) in the
/// first visible section of the first site; `announce` as for `generate`.
pub fn generate_typed<F>(
    conn: &mut DbConn,
    count: usize,
    seed: u64,
    mut announce: F,
) -> Result<usize, Error>
where
    F: FnMut(&mut DbConn, &crate::ContentItem) -> Result<(), Error>,
{
    let targets = portal_sections::sections::visible_placements(conn)?;
    let Some(&(section_id, site_id)) = targets.first() else {
        return Err(Error::Conflict("seed the sites and sections first".into()));
    };
    let actor = Actor::system("demo-content");
    let version = write_transaction(conn, |conn| define_demo_type(conn, &actor))?;
    let mut rng = Rng(seed ^ 0x7970_6564);
    let start: NaiveDateTime = NaiveDate::from_ymd_opt(2021, 1, 1)
        .and_then(|d| d.and_hms_opt(7, 30, 0))
        .unwrap_or_default();
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(500);
        write_transaction(conn, |conn| {
            portal_audit::append(
                conn,
                &actor,
                "content.demo",
                None,
                None,
                Some(&serde_json::json!({"items": batch, "seed": seed, "type": DEMO_TYPE})),
            )?;
            for i in done..done + batch {
                let title = sentence(&mut rng, VI, 6, 12)
                    .trim_end_matches('.')
                    .to_string();
                let at = start + Duration::minutes((i as i64) * 15 + rng.below(10) as i64);
                let data = serde_json::json!({
                    "so": format!("{}/VB-{seed}", i + 1),
                    "loai": DEMO_KINDS[rng.below(DEMO_KINDS.len())],
                    "ngay": at.date().format("%Y-%m-%d").to_string(),
                    "kinh_phi": (rng.below(1_000) as i64) * 1_000_000,
                });
                publish_demo(
                    conn,
                    DemoItem {
                        site_id,
                        section_id,
                        kind: "page",
                        language: "vi",
                        group: format!("demo-typed-{seed}-{i}"),
                        title: &title,
                        slug: format!("van-ban-mau-{seed}-{}", i + 1),
                        summary: None,
                        body: "",
                        author: "Văn phòng UBND tỉnh",
                        tags: "[]",
                        typed: Some((DEMO_TYPE, version, data.to_string())),
                        at,
                    },
                    &mut announce,
                )?;
            }
            Ok::<_, Error>(())
        })?;
        done += batch;
    }
    Ok(done)
}

//! Arranging content and people straight through the domain, for tests of what readers and the board see.

use super::*;

/// An item to arrange straight through the domain, for tests of what readers and the board
/// see: `app.item_in("quang-nam", "tin-tuc-su-kien").title("…").author("…").published()`.
#[must_use = "an item is made by .draft() or .published()"]
pub struct ItemSpec<'a> {
    app: &'a TestApp,
    site: String,
    section: String,
    kind: portal_content::Kind,
    language: String,
    title: String,
    body: String,
    author: String,
    tags: Vec<String>,
}

impl ItemSpec<'_> {
    pub fn title(mut self, title: &str) -> Self {
        self.title = title.into();
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.into();
        self
    }

    pub fn language(mut self, language: &str) -> Self {
        self.language = language.into();
        self
    }

    pub fn author(mut self, author: &str) -> Self {
        self.author = author.into();
        self
    }

    pub fn kind(mut self, kind: portal_content::Kind) -> Self {
        self.kind = kind;
        self
    }

    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    /// A draft with an author and a source (what submitting needs, Điều 6.3).
    pub fn draft(self) -> i64 {
        let mut conn = self.app.conn();
        let section_id = section_of(&mut conn, &self.site, &self.section);
        let new = portal_content::items::NewItem {
            section_id,
            kind: self.kind,
            content_type: None,
            language: self.language,
            draft: portal_content::validate::Draft {
                title: self.title,
                body: self.body,
                author: Some(self.author),
                source: Some("Cổng TTĐT".into()),
                tags: self.tags,
                ..Default::default()
            },
            note: None,
        };
        portal_content::items::create(&mut conn, &Actor::system("test"), &new)
            .unwrap_or_else(|e| panic!("{e}"))
            .id
    }

    /// The item taken through the whole workflow: live for readers.
    pub fn published(self) -> i64 {
        let app = self.app;
        let id = self.draft();
        app.advance(id, &["submit", "claim", "forward", "approve"]);
        id
    }
}

pub(crate) fn section_of(conn: &mut portal_db::DbConn, site: &str, section: &str) -> i64 {
    use diesel::prelude::*;
    use portal_db::schema::{sections, sites};
    sections::table
        .inner_join(sites::table)
        .filter(sites::key.eq(site))
        .filter(sections::slug.eq(section))
        .select(sections::id)
        .first(conn)
        .unwrap_or_else(|e| panic!("section {site}/{section}: {e}"))
}

/// Arranging content and people straight through the domain.
impl TestApp {
    /// An item in `section` of `site`, to be made by `.draft()` or `.published()`.
    pub fn item_in(&self, site: &str, section: &str) -> ItemSpec<'_> {
        ItemSpec {
            app: self,
            site: site.into(),
            section: section.into(),
            kind: portal_content::Kind::News,
            language: "vi".into(),
            title: "Tin kiểm thử".into(),
            body: "<p>Nội dung</p>".into(),
            author: "Phóng viên".into(),
            tags: Vec::new(),
        }
    }

    /// Creates an item in `section` of `site` and takes it through the whole workflow.
    pub fn publish(
        &self,
        site: &str,
        section: &str,
        title: &str,
        body: &str,
        language: &str,
    ) -> i64 {
        self.item_in(site, section)
            .title(title)
            .body(body)
            .language(language)
            .published()
    }

    /// Creates a draft with author and source.
    pub fn draft(&self, site: &str, section: &str, title: &str, body: &str, language: &str) -> i64 {
        self.item_in(site, section)
            .title(title)
            .body(body)
            .language(language)
            .draft()
    }

    /// A signed-in contributor of `agency` on `site`: their access token. The username is made
    /// from both, so each call names a new person.
    pub async fn contributor_of(&self, agency: &str, site: &str) -> String {
        let username = format!("ctv.{agency}.{}", uuid::Uuid::new_v4().simple());
        self.token_for(
            &username[..username.len().min(60)],
            agency,
            &[(site, "contributor")],
        )
        .await
    }

    /// Takes workflow steps as the system (no two-person rule applies to it).
    pub fn advance(&self, id: i64, steps: &[&str]) {
        use portal_moderation::workflow::{step, Action, StepInput};
        let mut conn = self.conn();
        for name in steps {
            let action = Action::ALL
                .into_iter()
                .find(|a| a.as_str() == *name)
                .expect("a step name");
            // As `portal_moderation::commands::step` does, without the authorization: the
            // item is read and moved in one write transaction.
            portal_db::write_transaction(&mut conn, |conn| {
                let item = portal_content::items::get_live(conn, id)?;
                let input = StepInput {
                    comment: Some("kiểm thử".into()),
                    expected_version: Some(item.version),
                    ..StepInput::default()
                };
                step(conn, &Actor::system("test"), item, action, &input)
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

//! The steps of the editorial workflow (Điều 10) as pure rules: which steps an item's state
//! allows, and what each step needs of the person taking it. `workflow::step` applies them.

use portal_auth::ItemAccess;
use portal_content::{ContentItem, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Claim,
    Forward,
    Approve,
    Return,
    Unpublish,
    Archive,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Submit,
        Action::Claim,
        Action::Forward,
        Action::Approve,
        Action::Return,
        Action::Unpublish,
        Action::Archive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Claim => "claim",
            Action::Forward => "forward",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Unpublish => "unpublish",
            Action::Archive => "archive",
        }
    }

    /// What a step needs of the item: writing in its section (the author submits), reviewing
    /// there (the board, Điều 10.2.a), or publishing on its site (the chief editor, Điều 10.2.b).
    pub fn needs(self) -> ItemAccess {
        match self {
            Action::Submit => ItemAccess::Write,
            Action::Claim | Action::Forward | Action::Return => ItemAccess::Review,
            Action::Approve | Action::Unpublish | Action::Archive => ItemAccess::Publish,
        }
    }

    pub(crate) fn allowed_for(self, item: &ContentItem) -> bool {
        let status = item.status;
        match self {
            Action::Submit => matches!(
                status,
                Status::Draft | Status::Returned | Status::Unpublished
            ),
            Action::Claim => status == Status::Submitted,
            Action::Forward => status == Status::InReview,
            // Approved for later: still waiting, but not again.
            Action::Approve => status == Status::AwaitingApproval && item.approved_by.is_none(),
            Action::Return => matches!(status, Status::InReview | Status::AwaitingApproval),
            Action::Unpublish => item.published_revision.is_some(),
            Action::Archive => status != Status::Archived,
        }
    }
}

/// The steps the item's state allows now.
pub fn allowed(item: &ContentItem) -> Vec<String> {
    Action::ALL
        .into_iter()
        .filter(|a| a.allowed_for(item))
        .map(|a| a.as_str().to_string())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use portal_content::Kind;

    /// An item in `status`, with nothing approved and nothing live.
    pub(crate) fn item_in(status: Status) -> ContentItem {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .expect("a date");
        ContentItem {
            id: 1,
            site_id: 1,
            section_id: 1,
            kind: Kind::News,
            language: "vi".into(),
            translation_group: "g".into(),
            translation_of: None,
            title: "Tin".into(),
            slug: "tin".into(),
            summary: None,
            body: String::new(),
            author: Some("Phóng viên".into()),
            source: Some("Cổng TTĐT".into()),
            tags: portal_db::JsonText::new(Vec::new()),
            featured_image_url: None,
            fields: portal_db::JsonText::new(Default::default()),
            status,
            version: 1,
            published_at: None,
            created_by: Some(7),
            updated_by: Some(7),
            created_at: at,
            updated_at: at,
            deleted_at: None,
            deleted_by: None,
            published_revision: None,
            first_published_at: None,
            claimed_by: None,
            approved_by: None,
            publish_at: None,
            unpublish_at: None,
            status_changed_at: Some(at),
            approved_version: None,
            content_type: None,
            type_version: None,
            data: portal_db::JsonText::new(serde_json::json!({})),
        }
    }

    fn allowed_in(item: &ContentItem) -> Vec<&'static str> {
        Action::ALL
            .into_iter()
            .filter(|a| a.allowed_for(item))
            .map(Action::as_str)
            .collect()
    }

    #[test]
    fn the_steps_each_state_allows_follow_article_10() {
        // Điều 10.1: the agency submits; 10.2.a: the board reviews (claims), edits and forwards
        // or returns; 10.2.b: the chief editor approves; published items can be taken down.
        let table = [
            (Status::Draft, vec!["submit", "archive"]),
            (Status::Submitted, vec!["claim", "archive"]),
            (Status::InReview, vec!["forward", "return", "archive"]),
            (
                Status::AwaitingApproval,
                vec!["approve", "return", "archive"],
            ),
            (Status::Returned, vec!["submit", "archive"]),
            (Status::Unpublished, vec!["submit", "archive"]),
            (Status::Archived, vec![]),
        ];
        for (status, steps) in table {
            assert_eq!(allowed_in(&item_in(status)), steps, "{status}");
        }
        let mut live = item_in(Status::Published);
        live.published_revision = Some(1);
        assert_eq!(allowed_in(&live), ["unpublish", "archive"]);
    }

    #[test]
    fn an_item_approved_for_later_cannot_be_approved_again() {
        let mut scheduled = item_in(Status::AwaitingApproval);
        scheduled.approved_by = Some(3);
        assert!(!Action::Approve.allowed_for(&scheduled));
        assert!(
            Action::Return.allowed_for(&scheduled),
            "the board can still stop it"
        );
    }

    #[test]
    fn each_step_needs_the_right_access() {
        // Điều 10.2: the author submits, the board reviews, the chief editor approves.
        assert_eq!(Action::Submit.needs(), ItemAccess::Write);
        for review in [Action::Claim, Action::Forward, Action::Return] {
            assert_eq!(review.needs(), ItemAccess::Review, "{}", review.as_str());
        }
        for publish in [Action::Approve, Action::Unpublish, Action::Archive] {
            assert_eq!(publish.needs(), ItemAccess::Publish, "{}", publish.as_str());
        }
    }
}

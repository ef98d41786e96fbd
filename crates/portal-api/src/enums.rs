//! The closed sets of values the API takes and returns, as OpenAPI enumerations, so generated
//! clients type them (a `ContentKind`, not a `string`). The wire values stay the domain's own
//! strings; these types exist for the document only, and the tests below keep each in step with
//! the domain's list.

use serde::Serialize;
use utoipa::ToSchema;

/// The nine kinds of content item (docs/content-model.md).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    News,
    Article,
    Document,
    Photo,
    Video,
    Audio,
    Infographic,
    Link,
    Page,
}

/// An item's state in the workflow of Điều 10 (docs/workflow.md).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentStatus {
    Draft,
    Submitted,
    InReview,
    AwaitingApproval,
    Published,
    Returned,
    Unpublished,
    Archived,
}

/// The official languages (Điều 4.3).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LanguageCode {
    Vi,
    En,
}

/// A role granted on a site.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Contributor,
    Editor,
    ChiefEditor,
    Operator,
}

/// An account's state.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    Disabled,
    Locked,
}

/// What an agency is.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKindName {
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

/// The events a webhook can subscribe to.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum WebhookEvent {
    #[serde(rename = "content.published")]
    ContentPublished,
    #[serde(rename = "content.updated")]
    ContentUpdated,
    #[serde(rename = "content.unpublished")]
    ContentUnpublished,
    #[serde(rename = "content.archived")]
    ContentArchived,
}

/// A step in an item's workflow history.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStep {
    Submit,
    Claim,
    Forward,
    Publish,
    Schedule,
    Return,
    Unpublish,
    Archive,
    SendBack,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<T: Serialize>(values: &[T]) -> Vec<String> {
        values
            .iter()
            .map(|v| {
                serde_json::to_value(v)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn each_enumeration_is_the_domains_list() {
        use ContentKind as K;
        assert_eq!(
            names(&[
                K::News,
                K::Article,
                K::Document,
                K::Photo,
                K::Video,
                K::Audio,
                K::Infographic,
                K::Link,
                K::Page
            ]),
            portal_content::Kind::ALL.map(|k| k.as_str().to_string())
        );
        use ContentStatus as S;
        assert_eq!(
            names(&[
                S::Draft,
                S::Submitted,
                S::InReview,
                S::AwaitingApproval,
                S::Published,
                S::Returned,
                S::Unpublished,
                S::Archived
            ]),
            portal_content::Status::ALL.map(|s| s.as_str().to_string())
        );
        use RoleName as R;
        assert_eq!(
            names(&[R::Contributor, R::Editor, R::ChiefEditor, R::Operator]),
            portal_auth::Role::ALL.map(|r| r.as_str().to_string())
        );
        use AgencyKindName as A;
        assert_eq!(
            names(&[
                A::PeopleCommittee,
                A::Office,
                A::Department,
                A::Board,
                A::CentralBranch,
                A::Centre,
                A::City,
                A::Town,
                A::District,
                A::Commune,
                A::Other
            ]),
            portal_sections::AgencyKind::ALL.map(|k| k.as_str().to_string())
        );
        use WebhookEvent as W;
        assert_eq!(
            names(&[
                W::ContentPublished,
                W::ContentUpdated,
                W::ContentUnpublished,
                W::ContentArchived
            ]),
            portal_moderation::webhooks::EVENTS.map(str::to_string)
        );
        assert_eq!(
            names(&[LanguageCode::Vi, LanguageCode::En]),
            ["vi", "en"].map(|l| l.parse::<portal_core::Lang>().unwrap().code().to_string())
        );
        use portal_auth::UserStatus as U;
        assert_eq!(
            names(&[
                AccountStatus::Active,
                AccountStatus::Disabled,
                AccountStatus::Locked
            ]),
            [U::Active, U::Disabled, U::Locked].map(|s| s.as_str().to_string())
        );
        let steps = names(&[
            WorkflowStep::Submit,
            WorkflowStep::Claim,
            WorkflowStep::Forward,
            WorkflowStep::Return,
            WorkflowStep::Unpublish,
            WorkflowStep::Archive,
        ]);
        for action in portal_moderation::Action::ALL {
            if action.as_str() != "approve" {
                assert!(steps.contains(&action.as_str().to_string()), "{action:?}");
            }
        }
    }
}

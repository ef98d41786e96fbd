//! What keeps the board's review honest (Điều 10.2: members edit, the head approves what they
//! passed on; Điều 6.4 and 5.4: the board answers for everything published).
//!
//! - An edit while the board has the item — `submitted`, `in_review`, `awaiting_approval`,
//!   approved for later — sends it back to `submitted`, clearing claim and approval, as its own
//!   step (`send_back`) that the board is told of. The one exception is the editor who claimed
//!   it, editing during `in_review`: that is the review itself.
//! - Where a site requires two people (every site unless an operator turned it off with a
//!   reason), the chief editor may not approve an item they created, submitted or changed since
//!   it was submitted, nor, unless the site allows it, one they forwarded.
//!
//! docs/workflow.md ("Who may approve") is the one place the docs state these rules.

use diesel::prelude::*;
use portal_audit::Actor;
use portal_content::items::{get, get_live};
use portal_content::states::StateChange;
use portal_content::{ContentItem, Status};
use portal_core::Error;
use portal_db::schema::workflow_transitions;
use portal_db::{write_transaction, DbConn};

use crate::notifications;
use crate::workflow::record;

/// Whether a change of the item's text or fields by `actor` takes it out of the board's hands.
pub fn edit_sends_back(item: &ContentItem, actor: &Actor) -> bool {
    match item.status {
        Status::Submitted | Status::AwaitingApproval => true,
        Status::InReview => actor.user_id.is_none() || actor.user_id != item.claimed_by,
        _ => false,
    }
}

/// Runs `change` (an edit, a move, a restored revision) and, in the same transaction, applies
/// the send-back rule to what it changed.
pub fn edit<F>(conn: &mut DbConn, actor: &Actor, id: i64, change: F) -> Result<ContentItem, Error>
where
    F: FnOnce(&mut DbConn) -> Result<ContentItem, Error>,
{
    write_transaction(conn, |conn| {
        let before = get_live(conn, id)?;
        let after = change(conn)?;
        // A change that a concurrent step overtook is refused by the change itself (its update
        // is conditional on the version and state it read), so `before` is what it changed.
        if !edit_sends_back(&before, actor) {
            return Ok(after);
        }
        portal_content::states::apply(
            conn,
            id,
            &StateChange {
                unpublish_at: Some(None),
                ..StateChange::to(Status::Submitted).clearing_review()
            },
        )?;
        let reason = format!(
            "changed while {} (now version {}): the board reviews it again (Điều 10.2)",
            before.status, after.version
        );
        let mut at_change = after.clone();
        at_change.status = before.status;
        record(
            conn,
            actor,
            &at_change,
            "send_back",
            Status::Submitted.as_str(),
            Some(&reason),
        )?;
        let mut told = portal_auth::directory::reviewers(conn, after.site_id, after.section_id)?;
        told.extend(before.claimed_by);
        told.extend(before.approved_by);
        told.retain(|u| Some(*u) != actor.user_id);
        told.sort_unstable();
        told.dedup();
        notifications::notify(
            conn,
            &told,
            "sent_back",
            Some(id),
            &format!("«{}» was changed while under review: {reason}", after.title),
        )?;
        get(conn, id)
    })
}

/// Who took a step (a user id, none for the system) and the item's version then.
type StepBy = (Option<i64>, Option<i64>);

/// The last step of the item's current pass through the board with this action.
fn last_step(conn: &mut DbConn, item_id: i64, action: &str) -> Result<Option<StepBy>, Error> {
    Ok(workflow_transitions::table
        .filter(workflow_transitions::item_id.eq(item_id))
        .filter(workflow_transitions::action.eq(action))
        .order(workflow_transitions::id.desc())
        .select((
            workflow_transitions::actor_user_id,
            workflow_transitions::version,
        ))
        .first(conn)
        .optional()?)
}

/// The two-person rule (Điều 10.2): refuses approval by the item's creator, its submitter,
/// anyone who changed it since it was submitted, and (unless the site allows it) its forwarder.
pub fn refuse_own_work(conn: &mut DbConn, actor: &Actor, item: &ContentItem) -> Result<(), Error> {
    let Some(me) = actor.user_id else {
        return Ok(());
    };
    let site = portal_sections::sites::by_id(conn, item.site_id)?;
    let (two_people, forwarder_may_approve) =
        (site.require_two_person_approval, site.forwarder_may_approve);
    if !two_people {
        return Ok(());
    }
    let submit = last_step(conn, item.id, "submit")?;
    let submitted_version = submit.and_then(|(_, v)| v).unwrap_or(0);
    let changed_since =
        portal_content::revisions::saved_by_since(conn, item.id, submitted_version, me)?;
    let why = if item.created_by == Some(me) {
        Some("you created it")
    } else if submit.and_then(|(who, _)| who) == Some(me) {
        Some("you submitted it")
    } else if changed_since > 0 || (item.updated_by == Some(me) && submitted_version == 0) {
        Some("you changed it since it was submitted")
    } else if !forwarder_may_approve
        && last_step(conn, item.id, "forward")?.and_then(|(who, _)| who) == Some(me)
    {
        Some("you forwarded it, and this site separates the member who edits from the head who approves")
    } else {
        None
    };
    match why {
        Some(why) => Err(Error::Forbidden(format!(
            "this site requires two people (Điều 10.2): you cannot approve this item because {why}; another chief editor must"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transitions::tests::item_in;

    fn person(id: i64) -> Actor {
        Actor {
            user_id: Some(id),
            label: format!("user{id}"),
            agency: None,
            client_ip: None,
            user_agent: None,
        }
    }

    #[test]
    fn an_edit_under_review_sends_the_item_back_except_by_its_claimer() {
        // Điều 10.2: what the board reviews is what is published; an edit after submission is
        // reviewed again, unless it is the reviewing editor's own edit for quality.
        let submitted = item_in(Status::Submitted);
        assert!(edit_sends_back(&submitted, &person(7)));
        let awaiting = item_in(Status::AwaitingApproval);
        assert!(edit_sends_back(&awaiting, &person(3)));
        let mut in_review = item_in(Status::InReview);
        in_review.claimed_by = Some(5);
        assert!(
            !edit_sends_back(&in_review, &person(5)),
            "the claiming editor"
        );
        assert!(edit_sends_back(&in_review, &person(7)), "anyone else");
        assert!(
            edit_sends_back(&in_review, &Actor::system("x")),
            "the system"
        );
        for status in [
            Status::Draft,
            Status::Returned,
            Status::Published,
            Status::Archived,
        ] {
            assert!(!edit_sends_back(&item_in(status), &person(7)), "{status}");
        }
    }
}

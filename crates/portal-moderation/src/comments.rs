//! Review comments on an item: threaded, resolvable, seen by its author and the board.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_audit::Actor;
use portal_content::text::clean;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::review_comments;
use portal_db::{now, write_transaction, DbConn};

pub const MAX_COMMENT: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = review_comments)]
pub struct Comment {
    pub id: i64,
    pub item_id: i64,
    pub parent_id: Option<i64>,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    item_id: i64,
    parent_id: Option<i64>,
    body: &str,
) -> Result<Comment, Error> {
    let mut errors = Vec::new();
    let body = clean("body", body, MAX_COMMENT, true, &mut errors);
    if errors.is_empty() && body.trim().is_empty() {
        return Err(Error::field("body", "required", "must not be empty"));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    write_transaction(conn, |conn| {
        portal_content::items::get_live(conn, item_id)?;
        if let Some(parent) = parent_id {
            let same_item: i64 = review_comments::table
                .filter(review_comments::id.eq(parent))
                .filter(review_comments::item_id.eq(item_id))
                .count()
                .get_result(conn)?;
            if same_item == 0 {
                return Err(Error::field(
                    "parent_id",
                    "unknown_comment",
                    format!("comment {parent} is not on this item"),
                ));
            }
        }
        let id: i64 = diesel::insert_into(review_comments::table)
            .values((
                review_comments::item_id.eq(item_id),
                review_comments::parent_id.eq(parent_id),
                review_comments::author_user_id.eq(actor.user_id),
                review_comments::body.eq(&body),
                review_comments::created_at.eq(now()),
            ))
            .returning(review_comments::id)
            .get_result(conn)?;
        get(conn, item_id, id)
    })
}

pub fn get(conn: &mut DbConn, item_id: i64, id: i64) -> Result<Comment, Error> {
    review_comments::table
        .filter(review_comments::id.eq(id))
        .filter(review_comments::item_id.eq(item_id))
        .select(Comment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::not_found("comment", id))
}

/// Oldest first, so threads read in order; `parent_id` links replies.
pub fn list(conn: &mut DbConn, item_id: i64, page: &PageRequest) -> Result<Page<Comment>, Error> {
    let mut query = review_comments::table
        .filter(review_comments::item_id.eq(item_id))
        .select(Comment::as_select())
        .into_boxed();
    if let Some(after) = page.after_id()? {
        query = query.filter(review_comments::id.gt(after));
    }
    let rows = query
        .order(review_comments::id.asc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |c| c.id.to_string()))
}

pub fn resolve(conn: &mut DbConn, actor: &Actor, item_id: i64, id: i64) -> Result<Comment, Error> {
    get(conn, item_id, id)?;
    diesel::update(review_comments::table.filter(review_comments::id.eq(id)))
        .set((
            review_comments::resolved_at.eq(Some(now())),
            review_comments::resolved_by.eq(actor.user_id),
        ))
        .execute(conn)?;
    get(conn, item_id, id)
}

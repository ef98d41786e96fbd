//! In-app notifications per user; e-mail delivery can later read the same records.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal_core::{Error, Page, PageRequest};
use portal_db::schema::notifications;
use portal_db::{now, DbConn};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub item_id: Option<i64>,
    pub message: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

pub fn notify(
    conn: &mut DbConn,
    user_ids: &[i64],
    kind: &str,
    item_id: Option<i64>,
    message: &str,
) -> Result<(), Error> {
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let at = now();
    for user_id in ids {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(user_id),
                notifications::kind.eq(kind),
                notifications::item_id.eq(item_id),
                notifications::message.eq(message),
                notifications::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn list(
    conn: &mut DbConn,
    user_id: i64,
    unread_only: bool,
    page: &PageRequest,
) -> Result<Page<Notification>, Error> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .select(Notification::as_select())
        .into_boxed();
    if unread_only {
        query = query.filter(notifications::read_at.is_null());
    }
    if let Some(after) = page.after_id()? {
        query = query.filter(notifications::id.lt(after));
    }
    let rows = query
        .order(notifications::id.desc())
        .limit(page.fetch_limit())
        .load(conn)?;
    Ok(Page::from_rows(rows, page, |n| n.id.to_string()))
}

/// Marks one of the user's notifications read (someone else's is not found).
pub fn mark_read(conn: &mut DbConn, user_id: i64, id: i64) -> Result<(), Error> {
    let updated = diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user_id)),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)?;
    if updated == 0 {
        return Err(Error::not_found("notification", id));
    }
    Ok(())
}

pub fn mark_all_read(conn: &mut DbConn, user_id: i64) -> Result<usize, Error> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)?)
}

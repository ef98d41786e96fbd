//! Slugs: made from titles, unique per site and language, and the old ones that still lead to an item.

use super::*;

pub(super) fn slug_taken(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, Error> {
    let mut query = content_items::table
        .filter(content_items::site_id.eq(site_id))
        .filter(content_items::language.eq(language))
        .filter(content_items::slug.eq(slug))
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(content_items::id.ne(id));
    }
    let items: i64 = query.count().get_result(conn)?;
    // An old slug of a published item keeps resolving to it, so it is not free either.
    let redirects: i64 = slug_redirects::table
        .filter(slug_redirects::site_id.eq(site_id))
        .filter(slug_redirects::language.eq(language))
        .filter(slug_redirects::old_slug.eq(slug))
        .filter(slug_redirects::item_id.ne(except.unwrap_or(-1)))
        .count()
        .get_result(conn)?;
    Ok(items + redirects > 0)
}

/// The slug asked for (which must be free), or one made from the title with a numeric suffix on
/// a clash: "Đà Nẵng đón khách" → `da-nang-don-khach`, then `da-nang-don-khach-2`.
pub(super) fn choose_slug(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    asked: Option<&str>,
    title: &str,
    kind: Kind,
    except: Option<i64>,
) -> Result<String, Error> {
    if let Some(slug) = asked {
        if slug_taken(conn, site_id, language, slug, except)? {
            return Err(Error::field(
                "slug",
                "taken",
                format!("'{slug}' is already used on this site in this language"),
            ));
        }
        return Ok(slug.to_string());
    }
    let mut base = slugify(title);
    base.truncate(150);
    let base = base.trim_end_matches('-').to_string();
    let base = if base.is_empty() {
        kind.as_str().to_string()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while slug_taken(conn, site_id, language, &candidate, except)? {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

/// The item a former slug of the site's `language` now leads to, if any (a renamed item keeps
/// its old addresses working).
pub fn redirected_slug(
    conn: &mut DbConn,
    site_id: i64,
    language: &str,
    old_slug: &str,
) -> Result<Option<i64>, Error> {
    Ok(slug_redirects::table
        .filter(slug_redirects::site_id.eq(site_id))
        .filter(slug_redirects::language.eq(language))
        .filter(slug_redirects::old_slug.eq(old_slug))
        .select(slug_redirects::item_id)
        .first(conn)
        .optional()?)
}

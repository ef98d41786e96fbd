//! Who is refused (Điều 15–16): anonymous callers, another site's chief editor, an author
//! reading someone else's claim or statement, staff without `royalties:manage`.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::json;

use super::{chief, external_payee, finance, fund, published_work};
use crate::feedback::call_ok;

on_every_backend!(royalties_refuse_who_must_be_refused);

async fn royalties_refuse_who_must_be_refused(app: TestApp) {
    let finance = finance(&app).await;
    let chief_qn = chief(&app, "quang-nam").await;
    let chief_hoi_an = chief(&app, "hoi-an").await;
    let author_id = app.user("pv.tran", "so-tttt", &[("quang-nam", "contributor")]);
    let (author, _) = app.login("pv.tran").await;
    let other_id = app.user("pv.le", "so-tttt", &[("quang-nam", "contributor")]);
    let (other, _) = app.login("pv.le").await;
    let payee = external_payee(&app, &finance, "Sông Thu").await;
    let work = published_work(
        &app,
        &chief_qn,
        "quang-nam",
        "tin-tuc-su-kien",
        json!([{"user_id": author_id, "share": "50"}, {"user_id": other_id, "share": "50"}]),
    )
    .await;
    let id = work["id"].as_i64().unwrap();
    let claim = work["claims"][0]["id"].as_i64().unwrap();

    // Credits are the item's writers' business: another agency's contributor is refused.
    let draft = app.item_in("quang-nam", "tin-tuc-su-kien").draft();
    let outsider = app.contributor_of("so-xd", "quang-nam").await;
    let credits = json!({"credits": [{"payee_id": payee, "share": "100"}]});
    let path = format!("/api/v1/admin/royalties/items/{draft}/credits");
    app.call("PUT", &path, Some(&outsider), Some(&credits))
        .await
        .problem(403);
    app.call("GET", &path, Some(&outsider), None)
        .await
        .problem(403);
    app.call("PUT", &path, None, Some(&credits))
        .await
        .problem(401);

    // Anonymous: 401 everywhere.
    for path in [
        "/api/v1/admin/royalties/schedules".to_string(),
        "/api/v1/admin/royalties/sites/quang-nam/works".to_string(),
        format!("/api/v1/admin/royalties/claims/{claim}/calculation"),
        "/api/v1/me/royalties".to_string(),
    ] {
        app.call("GET", &path, None, None).await.problem(401);
    }
    // Another site's chief editor neither reads nor grades this site's works.
    app.call(
        "GET",
        "/api/v1/admin/royalties/sites/quang-nam/works",
        Some(&chief_hoi_an),
        None,
    )
    .await
    .problem(403);
    app.call(
        "GET",
        &format!("/api/v1/admin/royalties/works/{id}"),
        Some(&chief_hoi_an),
        None,
    )
    .await
    .problem(403);
    let grade = json!({"genre": "tin"});
    app.call(
        "POST",
        &format!("/api/v1/admin/royalties/works/{id}/grade"),
        Some(&chief_hoi_an),
        Some(&grade),
    )
    .await
    .problem(403);
    // The IT centre reads but does not grade: the site's chief editor does (Điều 10.2.b).
    call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/works/{id}"),
        &finance,
        None,
    )
    .await;
    app.call(
        "POST",
        &format!("/api/v1/admin/royalties/works/{id}/grade"),
        Some(&finance),
        Some(&grade),
    )
    .await
    .problem(403);
    // A contributor: no grading, no tables to edit, no payee details, no statements.
    app.call(
        "POST",
        &format!("/api/v1/admin/royalties/works/{id}/grade"),
        Some(&author),
        Some(&grade),
    )
    .await
    .problem(403);
    app.call(
        "GET",
        &format!("/api/v1/admin/royalties/payees/{payee}"),
        Some(&author),
        None,
    )
    .await
    .problem(403);
    app.call(
        "GET",
        "/api/v1/admin/royalties/payees",
        Some(&chief_qn),
        None,
    )
    .await
    .problem(403);
    app.call(
        "PUT",
        "/api/v1/admin/royalties/sites/quang-nam/funds/2026",
        Some(&chief_qn),
        Some(&json!({"royalty_budget": 1, "legal_basis": "x"})),
    )
    .await
    .problem(403);
    app.call(
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        Some(&chief_qn),
        Some(&json!({"period": "2026-12"})),
    )
    .await
    .problem(403);

    // An author reads their own calculation and statement, not the co-author's.
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/works/{id}/grade"),
        &chief_qn,
        Some(&grade),
    )
    .await;
    fund(&app, &finance, "quang-nam", 10_000_000).await;
    call_ok(
        &app,
        "POST",
        &format!("/api/v1/admin/royalties/works/{id}/approve"),
        &chief_qn,
        None,
    )
    .await;
    call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/claims/{claim}/calculation"),
        &author,
        None,
    )
    .await;
    app.call(
        "GET",
        &format!("/api/v1/admin/royalties/claims/{claim}/calculation"),
        Some(&other),
        None,
    )
    .await
    .problem(403);
    let prepared = call_ok(
        &app,
        "POST",
        "/api/v1/admin/royalties/sites/quang-nam/statements",
        &finance,
        Some(&json!({"period": super::this_period()})),
    )
    .await;
    let mine = call_ok(&app, "GET", "/api/v1/me/royalties", &author, None).await;
    let statement = mine["statements"][0]["id"].as_i64().unwrap();
    assert!(prepared["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == statement));
    call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/royalties/statements/{statement}"),
        &author,
        None,
    )
    .await;
    app.call(
        "GET",
        &format!("/api/v1/admin/royalties/statements/{statement}"),
        Some(&other),
        None,
    )
    .await
    .problem(403);
    // News at 1.0: 253,000 đ in two halves.
    assert_eq!(mine["claims"][0]["claim"]["amount"], 126_500);
}

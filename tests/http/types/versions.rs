//! Changing a type makes a new version; items keep theirs until an operator migrates them,
//! after a dry run that says which would fail and why. A field that holds data is removed only
//! when asked for explicitly.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

use super::{chief, defined, document, has, legal_documents, operator, typed_draft};
use crate::feedback::call_ok;

on_every_backend!(a_new_version_waits_for_an_explicit_migration);

/// Version 2: the issuing body goes, the signer comes, the page count becomes required.
fn version_two(drop: &[&str]) -> Value {
    let mut v = legal_documents();
    let fields = v["fields"].as_array_mut().expect("fields");
    fields.retain(|f| f["name"] != "co_quan");
    for f in fields.iter_mut() {
        if f["name"] == "so_trang" {
            f["required"] = json!(true);
        }
    }
    fields.push(json!({"name": "nguoi_ky", "label": "Người ký", "type": "text", "max": 100}));
    let obj = v.as_object_mut().expect("object");
    obj.remove("key");
    obj.insert("note".into(), json!("Bỏ cơ quan ban hành, thêm người ký"));
    obj.insert("drop_fields".into(), json!(drop));
    v
}

async fn a_new_version_waits_for_an_explicit_migration(app: TestApp) {
    defined(&app, &legal_documents()).await;
    let op = operator(&app).await;
    let chief = chief(&app).await;
    let with_pages = |number: &str| {
        let mut d = document(number, "quyet-dinh", "2026-03-05");
        d["so_trang"] = json!(4);
        d
    };
    let a = typed_draft(&app, &chief, "van-ban", "A", with_pages("1/QĐ-UBND")).await;
    let b = typed_draft(
        &app,
        &chief,
        "van-ban",
        "B",
        document("2/QĐ-UBND", "quyet-dinh", "2026-03-06"),
    )
    .await;
    let c = typed_draft(&app, &chief, "van-ban", "C", with_pages("3/QĐ-UBND")).await;
    app.advance(c, &["submit", "claim", "forward", "approve"]);
    // Removing a field that items hold data in is refused, unless asked for by name.
    let versions = "/api/v1/admin/types/van-ban/versions";
    let refused = app
        .call("POST", versions, Some(&op), Some(&version_two(&[])))
        .await;
    let detail = refused.problem(409)["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("'co_quan' (3 items)"), "{detail}");
    let doc = app
        .call(
            "POST",
            versions,
            Some(&op),
            Some(&version_two(&["so_trang"])),
        )
        .await
        .problem(422);
    assert!(has(&doc, "drop_fields[0]", "not_removed"), "{doc}");
    let contributor = app.contributor_of("so-tp", "quang-nam").await;
    app.call(
        "POST",
        versions,
        Some(&contributor),
        Some(&version_two(&["co_quan"])),
    )
    .await
    .problem(403);
    let v2 = call_ok(
        &app,
        "POST",
        versions,
        &op,
        Some(&version_two(&["co_quan"])),
    )
    .await;
    assert_eq!(
        (v2["version"].clone(), v2["note"].clone()),
        (json!(2), json!("Bỏ cơ quan ban hành, thêm người ký"))
    );
    // Items keep the version they were written with; new ones are written with the new one.
    let listed = app.get("/api/v1/types/van-ban/versions").await.json();
    let counts: Vec<(i64, i64)> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap_or(0),
                v["items"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(counts, [(2, 0), (1, 3)]);
    let old = app.get("/api/v1/types/van-ban/versions/1").await.json();
    assert!(old["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .any(|f| f["name"] == "co_quan"));
    let edited = call_ok(
        &app,
        "PATCH",
        &format!("/api/v1/admin/content/{b}"),
        &chief,
        Some(&json!({"version": 1, "data": document("2/QĐ-UBND", "chi-thi", "2026-03-06")})),
    )
    .await;
    assert_eq!(
        (
            edited["type_version"].clone(),
            edited["data"]["co_quan"].clone()
        ),
        (json!(1), json!("UBND tỉnh Quảng Nam"))
    );
    let section = app.section_id("quang-nam", "tin-tuc-su-kien").await;
    let res = app.call("POST", "/api/v1/admin/content", Some(&chief), Some(&json!({
        "section_id": section, "kind": "page", "title": "D", "type": "van-ban", "data": with_pages("4/QĐ-UBND")}))).await;
    assert!(has(&res.problem(422), "data.co_quan", "unknown_field"));
    let mut new = with_pages("4/QĐ-UBND");
    new.as_object_mut().expect("object").remove("co_quan");
    new["nguoi_ky"] = json!("Lê Trí Thanh");
    let d = typed_draft(&app, &chief, "van-ban", "D", new).await;
    let d_item = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/content/{d}"),
        &chief,
        None,
    )
    .await;
    assert_eq!(d_item["type_version"], 2);
    // The dry run says which items would fail and why, and writes nothing.
    let dry = call_ok(
        &app,
        "POST",
        "/api/v1/admin/types/van-ban/versions/2/dry-run",
        &op,
        None,
    )
    .await;
    assert_eq!(
        (
            dry["checked"].clone(),
            dry["passed"].clone(),
            dry["failed"].clone()
        ),
        (json!(3), json!(2), json!(1))
    );
    assert_eq!(dry["failures"][0]["item_id"], b);
    assert_eq!(dry["failures"][0]["errors"][0]["field"], "data.so_trang");
    assert_eq!(dry["failures"][0]["errors"][0]["code"], "required");
    assert_eq!(dry["dropped_fields"], json!(["co_quan"]));
    let still = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/content/{a}"),
        &chief,
        None,
    )
    .await;
    assert_eq!(still["type_version"], 1);
    app.call(
        "POST",
        "/api/v1/admin/types/van-ban/versions/2/dry-run",
        Some(&contributor),
        None,
    )
    .await
    .problem(403);
    assert_eq!(
        app.call(
            "POST",
            "/api/v1/admin/types/van-ban/versions/9/dry-run",
            Some(&op),
            None
        )
        .await
        .status,
        404
    );
    // The migration moves a batch per call; failing items stay as they were.
    let first = call_ok(
        &app,
        "POST",
        "/api/v1/admin/types/van-ban/versions/2/migrate?limit=1",
        &op,
        None,
    )
    .await;
    assert_eq!(
        (first["passed"].clone(), first["remaining"].clone()),
        (json!(1), json!(2))
    );
    let rest = call_ok(
        &app,
        "POST",
        "/api/v1/admin/types/van-ban/versions/2/migrate",
        &op,
        None,
    )
    .await;
    assert_eq!(
        (
            rest["passed"].clone(),
            rest["failed"].clone(),
            rest["remaining"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    let moved = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/content/{a}"),
        &chief,
        None,
    )
    .await;
    assert_eq!(moved["type_version"], 2);
    assert_eq!(moved["data"].get("co_quan"), None, "dropped with consent");
    let revisions = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/content/{a}/revisions"),
        &chief,
        None,
    )
    .await;
    assert_eq!(revisions["items"][0]["note"], "migrated to type version 2");
    // The live item's published copy follows, and it stays published.
    let public = app.get(&format!("/api/v1/content/{c}")).await.json();
    assert_eq!(public["data"].get("co_quan"), None, "{public}");
    assert_eq!(public["data"]["so_ky_hieu"], "3/QĐ-UBND");
    let live = call_ok(
        &app,
        "GET",
        &format!("/api/v1/admin/content/{c}"),
        &chief,
        None,
    )
    .await;
    assert_eq!(
        (live["status"].clone(), live["type_version"].clone()),
        (json!("published"), json!(2))
    );
    let counts = app.get("/api/v1/types/van-ban/versions").await.json();
    assert_eq!(counts["items"][1]["items"], 1, "B is still at version 1");
    let audit = call_ok(
        &app,
        "GET",
        "/api/v1/admin/audit?action=types.migrate",
        &op,
        None,
    )
    .await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2));
}

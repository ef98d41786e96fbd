//! Reorganising the province as 2025 did: sections managed by the site's chief editor or an
//! operator, agencies renamed and merged, sub-sites created — each validated and audited.

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    a_chief_editor_manages_the_section_tree_of_their_site_only,
    section_changes_are_validated,
    agencies_are_created_renamed_merged_and_kept_for_history,
    sub_sites_are_created_updated_and_deactivated,
    every_change_is_audited_and_the_chain_verifies,
);

async fn slugs_in_order(app: &TestApp, parent: Option<i64>) -> Vec<String> {
    let body = app
        .get("/api/v1/sites/quang-nam/sections?flat=true&limit=100")
        .await
        .json();
    let mut items: Vec<&Value> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["parent_id"].as_i64() == parent)
        .collect();
    items.sort_by_key(|s| s["position"].as_i64());
    items
        .iter()
        .map(|s| s["slug"].as_str().unwrap().to_string())
        .collect()
}

async fn a_chief_editor_manages_the_section_tree_of_their_site_only(app: TestApp) {
    let chief = app
        .token_for("tam.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let hoi_an_chief = app
        .token_for("vy.hoian", "tp-hoi-an", &[("hoi-an", "chief_editor")])
        .await;
    let group = app.section_id("quang-nam", "phap-luat").await;

    let body = json!({"name_vi": "Đề án, kế hoạch đã được phê duyệt", "name_en": "Approved plans", "owner": "so-tp", "parent_id": group, "position": 0});
    let anonymous = app
        .call(
            "POST",
            "/api/v1/admin/sites/quang-nam/sections",
            None,
            Some(&body),
        )
        .await;
    anonymous.problem(401);
    app.call(
        "POST",
        "/api/v1/admin/sites/quang-nam/sections",
        Some(&hoi_an_chief),
        Some(&body),
    )
    .await
    .problem(403);
    let created = app
        .call(
            "POST",
            "/api/v1/admin/sites/quang-nam/sections",
            Some(&chief),
            Some(&body),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let section = created.json();
    assert_eq!(
        section["slug"], "de-an-ke-hoach-da-duoc-phe-duyet",
        "folded from the Vietnamese name"
    );
    assert_eq!(section["owner_agency"], "so-tp");
    assert_eq!(section["visible"], true);
    let id = section["id"].as_i64().unwrap();
    assert_eq!(
        slugs_in_order(&app, Some(group)).await,
        [
            "de-an-ke-hoach-da-duoc-phe-duyet",
            "van-ban-quy-pham-phap-luat",
            "pho-bien-giao-duc-phap-luat"
        ]
    );

    // Rename in English only; the Vietnamese name stays.
    let renamed = app
        .call(
            "PATCH",
            &format!("/api/v1/admin/sections/{id}"),
            Some(&chief),
            Some(&json!({"name_en": "Approved projects and plans"})),
        )
        .await
        .json();
    assert_eq!(
        renamed["names"],
        json!({"vi": "Đề án, kế hoạch đã được phê duyệt", "en": "Approved projects and plans"})
    );

    // Reorder to the end, then move to the top level.
    app.call(
        "POST",
        &format!("/api/v1/admin/sections/{id}/move"),
        Some(&chief),
        Some(&json!({"position": 5})),
    )
    .await;
    assert_eq!(
        slugs_in_order(&app, Some(group)).await.last().unwrap(),
        "de-an-ke-hoach-da-duoc-phe-duyet"
    );
    let moved = app
        .call(
            "POST",
            &format!("/api/v1/admin/sections/{id}/move"),
            Some(&chief),
            Some(&json!({"parent_id": null, "position": 1})),
        )
        .await
        .json();
    assert_eq!(moved["parent_id"], Value::Null);
    assert_eq!(
        slugs_in_order(&app, None).await[1],
        "de-an-ke-hoach-da-duoc-phe-duyet"
    );
    assert_eq!(
        slugs_in_order(&app, Some(group)).await,
        ["van-ban-quy-pham-phap-luat", "pho-bien-giao-duc-phap-luat"]
    );

    // Hide: readers lose it, managers still see it.
    app.call(
        "PATCH",
        &format!("/api/v1/admin/sections/{id}"),
        Some(&chief),
        Some(&json!({"visible": false})),
    )
    .await;
    app.get(&format!("/api/v1/sections/{id}"))
        .await
        .problem(404);
    let managed = app
        .call(
            "GET",
            "/api/v1/admin/sites/quang-nam/sections",
            Some(&chief),
            None,
        )
        .await
        .json();
    let hidden = managed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap();
    assert_eq!(hidden["visible"], false);
    app.call(
        "GET",
        "/api/v1/admin/sites/quang-nam/sections",
        Some(&hoi_an_chief),
        None,
    )
    .await
    .problem(403);

    // A group with children cannot be deleted; an empty section can.
    app.call(
        "DELETE",
        &format!("/api/v1/admin/sections/{group}"),
        Some(&chief),
        None,
    )
    .await
    .problem(409);
    app.call(
        "DELETE",
        &format!("/api/v1/admin/sections/{id}"),
        Some(&hoi_an_chief),
        None,
    )
    .await
    .problem(403);
    assert_eq!(
        app.call(
            "DELETE",
            &format!("/api/v1/admin/sections/{id}"),
            Some(&chief),
            None
        )
        .await
        .status,
        204
    );
    app.call(
        "PATCH",
        &format!("/api/v1/admin/sections/{id}"),
        Some(&chief),
        Some(&json!({"visible": true})),
    )
    .await
    .problem(404);
}

async fn section_changes_are_validated(app: TestApp) {
    let chief = app
        .token_for("uyen.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let group = app.section_id("quang-nam", "phap-luat").await;
    let child = app
        .section_id("quang-nam", "van-ban-quy-pham-phap-luat")
        .await;
    let hoi_an_section = app.section_id("hoi-an", "thong-bao").await;
    let create = |body: Value| {
        let app = &app;
        let chief = chief.clone();
        async move {
            app.call(
                "POST",
                "/api/v1/admin/sites/quang-nam/sections",
                Some(&chief),
                Some(&body),
            )
            .await
        }
    };
    for (body, field, code) in [
        (
            json!({"name_vi": "", "owner": "so-tp"}),
            "name_vi",
            "required",
        ),
        (
            json!({"name_vi": "A".repeat(301), "owner": "so-tp"}),
            "name_vi",
            "too_long",
        ),
        (
            json!({"name_vi": "Mục", "owner": "khong-co"}),
            "owner",
            "unknown_agency",
        ),
        (
            json!({"name_vi": "Mục", "owner": "so-tp", "slug": "Sai Slug"}),
            "slug",
            "invalid_slug",
        ),
        (
            json!({"name_vi": "Mục", "owner": "so-tp", "slug": "phap-luat"}),
            "slug",
            "taken",
        ),
        (
            json!({"name_vi": "Mục", "owner": "so-tp", "parent_id": hoi_an_section}),
            "parent_id",
            "other_site",
        ),
    ] {
        let doc = create(body.clone()).await.problem(422);
        assert_eq!(doc["errors"][0]["field"], field, "{body}");
        assert_eq!(doc["errors"][0]["code"], code, "{body}");
    }
    let doc = create(json!({"name_vi": "Mục", "owner": "so-tp", "colour": "red"}))
        .await
        .problem(422);
    assert_eq!(doc["errors"][0]["code"], "unknown_field");
    // Same name twice: the second slug gets a suffix.
    let first = create(json!({"name_vi": "Thông báo", "owner": "so-tp"}))
        .await
        .json();
    let second = create(json!({"name_vi": "Thông báo", "owner": "so-tp"}))
        .await
        .json();
    assert_eq!(first["slug"], "thong-bao");
    assert_eq!(second["slug"], "thong-bao-2");

    let cycle = app
        .call(
            "POST",
            &format!("/api/v1/admin/sections/{group}/move"),
            Some(&chief),
            Some(&json!({"parent_id": child})),
        )
        .await
        .problem(422);
    assert_eq!(cycle["errors"][0]["code"], "cycle");
    let taken = app
        .call(
            "PATCH",
            &format!("/api/v1/admin/sections/{child}"),
            Some(&chief),
            Some(&json!({"slug": "phap-luat"})),
        )
        .await
        .problem(422);
    assert_eq!(taken["errors"][0]["code"], "taken");
    // Nothing was half-written: the tree is as seeded apart from the two new sections.
    let detail = app.get(&format!("/api/v1/sections/{child}")).await.json();
    assert_eq!(detail["slug"], "van-ban-quy-pham-phap-luat");
    assert_eq!(detail["parent_id"], group);
}

async fn agencies_are_created_renamed_merged_and_kept_for_history(app: TestApp) {
    let operator = app
        .token_for("it.org", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let chief = app
        .token_for("xuan.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let new_agency = json!({"code": "so-nnptnt", "name_vi": "Sở Nông nghiệp và Phát triển nông thôn", "kind": "department", "parent": "ubnd-tinh"});
    app.call(
        "POST",
        "/api/v1/admin/agencies",
        Some(&chief),
        Some(&new_agency),
    )
    .await
    .problem(403);
    let created = app
        .call(
            "POST",
            "/api/v1/admin/agencies",
            Some(&operator),
            Some(&new_agency),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["parent"], "ubnd-tinh");
    app.call(
        "POST",
        "/api/v1/admin/agencies",
        Some(&operator),
        Some(&new_agency),
    )
    .await
    .problem(422);

    // 2025: Sở TN&MT and Sở NN&PTNT merged into Sở Nông nghiệp và Môi trường.
    let renamed = app
        .call("PATCH", "/api/v1/admin/agencies/so-nnptnt", Some(&operator), Some(&json!({"name_vi": "Sở Nông nghiệp và Môi trường", "name_en": "Department of Agriculture and Environment"})))
        .await
        .json();
    assert_eq!(renamed["names"]["vi"], "Sở Nông nghiệp và Môi trường");
    let staff = app.user("yen.stnmt", "so-tnmt", &[("quang-nam", "contributor")]);
    let (staff_token, staff_refresh) = app.login("yen.stnmt").await;
    let maps = app
        .section_id("quang-nam", "ban-do-dia-gioi-hanh-chinh")
        .await;

    let merged = app
        .call(
            "POST",
            "/api/v1/admin/agencies/so-tnmt/merge",
            Some(&operator),
            Some(&json!({"into": "so-nnptnt"})),
        )
        .await;
    assert_eq!(merged.status, 200, "{}", merged.text());
    assert_eq!(
        merged.json(),
        json!({"sections": 3, "sites": 0, "child_agencies": 0, "users": 1})
    );
    let old = app.get("/api/v1/agencies/so-tnmt").await.json();
    assert_eq!(
        old["active"], false,
        "kept, inactive, so history still names it"
    );
    assert_eq!(
        app.get(&format!("/api/v1/sections/{maps}")).await.json()["owner_agency"],
        "so-nnptnt"
    );
    let user = app
        .call(
            "GET",
            &format!("/api/v1/admin/users/{staff}"),
            Some(&operator),
            None,
        )
        .await
        .json();
    assert_eq!(user["agency"], "so-nnptnt");
    app.call("GET", "/api/v1/auth/me", Some(&staff_token), None)
        .await
        .problem(401);
    let renewed = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": staff_refresh}),
        )
        .await
        .json();
    let scopes = app.scopes(renewed["access_token"].as_str().unwrap()).await;
    assert!(
        scopes.contains(&format!("content:write:section:{maps}")),
        "the moved staff keep their sections"
    );

    app.call(
        "POST",
        "/api/v1/admin/agencies/so-tnmt/merge",
        Some(&operator),
        Some(&json!({"into": "so-nnptnt"})),
    )
    .await
    .problem(404);
    app.call(
        "POST",
        "/api/v1/admin/agencies/so-tp/merge",
        Some(&operator),
        Some(&json!({"into": "so-tnmt"})),
    )
    .await
    .problem(422);
    let busy = app
        .call(
            "POST",
            "/api/v1/admin/agencies/so-tp/deactivate",
            Some(&operator),
            None,
        )
        .await
        .problem(409);
    assert!(
        busy["detail"].as_str().unwrap().contains("section"),
        "{busy}"
    );
    let section = app.section_id("quang-nam", "khoa-hoc-va-cong-nghe").await;
    app.call(
        "POST",
        &format!("/api/v1/admin/sections/{section}/transfer"),
        Some(&operator),
        Some(&json!({"owner": "so-tnmt"})),
    )
    .await
    .problem(422);
}

async fn sub_sites_are_created_updated_and_deactivated(app: TestApp) {
    let operator = app
        .token_for("it.sites", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let chief = app
        .token_for("zung.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let site = json!({"key": "dien-ban", "name_vi": "Cổng thông tin điện tử thị xã Điện Bàn", "base_url": "https://dienban.quangnam.gov.vn", "owner": "tx-dien-ban", "parent": "quang-nam"});
    app.call("POST", "/api/v1/admin/sites", Some(&chief), Some(&site))
        .await
        .problem(403);
    let created = app
        .call("POST", "/api/v1/admin/sites", Some(&operator), Some(&site))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_eq!(created.json()["languages"], json!(["vi", "en"]));
    assert_eq!(created.json()["parent_site"], "quang-nam");
    let bad = app
        .call("POST", "/api/v1/admin/sites", Some(&operator), Some(&json!({"key": "x", "name_vi": "X", "base_url": "ftp://x", "owner": "so-tp", "languages": ["en", "fr"]})))
        .await
        .problem(422);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["base_url", "languages", "languages[1]"]);

    let updated = app
        .call(
            "PATCH",
            "/api/v1/admin/sites/dien-ban",
            Some(&operator),
            Some(&json!({"name_en": "Dien Ban Town E-Portal", "languages": ["vi"]})),
        )
        .await
        .json();
    assert_eq!(updated["languages"], json!(["vi"]));
    assert_eq!(
        app.get("/api/v1/sites/dien-ban?lang=en").await.json()["name"],
        "Dien Ban Town E-Portal"
    );
    app.call(
        "POST",
        "/api/v1/admin/sites/quang-nam/deactivate",
        Some(&operator),
        None,
    )
    .await
    .problem(409);
    assert_eq!(
        app.call(
            "POST",
            "/api/v1/admin/sites/dien-ban/deactivate",
            Some(&operator),
            None
        )
        .await
        .status,
        204
    );
    app.get("/api/v1/sites/dien-ban").await.problem(404);
}

async fn every_change_is_audited_and_the_chain_verifies(app: TestApp) {
    let operator = app
        .token_for("it.audit", "ttcntt", &[("quang-nam", "operator")])
        .await;
    let section = app.section_id("quang-nam", "hoi-dap").await;
    app.call(
        "POST",
        &format!("/api/v1/admin/sections/{section}/transfer"),
        Some(&operator),
        Some(&json!({"owner": "so-tttt"})),
    )
    .await;
    let page = app
        .call(
            "GET",
            &format!("/api/v1/admin/audit?target=section:{section}"),
            Some(&operator),
            None,
        )
        .await
        .json();
    let entry = &page["items"][0];
    assert_eq!(entry["action"], "section.transfer");
    assert_eq!(entry["actor"], "it.audit");
    assert_eq!(entry["agency"], "ttcntt");
    assert_eq!(entry["client_ip"], "127.0.0.1");
    assert_eq!(entry["before"], json!({"owner": "ttcntt"}));
    assert_eq!(entry["after"], json!({"owner": "so-tttt"}));

    let logins = app
        .call(
            "GET",
            "/api/v1/admin/audit?action=login&actor=it.audit",
            Some(&operator),
            None,
        )
        .await
        .json();
    assert_eq!(logins["items"][0]["action"], "login.success");
    let paged = app
        .call("GET", "/api/v1/admin/audit?limit=1", Some(&operator), None)
        .await
        .json();
    let next = paged["next_cursor"].as_str().unwrap();
    let second = app
        .call(
            "GET",
            &format!("/api/v1/admin/audit?limit=1&cursor={next}"),
            Some(&operator),
            None,
        )
        .await
        .json();
    assert_eq!(
        second["items"][0]["seq"].as_i64().unwrap(),
        paged["items"][0]["seq"].as_i64().unwrap() - 1
    );
    app.call(
        "GET",
        "/api/v1/admin/audit?from=yesterday",
        Some(&operator),
        None,
    )
    .await
    .problem(400);

    let mut conn = app.conn();
    let intact = portal_audit::verify(&mut conn).unwrap();
    assert!(intact.is_ok(), "{intact:?}");
}

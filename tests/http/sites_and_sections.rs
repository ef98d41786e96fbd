//! Sites and sections as readers and sub-sites see them (Điều 7.2, 8.2, 22.2).

use portal_testkit::{on_every_backend, TestApp};
use serde_json::{json, Value};

on_every_backend!(
    lists_the_portal_and_its_two_sub_sites,
    shows_a_site_in_the_asked_language,
    unknown_site_is_a_problem_404,
    site_pages_follow_the_cursor_to_the_end,
    bad_paging_parameters_are_400_naming_the_parameter,
    section_tree_assigns_each_article_7_2_section_to_its_agency,
    flat_sections_page_through_every_section_with_parent_ids,
    a_section_shows_its_breadcrumb_and_subsections,
    unknown_or_malformed_section_ids_are_problems,
    hidden_sections_disappear_for_readers,
);

async fn lists_the_portal_and_its_two_sub_sites(app: TestApp) {
    let res = app.get("/api/v1/sites").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    let summary: Vec<Value> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| json!([s["key"], s["owner_agency"], s["parent_site"]]))
        .collect();
    assert_eq!(
        summary,
        vec![
            json!(["hoi-an", "tp-hoi-an", "quang-nam"]),
            json!(["quang-nam", "ubnd-tinh", null]),
            json!(["so-vhttdl", "so-vhttdl", "quang-nam"]),
        ]
    );
    assert_eq!(body["next_cursor"], Value::Null);
}

async fn shows_a_site_in_the_asked_language(app: TestApp) {
    let vi = app.get("/api/v1/sites/quang-nam").await.json();
    let mut expected = json!({
        "key": "quang-nam",
        "name": "Cổng thông tin điện tử tỉnh Quảng Nam",
        "names": {"vi": "Cổng thông tin điện tử tỉnh Quảng Nam", "en": "Quang Nam Provincial E-Portal"},
        "base_url": "https://quangnam.gov.vn",
        "languages": ["vi", "en"],
        "owner_agency": "ubnd-tinh",
        "parent_site": null,
        "active": true,
        "require_two_person_approval": true,
        "forwarder_may_approve": false,
        "review_threshold_hours": 48,
    });
    let mut got = vi.clone();
    for stamp in ["created_at", "updated_at"] {
        assert!(
            got[stamp].as_str().unwrap().ends_with('Z'),
            "{stamp} is UTC RFC 3339: {got}"
        );
        got.as_object_mut().unwrap().remove(stamp);
    }
    assert_eq!(got, expected);

    let en = app.get("/api/v1/sites/quang-nam?lang=en").await.json();
    expected["name"] = json!("Quang Nam Provincial E-Portal");
    assert_eq!(en["name"], expected["name"]);
    let by_header = app
        .get_with(
            "/api/v1/sites/quang-nam",
            &[("accept-language", "en-GB,en;q=0.9,vi;q=0.5")],
        )
        .await
        .json();
    assert_eq!(by_header["name"], expected["name"]);
    let unsupported_header = app
        .get_with("/api/v1/sites/quang-nam", &[("accept-language", "fr")])
        .await
        .json();
    assert_eq!(
        unsupported_header["name"], "Cổng thông tin điện tử tỉnh Quảng Nam",
        "falls back to vi"
    );

    let bad = app
        .get("/api/v1/sites/quang-nam?lang=fr")
        .await
        .problem(400);
    assert_eq!(bad["errors"][0]["field"], "lang");
}

async fn unknown_site_is_a_problem_404(app: TestApp) {
    let doc = app.get("/api/v1/sites/da-nang").await.problem(404);
    assert_eq!(doc["type"], "urn:problem:portal:not-found");
    assert_eq!(doc["detail"], "site 'da-nang' was not found");
    app.get("/api/v1/sites/da-nang/sections").await.problem(404);
}

async fn site_pages_follow_the_cursor_to_the_end(app: TestApp) {
    let mut keys = Vec::new();
    let mut path = "/api/v1/sites?limit=1".to_string();
    for _ in 0..10 {
        let body = app.get(&path).await.json();
        assert_eq!(body["items"].as_array().unwrap().len(), 1);
        keys.push(body["items"][0]["key"].as_str().unwrap().to_string());
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/sites?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(keys, ["hoi-an", "quang-nam", "so-vhttdl"]);
}

async fn bad_paging_parameters_are_400_naming_the_parameter(app: TestApp) {
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "query"),
        ("cursor=%21%21", "cursor"),
        ("colour=red", "colour"),
    ] {
        let doc = app
            .get(&format!("/api/v1/sites?{query}"))
            .await
            .problem(400);
        assert_eq!(doc["errors"][0]["field"], field, "{query}: {doc}");
    }
    let unknown = app.get("/api/v1/sites?colour=red").await.json();
    assert_eq!(unknown["errors"][0]["code"], "unknown_field");
}

/// The ids of a tree node and everything under it.
fn subtree_ids(node: &Value, out: &mut Vec<i64>) {
    out.push(node["id"].as_i64().unwrap());
    for child in node["children"].as_array().into_iter().flatten() {
        subtree_ids(child, out);
    }
}

fn find<'a>(nodes: &'a [Value], slug: &str) -> Option<&'a Value> {
    nodes.iter().find_map(|n| {
        if n["slug"] == slug {
            Some(n)
        } else {
            find(
                n["children"].as_array().map_or(&[][..], Vec::as_slice),
                slug,
            )
        }
    })
}

async fn section_tree_assigns_each_article_7_2_section_to_its_agency(app: TestApp) {
    let res = app.get("/api/v1/sites/quang-nam/sections").await;
    assert_eq!(res.status, 200);
    let body = res.json();
    assert_eq!(body["site"], "quang-nam");
    assert_eq!(body["next_cursor"], Value::Null);
    let roots = body["items"].as_array().unwrap();
    let root_slugs: Vec<&str> = roots.iter().map(|r| r["slug"].as_str().unwrap()).collect();
    assert_eq!(
        root_slugs.first(),
        Some(&"tin-tuc-su-kien"),
        "positions order the roots"
    );
    // Điều 7.2 a–n: each section and the agency that must keep it.
    for (slug, owner, parent) in [
        ("lanh-dao-tinh", "vp-ubnd", Some("chinh-quyen")),
        ("lich-tiep-cong-dan", "vp-ubnd", Some("chinh-quyen")),
        (
            "ban-do-dia-gioi-hanh-chinh",
            "so-tnmt",
            Some("tai-nguyen-va-moi-truong"),
        ),
        ("van-ban-quy-pham-phap-luat", "so-tp", Some("phap-luat")),
        ("du-an-dau-tu-cong", "so-khdt", Some("dau-tu-va-phat-trien")),
        ("cong-khai-ngan-sach", "so-tc", Some("dau-tu-va-phat-trien")),
        (
            "quy-hoach-xay-dung-do-thi-nha-o",
            "so-xd",
            Some("dau-tu-va-phat-trien"),
        ),
        ("khoa-hoc-va-cong-nghe", "so-khcn", None),
        ("van-hoa-the-thao-du-lich", "so-vhttdl", None),
        (
            "quy-hoach-khu-kinh-te-khu-cong-nghiep",
            "bql-kktkcn",
            Some("dau-tu-va-phat-trien"),
        ),
        ("chinh-sach-thue", "cuc-thue", None),
        ("thong-tin-thong-ke", "cuc-thong-ke", None),
        (
            "tien-do-giai-ngan-von-dau-tu-cong",
            "kbnn",
            Some("dau-tu-va-phat-trien"),
        ),
        ("lay-y-kien-nhan-dan", "so-tttt", None),
        ("hoi-dap", "ttcntt", None),
    ] {
        let node = find(roots, slug).unwrap_or_else(|| panic!("{slug} is in the tree"));
        assert_eq!(node["owner_agency"], owner, "{slug}");
        assert_eq!(node["site"], "quang-nam");
        match parent {
            Some(parent) => {
                let parent_node = find(roots, parent).unwrap();
                assert_eq!(
                    node["parent_id"], parent_node["id"],
                    "{slug} under {parent}"
                );
            }
            None => assert_eq!(node["parent_id"], Value::Null, "{slug} is a root"),
        }
    }
    let legal = find(roots, "van-ban-quy-pham-phap-luat").unwrap();
    assert_eq!(
        legal["names"],
        json!({"vi": "Văn bản quy phạm pháp luật", "en": "Legal documents"})
    );
    assert_eq!(legal["name"], "Văn bản quy phạm pháp luật");
    let en = app
        .get("/api/v1/sites/quang-nam/sections?lang=en")
        .await
        .json();
    assert_eq!(
        find(
            en["items"].as_array().unwrap(),
            "van-ban-quy-pham-phap-luat"
        )
        .unwrap()["name"],
        "Legal documents"
    );
}

async fn flat_sections_page_through_every_section_with_parent_ids(app: TestApp) {
    let tree = app.get("/api/v1/sites/quang-nam/sections").await.json();
    fn count(nodes: &[Value]) -> usize {
        nodes
            .iter()
            .map(|n| 1 + count(n["children"].as_array().unwrap()))
            .sum()
    }
    let total = count(tree["items"].as_array().unwrap());
    assert_eq!(total, 29, "25 sections of the seed table plus 4 groups");

    let mut seen = Vec::new();
    let mut path = "/api/v1/sites/quang-nam/sections?flat=true&limit=10".to_string();
    loop {
        let body = app.get(&path).await.json();
        for item in body["items"].as_array().unwrap() {
            assert!(
                item.get("children").is_none(),
                "flat items have no children: {item}"
            );
            seen.push((item["id"].as_i64().unwrap(), item["parent_id"].as_i64()));
        }
        match body["next_cursor"].as_str() {
            Some(cursor) => {
                path =
                    format!("/api/v1/sites/quang-nam/sections?flat=true&limit=10&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    let ids: std::collections::HashSet<i64> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), total, "no section repeated across pages");
    assert!(seen
        .iter()
        .all(|(_, parent)| parent.is_none_or(|p| ids.contains(&p))));
}

async fn a_section_shows_its_breadcrumb_and_subsections(app: TestApp) {
    let tree = app.get("/api/v1/sites/quang-nam/sections").await.json();
    let roots = tree["items"].as_array().unwrap();
    let group = find(roots, "phap-luat").unwrap();
    let leaf = find(roots, "pho-bien-giao-duc-phap-luat").unwrap();

    let detail = app
        .get(&format!("/api/v1/sections/{}?lang=en", leaf["id"]))
        .await
        .json();
    assert_eq!(detail["slug"], "pho-bien-giao-duc-phap-luat");
    assert_eq!(detail["owner_agency"], "so-tp");
    assert_eq!(detail["name"], "Legal dissemination");
    let crumbs: Vec<&str> = detail["breadcrumb"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(crumbs, ["phap-luat", "pho-bien-giao-duc-phap-luat"]);
    assert_eq!(detail["subsections"], json!([]));

    let parent = app
        .get(&format!("/api/v1/sections/{}", group["id"]))
        .await
        .json();
    let subs: Vec<&str> = parent["subsections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        subs,
        ["van-ban-quy-pham-phap-luat", "pho-bien-giao-duc-phap-luat"]
    );
}

async fn unknown_or_malformed_section_ids_are_problems(app: TestApp) {
    app.get("/api/v1/sections/999999").await.problem(404);
    let doc = app.get("/api/v1/sections/abc").await.problem(400);
    assert_eq!(doc["type"], "urn:problem:portal:invalid-parameter");
}

async fn hidden_sections_disappear_for_readers(app: TestApp) {
    let flat_ids = |page: &Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect()
    };
    let tree = app.get("/api/v1/sites/quang-nam/sections").await.json();
    let group = find(tree["items"].as_array().unwrap(), "phap-luat")
        .unwrap()
        .clone();
    let child = find(
        tree["items"].as_array().unwrap(),
        "van-ban-quy-pham-phap-luat",
    )
    .unwrap()
    .clone();
    let (group_id, child_id) = (group["id"].as_i64().unwrap(), child["id"].as_i64().unwrap());
    let before = flat_ids(
        &app.get("/api/v1/sites/quang-nam/sections?flat=true&limit=100")
            .await
            .json(),
    );
    // Published items inside the branch and outside it.
    let inside = app
        .item_in("quang-nam", "van-ban-quy-pham-phap-luat")
        .title("Quyết định trong nhánh ẩn")
        .published();
    let outside = app
        .item_in("quang-nam", "tin-tuc-su-kien")
        .title("Tin ngoài nhánh ẩn")
        .published();

    // The chief editor hides the group through the API: audited, as the cache relies on.
    let chief = app
        .token_for("chinh.bbt", "so-tttt", &[("quang-nam", "chief_editor")])
        .await;
    let hide = |visible: bool| {
        let (app, chief) = (&app, &chief);
        async move {
            let res = app
                .call(
                    "PATCH",
                    &format!("/api/v1/admin/sections/{group_id}"),
                    Some(chief),
                    Some(&json!({"visible": visible})),
                )
                .await;
            assert_eq!(res.status, 200, "{}", res.text());
        }
    };
    hide(false).await;

    let tree = app.get("/api/v1/sites/quang-nam/sections").await.json();
    assert!(find(tree["items"].as_array().unwrap(), "phap-luat").is_none());
    assert!(
        find(
            tree["items"].as_array().unwrap(),
            "van-ban-quy-pham-phap-luat"
        )
        .is_none(),
        "hidden with its parent"
    );
    assert!(
        find(tree["items"].as_array().unwrap(), "tin-tuc-su-kien").is_some(),
        "the rest of the tree stays"
    );
    app.get(&format!("/api/v1/sections/{group_id}"))
        .await
        .problem(404);
    // Its visible child is unreachable too, in every view: readers never land inside a hidden branch.
    app.get(&format!("/api/v1/sections/{child_id}"))
        .await
        .problem(404);
    let flat = flat_ids(
        &app.get("/api/v1/sites/quang-nam/sections?flat=true&limit=100")
            .await
            .json(),
    );
    let mut branch = Vec::new();
    subtree_ids(&group, &mut branch);
    assert!(branch.contains(&child_id), "{branch:?}");
    let expected: Vec<i64> = before
        .iter()
        .copied()
        .filter(|id| !branch.contains(id))
        .collect();
    assert_eq!(flat, expected, "exactly the hidden branch is gone");
    // … and so are its published items, from the list, by id and from search; the item
    // outside the branch is untouched.
    let listed: Vec<i64> = app
        .get("/api/v1/content?site=quang-nam&limit=100")
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert!(!listed.contains(&inside), "{listed:?}");
    assert!(listed.contains(&outside), "{listed:?}");
    app.get(&format!("/api/v1/content/{inside}"))
        .await
        .problem(404);
    assert_eq!(
        app.get(&format!("/api/v1/content/{outside}")).await.status,
        200
    );
    let found = app.get("/api/v1/search?q=nhanh%20an").await.json();
    let found: Vec<i64> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["item"]["id"].as_i64().or(h["id"].as_i64()).unwrap())
        .collect();
    assert!(!found.contains(&inside), "{found:?}");
    assert!(found.contains(&outside), "{found:?}");

    // Shown again, the branch and its item come back.
    hide(true).await;
    assert_eq!(
        app.get(&format!("/api/v1/sections/{child_id}"))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/api/v1/content/{inside}")).await.status,
        200
    );
}

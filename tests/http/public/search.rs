//! Search without diacritics, and its ranking.

use super::*;

on_every_backend!(
    search_folds_every_vietnamese_vowel_and_tone_and_d,
    search_ranks_exact_diacritics_and_titles_first,
);

async fn search_folds_every_vietnamese_vowel_and_tone_and_d(app: TestApp) {
    // Every vowel with every tone, and đ, with the plain letter a reader types for it, written
    // out by hand rather than computed by the folding the index uses.
    let by_hand = [
        ("aàảãáạăằẳẵắặâầẩẫấậ", 'a'),
        ("eèẻẽéẹêềểễếệ", 'e'),
        ("iìỉĩíị", 'i'),
        ("oòỏõóọôồổỗốộơờởỡớợ", 'o'),
        ("uùủũúụưừửữứự", 'u'),
        ("yỳỷỹýỵ", 'y'),
        ("đ", 'd'),
    ];
    let words: Vec<(String, char)> = by_hand
        .iter()
        .flat_map(|(letters, plain)| letters.chars().map(move |c| (c, *plain)))
        .flat_map(|(c, plain)| {
            [
                (format!("q{c}z"), plain),
                (format!("Q{}Z", c.to_uppercase()), plain),
            ]
        })
        .collect();
    assert_eq!(words.len(), 2 * 73, "73 letters, each in both cases");
    let text: Vec<&str> = words.iter().map(|(w, _)| w.as_str()).collect();
    let id = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Bảng chữ cái",
        &format!("<p>{}</p>", text.join(" ")),
        "vi",
    );
    for (word, plain) in &words {
        let typed = format!("q{plain}z");
        let res = app.get(&format!("/api/v1/search?q={typed}")).await.json();
        assert_eq!(res["items"][0]["id"], id, "{word} as {typed}");
    }
    let quang = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Quảng Nam thu hút đầu tư công",
        "<p>Dự án trọng điểm</p>",
        "vi",
    );
    for q in [
        "quang%20nam",
        "QUANG%20NAM",
        "dau%20tu%20cong",
        "%C4%91%E1%BA%A7u%20t%C6%B0",
    ] {
        let res = app.get(&format!("/api/v1/search?q={q}")).await.json();
        assert_eq!(res["items"][0]["id"], quang, "{q}");
    }
    let hit = app.get("/api/v1/search?q=du%20an").await.json();
    assert_eq!(hit["items"][0]["snippet"], "<mark>Dự án</mark> trọng điểm");
}

async fn search_ranks_exact_diacritics_and_titles_first(app: TestApp) {
    let body_only = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Thông tin chung",
        "<p>Nói về ma túy</p>",
        "vi",
    );
    let folded_title = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Mã số mới",
        "<p>x</p>",
        "vi",
    );
    let exact_title = app.publish(
        "quang-nam",
        "tin-tuc-su-kien",
        "Ma túy và phòng chống",
        "<p>x</p>",
        "vi",
    );
    let res = app.get("/api/v1/search?q=ma%20t%C3%BAy").await.json();
    assert_eq!(
        ids(&res),
        [exact_title, body_only],
        "exact title first, then the exact phrase in a body"
    );
    let res = app.get("/api/v1/search?q=ma").await.json();
    let order = ids(&res);
    assert_eq!(order[0], exact_title);
    assert!(order.contains(&folded_title) && order.contains(&body_only));
    assert!(
        order.iter().position(|i| *i == folded_title) < order.iter().position(|i| *i == body_only),
        "title above body"
    );
}

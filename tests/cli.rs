//! The binary as an operator meets it: one-line configuration errors, migrate, seed, openapi,
//! and a server that starts on SQLite with no set-up and stops cleanly on SIGTERM.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_portal");

fn portal(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("PORTAL_DATABASE_URL")
        .env_remove("PORTAL_BIND")
        .env_remove("PORTAL_DATA_DIR")
        .env_remove("PORTAL_DATA_KEY")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("portal runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

#[test]
fn a_bad_bind_address_is_one_line_naming_the_variable() {
    let out = portal(&["serve"], &[("PORTAL_BIND", "localhost-8080")]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(
        err,
        "portal: --bind/PORTAL_BIND: 'localhost-8080' is not a HOST:PORT socket address"
    );
}

#[test]
fn an_unknown_database_scheme_is_refused_with_the_password_masked() {
    let dir = tempfile::tempdir().unwrap();
    let out = portal(
        &["migrate"],
        &[
            ("PORTAL_DATABASE_URL", "mysql://root:hunter2@db/portal"),
            ("PORTAL_DATA_DIR", dir.path().to_str().unwrap()),
        ],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("PORTAL_DATABASE_URL") && err.contains("mysql://root:***@db/portal"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no stray SQLite file was created"
    );
}

#[test]
fn an_unreachable_postgres_is_one_line_with_the_reason() {
    let out = portal(
        &[
            "migrate",
            "--database",
            "postgresql://portal:pw@127.0.0.1:1/portal",
        ],
        &[],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("portal: cannot connect to postgresql://portal:***@127.0.0.1:1/portal: "),
        "{err}"
    );
}

#[test]
fn migrate_then_seed_twice_on_a_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = portal(&["migrate", "--database", &db], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let first = portal(&["seed", "--database", &db], &[]);
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("added 33 agencies, 3 sites, 38 sections")
    );
    let second = portal(&["seed", "--database", &db], &[]);
    assert!(
        String::from_utf8_lossy(&second.stdout).contains("added 0 agencies, 0 sites, 0 sections")
    );
}

#[test]
fn openapi_prints_the_committed_document() {
    let out = portal(&["openapi"], &[]);
    assert!(out.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "openapi/openapi.json is stale"
    );
}

fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn serve_starts_on_the_default_sqlite_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(BIN)
        .arg("serve")
        .env_remove("PORTAL_DATABASE_URL")
        .env("PORTAL_DATA_DIR", dir.path())
        .env("PORTAL_BIND", format!("127.0.0.1:{port}"))
        .env("PORTAL_WORKERS", "1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let sections = loop {
        if let Some(body) = http_get(port, "/api/v1/sites/quang-nam/sections") {
            break body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(sections.starts_with("HTTP/1.1 200"), "{sections}");
    assert!(sections.contains("Văn bản quy phạm pháp luật"));
    assert!(
        dir.path().join("portal.db").exists(),
        "the default database lives in the data folder"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "exit after SIGTERM: {:?} {}",
        out.status,
        stderr(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("listening on http://127.0.0.1:{port}")),
        "{stdout}"
    );
    assert!(stdout.contains("/docs/"), "{stdout}");
    assert!(stdout.contains("Database: sqlite"), "{stdout}");
}

fn portal_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("PORTAL_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_operator_is_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    portal(&["seed", "--database", &db], &[]);
    let args = [
        "user",
        "add",
        "--database",
        &db,
        "--username",
        "admin.ttcntt",
        "--agency",
        "ttcntt",
        "--role",
        "operator",
        "--site",
        "quang-nam",
        "--password-stdin",
    ];
    let weak = portal_stdin(&args, "short\n");
    assert!(!weak.status.success());
    assert!(
        stderr(&weak).contains("password (too_short)"),
        "{}",
        stderr(&weak)
    );
    let out = portal_stdin(&args, "Biển Cửa Đại xanh 2026\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("created user 'admin.ttcntt' (ttcntt) as operator on quang-nam"));
    let again = portal_stdin(&args, "Biển Cửa Đại xanh 2026\n");
    assert!(
        stderr(&again).contains("username (taken)"),
        "{}",
        stderr(&again)
    );
    let reset = portal_stdin(
        &[
            "user",
            "reset-password",
            "--database",
            &db,
            "--username",
            "admin.ttcntt",
            "--password-stdin",
        ],
        "Một mật khẩu mới 2026\n",
    );
    assert!(reset.status.success(), "{}", stderr(&reset));
}

#[test]
fn audit_verify_passes_then_names_an_edited_row() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let db = format!("sqlite://{}", path.display());
    portal(&["seed", "--database", &db], &[]);
    let args = [
        "user",
        "add",
        "--database",
        &db,
        "--username",
        "a.b.c",
        "--agency",
        "ttcntt",
        "--role",
        "operator",
        "--site",
        "quang-nam",
        "--password-stdin",
    ];
    assert!(portal_stdin(&args, "Biển Cửa Đại xanh 2026\n")
        .status
        .success());
    let ok = portal(&["audit", "verify", "--database", &db], &[]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    // The seed (its sites, its eleven content types and three rule packs, each audited) and the
    // new user.
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("audit chain intact (16 rows)"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute("UPDATE audit_log SET actor = 'someone.else' WHERE seq = 1")
        .unwrap();
    let broken = portal(&["audit", "verify", "--database", &db], &[]);
    assert!(!broken.status.success());
    assert!(
        stderr(&broken).starts_with("portal: audit chain broken at seq 1:"),
        "{}",
        stderr(&broken)
    );
}

#[test]
fn checkpoints_catch_a_rewound_head_that_the_chain_alone_misses() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let db = format!("sqlite://{}", path.display());
    let data = dir.path().to_str().unwrap();
    let key = [
        ("PORTAL_AUDIT_KEY", "cli-test-audit-key-0123456789abcdef"),
        ("PORTAL_DATA_DIR", data),
    ];
    portal(&["seed", "--database", &db], &[]);
    for username in ["mot.hai", "ba.bon"] {
        let args = [
            "user",
            "add",
            "--database",
            &db,
            "--username",
            username,
            "--agency",
            "ttcntt",
            "--role",
            "operator",
            "--site",
            "quang-nam",
            "--password-stdin",
        ];
        assert!(portal_stdin(&args, "Biển Cửa Đại xanh 2026\n")
            .status
            .success());
    }
    let signed = portal(&["audit", "checkpoint", "--database", &db], &key);
    assert!(signed.status.success(), "{}", stderr(&signed));
    assert!(dir.path().join("audit-checkpoints").exists());
    let ok = portal(&["audit", "verify", "--database", &db], &key);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("1 checkpoint(s)"));
    // Delete the last event and rewind the head: the chain alone cannot tell.
    let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute(
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log);
         UPDATE audit_head SET seq = seq - 1,
             last_hash = (SELECT hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log));",
    )
    .unwrap();
    let unanchored = portal(
        &["audit", "verify", "--database", &db],
        &[("PORTAL_DATA_DIR", data)],
    );
    assert!(unanchored.status.success(), "{}", stderr(&unanchored));
    let anchored = portal(&["audit", "verify", "--database", &db], &key);
    assert!(!anchored.status.success());
    assert!(
        stderr(&anchored).contains("is gone"),
        "{}",
        stderr(&anchored)
    );
    let short = portal(
        &["audit", "verify", "--database", &db],
        &[("PORTAL_AUDIT_KEY", "short")],
    );
    assert!(
        stderr(&short).contains("--audit-key/PORTAL_AUDIT_KEY"),
        "{}",
        stderr(&short)
    );
}

#[test]
fn production_refuses_to_start_without_a_signing_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = portal(
        &["serve"],
        &[
            ("PORTAL_ENV", "production"),
            ("PORTAL_DATA_DIR", dir.path().to_str().unwrap()),
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).starts_with("portal: PORTAL_JWT_SECRET: required in production"),
        "{}",
        stderr(&out)
    );
    let short = portal(
        &["serve"],
        &[
            ("PORTAL_JWT_SECRET", "too-short"),
            ("PORTAL_DATA_DIR", dir.path().to_str().unwrap()),
        ],
    );
    assert!(
        stderr(&short).contains("at least 32 bytes"),
        "{}",
        stderr(&short)
    );
}

#[test]
fn production_refuses_to_start_without_a_data_key() {
    let dir = tempfile::tempdir().unwrap();
    let env = |key: &'static str| {
        vec![
            ("PORTAL_ENV", "production"),
            (
                "PORTAL_JWT_SECRET",
                "a-production-secret-of-at-least-32-bytes",
            ),
            ("PORTAL_DATA_DIR", dir.path().to_str().unwrap()),
            ("PORTAL_DATA_KEY", key),
        ]
    };
    let mut missing = env("");
    missing.pop();
    let out = portal(&["serve"], &missing);
    assert!(!out.status.success());
    assert!(
        stderr(&out).starts_with("portal: PORTAL_DATA_KEY: required in production"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("data-key").exists(),
        "no key is generated in production"
    );
    let short = portal(&["serve"], &env("abcd"));
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("64 hexadecimal digits"),
        "{}",
        stderr(&short)
    );
}

#[test]
fn demo_content_is_the_same_for_the_same_seed() {
    use diesel::sql_types::Text;
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName, PartialEq, Debug)]
    struct Row {
        #[diesel(sql_type = Text)]
        title: String,
    }
    let dir = tempfile::tempdir().unwrap();
    let titles = |name: &str, seed: &str| {
        let path = dir.path().join(name);
        let db = format!("sqlite://{}", path.display());
        let out = portal(
            &[
                "seed",
                "--database",
                &db,
                "--demo-content",
                "60",
                "--demo-seed",
                seed,
            ],
            &[],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains("published 60 demo items"));
        let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        diesel::sql_query("SELECT title FROM published_items ORDER BY item_id")
            .load::<Row>(&mut conn)
            .unwrap()
    };
    let a = titles("a.db", "7");
    assert_eq!(a.len(), 60);
    assert_eq!(a, titles("b.db", "7"), "same seed, same items");
    assert_ne!(a, titles("c.db", "8"), "another seed, other items");
}

#[test]
fn a_bad_site_leaves_no_user_behind_and_the_retry_works() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    portal(&["seed", "--database", &db], &[]);
    let args = |site: &'static str| {
        vec![
            "user",
            "add",
            "--username",
            "it.first",
            "--agency",
            "ttcntt",
            "--role",
            "operator",
            "--site",
            site,
            "--password-stdin",
        ]
    };
    let with_db = |mut a: Vec<&'static str>| {
        let mut full = vec![a.remove(0), a.remove(0), "--database"];
        full.push(Box::leak(db.clone().into_boxed_str()));
        full.extend(a);
        full
    };
    let typo = portal_stdin(&with_db(args("quang-namm")), "Biển Cửa Đại xanh 2026\n");
    assert!(!typo.status.success());
    assert!(stderr(&typo).contains("quang-namm"), "{}", stderr(&typo));
    let retry = portal_stdin(&with_db(args("quang-nam")), "Biển Cửa Đại xanh 2026\n");
    assert!(retry.status.success(), "{}", stderr(&retry));
}

#[test]
fn settings_that_cannot_work_stop_the_binary_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/portal-auth/tests/keys");
    let other_private = format!("{keys}/other-ed25519-private.pem");
    let public = format!("{keys}/ed25519-public.pem");
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let not_a_dir = blocker.join("data");
    for (env, named) in [
        (vec![("PORTAL_WORKERS", "0")], "--workers/PORTAL_WORKERS"),
        (
            vec![("PORTAL_CORS_ORIGINS", "https://quangnam.gov.vn/")],
            "--cors-origins/PORTAL_CORS_ORIGINS",
        ),
        (
            vec![("PORTAL_CORS_ORIGINS", "https://quangnam.gov.vn/portal")],
            "--cors-origins/PORTAL_CORS_ORIGINS",
        ),
        (
            vec![("PORTAL_TRUSTED_PROXIES", "10.0.0.0/33")],
            "--trusted-proxies/PORTAL_TRUSTED_PROXIES",
        ),
        (
            vec![
                ("PORTAL_JWT_ALGORITHM", "EdDSA"),
                ("PORTAL_JWT_PRIVATE_KEY_FILE", other_private.as_str()),
                ("PORTAL_JWT_PUBLIC_KEY_FILE", public.as_str()),
            ],
            "PORTAL_JWT_ALGORITHM",
        ),
        (
            vec![("PORTAL_DATA_DIR", not_a_dir.to_str().unwrap())],
            "--data-dir/PORTAL_DATA_DIR",
        ),
        (
            vec![("PORTAL_DATABASE_URL", "postgres:127.0.0.1/portal")],
            "PORTAL_DATABASE_URL",
        ),
        (
            vec![(
                "PORTAL_DATABASE_URL",
                "host=127.0.0.1 dbname=portal password=hunter2",
            )],
            "PORTAL_DATABASE_URL",
        ),
    ] {
        let mut all = vec![("PORTAL_DATA_DIR", data)];
        all.extend(env.iter().copied());
        let out = portal(&["serve"], &all);
        let all_err = stderr(&out);
        assert!(!out.status.success(), "{env:?} started");
        // One line of error (a development-secret warning may be logged before it).
        let errors: Vec<&str> = all_err
            .lines()
            .filter(|l| l.starts_with("portal: "))
            .collect();
        assert_eq!(errors.len(), 1, "{env:?}: {all_err}");
        let err = errors[0];
        assert!(err.contains(named), "{env:?}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A typo never creates a database file.
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        files
            .iter()
            .all(|f| !f.to_string_lossy().contains("postgres")),
        "{files:?}"
    );
}

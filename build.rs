//! The PostgreSQL variant of every HTTP test is compiled as ignored (and so reported as
//! "ignored", not "ok") unless `PORTAL_TEST_DATABASE_URL` names a server: a local run on SQLite
//! alone must not look like a run on both backends.

fn main() {
    println!("cargo::rerun-if-env-changed=PORTAL_TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(portal_postgres_tests)");
    let configured = std::env::var("PORTAL_TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty());
    if configured {
        println!("cargo::rustc-cfg=portal_postgres_tests");
    }
}

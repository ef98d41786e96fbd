//! Opening the database the way the server does — connect, migrate, seed on first start — and
//! building the app's state; `portal serve` and the test kit both start here.

use portal_api::state::{AppState, StateConfig};
use portal_db::{build_pool, migrations, DatabaseUrl, PoolOptions};
use portal_sections::seed;

pub struct Prepared {
    pub state: AppState,
    pub migrations_applied: Vec<String>,
    pub seeded: Option<seed::SeedReport>,
}

/// Connects, runs pending migrations and, when the database holds no site yet, loads the
/// Quảng Nam seed. Errors are single lines naming the (masked) URL and the reason.
pub fn prepare(
    url: &DatabaseUrl,
    options: &PoolOptions,
    config: StateConfig,
) -> Result<Prepared, String> {
    // What a first publication starts in the same transaction: the royalty claims (Điều 15).
    portal_content::publication::register(portal_royalties::credits::open_on_first_publication);
    let pool = build_pool(url, options).map_err(|e| e.to_string())?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("cannot connect to {}: {e}", url.masked()))?;
    // Replicas starting together: one migrates and seeds, the others wait, then find it done.
    let (migrations_applied, seeded) = migrations::exclusively(&mut conn, |conn| {
        let applied = migrations::run_pending(conn)
            .map_err(|e| format!("migrating {} failed: {e}", url.masked()))?;
        let seeded = if seed::is_empty(conn).map_err(|e| e.to_string())? {
            let file = seed::parse(seed::QUANG_NAM).map_err(|e| e.to_string())?;
            Some(
                seed::load(conn, &file)
                    .map_err(|e| format!("seeding {} failed: {e}", url.masked()))?,
            )
        } else {
            None
        };
        // The content types of Điều 7.2, on every start: a release that seeds a new one brings
        // it to existing installations; those that exist are left as the operator made them.
        portal_content::types::seeded::ensure(conn, &portal_audit::Actor::system("seed"))
            .map_err(|e| format!("seeding the content types of {} failed: {e}", url.masked()))?;
        // The dated rule packs (NĐ 43/2011, 42/2022, 224/2026), which name those types.
        portal_datasets::packs::ensure(conn, &portal_audit::Actor::system("seed"))
            .map_err(|e| format!("seeding the rule packs of {} failed: {e}", url.masked()))?;
        Ok::<_, migrations::MigrationError>((applied, seeded))
    })
    .map_err(|e| e.to_string())?;
    drop(conn);
    Ok(Prepared {
        state: AppState::new(pool, url.backend(), config),
        migrations_applied,
        seeded,
    })
}

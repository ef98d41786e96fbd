//! `portal serve`: the settings, already parsed and checked, become the server and its jobs.

use std::net::TcpListener;

use crate::settings::{ConfigError, ServeSettings, Settings};

pub fn run(settings: &Settings, serve: &ServeSettings) -> Result<(), ConfigError> {
    let url = settings.database_url();
    // Keys, the anchor's folder and every other setting are checked before the database is
    // touched: a typo never creates a database file.
    let config = serve.state_config(settings)?;
    let prepared =
        crate::bootstrap::prepare(&url, &serve.pool_options(), config).map_err(ConfigError)?;
    for name in &prepared.migrations_applied {
        log::info!("applied migration {name}");
    }
    if let Some(report) = &prepared.seeded {
        log::info!(
            "first start: seeded {} agencies, {} sites, {} sections",
            report.agencies_added,
            report.sites_added,
            report.sections_added
        );
    }
    let bind = serve.bind;
    let listener = TcpListener::bind(bind)
        .map_err(|e| ConfigError(format!("--bind/PORTAL_BIND: cannot listen on {bind}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| ConfigError(format!("--bind/PORTAL_BIND: {e}")))?;
    println!("Portal CMS listening on http://{local}");
    println!("API docs at http://{local}/docs/ (OpenAPI at http://{local}/api/openapi.json)");
    println!("Database: {}", portal_db::describe(&url));
    let state = prepared.state;
    let interval = serve.job_interval();
    let mailer = serve.mailer()?;
    if mailer.is_none() {
        log::info!("no --smtp-url/PORTAL_SMTP_URL: e-mail to citizens waits in the outbox");
    }
    let workers = serve.workers;
    actix_web::rt::System::new()
        .block_on(async move {
            if let Some(interval) = interval {
                crate::worker::spawn(state.clone(), interval, mailer);
            }
            portal_api::serve(listener, state, workers)?.await
        })
        .map_err(|e| ConfigError(format!("server stopped with an error: {e}")))?;
    log::info!("shut down cleanly");
    Ok(())
}

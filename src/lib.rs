//! Portal CMS, the application: its settings (`settings`), the start of a server on a database
//! (`bootstrap`), the background jobs of every replica (`worker`) and the command line (`cli`).
//! The binary (`src/main.rs`) only calls `cli::main`; the test kit starts the app through the
//! same `bootstrap` from the same `settings` defaults.

pub mod bootstrap;
pub mod cli;
mod mailer;
pub mod settings;
pub mod worker;

pub use settings::{ConfigError, ServeSettings, Settings};

//! Shared types of Portal CMS. Every domain crate speaks these; none of them knows HTTP.

pub mod error;
pub mod lang;
pub mod legacy;
pub mod page;
pub mod text;

pub use error::{Error, FieldError, Result};
pub use lang::Lang;
pub use page::{Cursor, Page, PageRequest};

//! What every endpoint shares: the caller extractor, JSON bodies with JSON-path errors, problem
//! documents, the client address behind trusted proxies, the language of names, paging, and the
//! middleware around every request.

pub mod body;
pub mod caller;
pub mod client_ip;
pub mod download;
pub mod lang;
pub mod middleware;
pub mod paging;
pub mod problem;

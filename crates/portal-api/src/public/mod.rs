//! The public delivery API: what the portal UI, sub-sites and integrators read. Only published
//! items, strong ETags and `Last-Modified` on every answer, 304 for unchanged ones, rendered
//! through the response cache (`crate::cache`).

pub mod changes;
pub mod feeds;
pub mod items;
pub mod list;
pub mod metadata;
pub mod search;
pub mod views;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list)
        .service(items::published_item)
        .service(items::item_by_slug)
        .service(metadata::item_dublin_core)
        .service(search::search_items)
        .service(changes::change_feed)
        .service(feeds::rss)
        .service(feeds::atom)
        .service(feeds::sitemap);
}

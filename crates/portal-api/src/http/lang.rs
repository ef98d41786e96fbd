use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::HttpRequest;
use portal_core::{Error, Lang};

/// The language names are shown in: `?lang=` if given, else `Accept-Language`, else Vietnamese.
pub fn resolve(req: &HttpRequest, explicit: Option<&str>) -> Result<Lang, Error> {
    if let Some(code) = explicit {
        return code
            .parse()
            .map_err(|reason: String| Error::invalid_parameter("lang", reason));
    }
    Ok(req
        .headers()
        .get(ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default())
}

//! Read-your-writes with a read replica (`database.read_url`): after a
//! person's write, their lists, board and statistics read the primary for
//! `database.read_your_writes_secs`. The replica of the service that took
//! the write remembers it (`Db::note_write`); so that another replica
//! behind the same address knows too, the answer to the write carries a
//! cookie with the instant the window ends, which every replica honours.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};
use duban_domain::db::Db;

/// The cookie: milliseconds since 1970 until which reads stay on the primary.
pub const COOKIE: &str = "duban_primary_until";

/// Who the request was made by, once their token or session was checked.
#[derive(Debug, Clone, Copy)]
pub struct Acted(pub i64);

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// The caller's identity was checked: note who it is, and keep their reads
/// on the primary if another replica of the service says they just wrote.
pub fn checked(req: &HttpRequest, db: &Db, user_id: i64) {
    req.extensions_mut().insert(Acted(user_id));
    if !db.has_replica() {
        return;
    }
    let until = req
        .cookie(COOKIE)
        .and_then(|c| c.value().parse::<u128>().ok());
    if let Some(left) = until.and_then(|u| u.checked_sub(now_ms())) {
        let left = u64::try_from(left).unwrap_or(u64::MAX);
        db.note_write_elsewhere(user_id, Duration::from_millis(left));
    }
}

/// After a successful change by a known caller, the cookie that keeps their
/// reads on the primary at whichever replica of the service they reach.
pub async fn mark(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let changes = !req.method().is_safe();
    let window = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .and_then(|s| s.env.db.read_your_writes_window());
    let mut res = next.call(req).await?;
    if let (true, Some(window)) = (changes, window) {
        let acted = res.request().extensions().get::<Acted>().copied();
        let ok = res.status().is_success() || res.status().is_redirection();
        if let (Some(_), true) = (acted, ok) {
            let until = now_ms() + window.as_millis();
            let cookie = Cookie::build(COOKIE, until.to_string())
                .path("/")
                .http_only(true)
                .same_site(actix_web::cookie::SameSite::Lax)
                .max_age(actix_web::cookie::time::Duration::seconds(
                    i64::try_from(window.as_secs()).unwrap_or(i64::MAX),
                ))
                .finish();
            res.response_mut().add_cookie(&cookie)?;
        }
    }
    Ok(res)
}

//! What every handler shares.

use duban_domain::clock::SharedClock;
use duban_domain::db::Db;

use crate::auth::TokenKeys;
use crate::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Working days, for the board and the assessment.
    pub calendar: std::sync::Arc<duban_domain::calendar::WorkingCalendar>,
    pub clock: SharedClock,
    pub tokens: TokenKeys,
    pub settings: Settings,
}

//! What every handler shares.

use std::sync::Arc;

use duban_domain::messages::Catalogue;
use duban_domain::policy::Actor;
use duban_domain::{Ctx, Env};

use duban_domain::workflow::assignments::Detail;
use duban_domain::workflow::listing::AssignmentRow;

use crate::responses::assignments::{AssignmentDetailResponse, AssignmentResponse};
use crate::settings::Settings;
use crate::tokens::TokenKeys;

#[derive(Clone)]
pub struct AppState {
    /// The store, the clock, the working-day calendar and the rules: what
    /// the domain services run on.
    pub env: Env,
    /// The message catalogue, for people's notification lists.
    pub catalogue: Arc<Catalogue>,
    pub tokens: TokenKeys,
    pub settings: Settings,
    /// Requests counted as they are answered (served on `metrics.bind`).
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl AppState {
    /// A use case on behalf of `actor`, now.
    pub fn ctx<'a>(&'a self, actor: &'a Actor) -> Ctx<'a> {
        self.env.ctx(actor)
    }

    /// An assignment's list line as the API answers it, now.
    pub fn row(&self, r: AssignmentRow) -> AssignmentResponse {
        AssignmentResponse::new(r, self.env.now(), &self.env.calendar)
    }

    /// An assignment's page as the API answers it, now.
    pub fn detail(&self, d: Detail) -> AssignmentDetailResponse {
        AssignmentDetailResponse::new(d, self.env.now(), &self.env.calendar)
    }
}

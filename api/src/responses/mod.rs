//! What the API answers: one module per resource, each type built from the
//! domain's values. Handlers in `routes/` shape nothing themselves.

pub mod assignments;
pub mod directory;
pub mod notifications;
pub mod plans;

use duban_domain::page::Page;
use serde::Serialize;
use utoipa::ToSchema;

/// A page of any list: `?page=&per_page=` on every list.
#[derive(Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    /// Items matching the filter, on every page.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T: ToSchema> Paged<T> {
    pub fn from_page<U>(page: Page<U>, f: impl FnMut(U) -> T) -> Self {
        let page = page.map(f);
        Paged {
            items: page.items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        }
    }
}

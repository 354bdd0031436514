//! Pagination as every list in the API answers it.

use serde::Serialize;

pub const DEFAULT_PER_PAGE: u64 = 25;
pub const MAX_PER_PAGE: u64 = 200;
/// The last page a client may ask for: past it the offset would not fit a
/// database integer (and no list is that long).
pub const MAX_PAGE: u64 = 1_000_000;

/// A validated page request: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    /// Missing values take the defaults; out-of-range values are refused
    /// rather than silently clamped, so a client learns its mistake.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Result<Self, crate::DomainError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        let mut errors = Vec::new();
        if page == 0 || page > MAX_PAGE {
            errors.push(crate::FieldError::new(
                "page",
                format!("页码须在 1 到 {MAX_PAGE} 之间"),
            ));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            errors.push(crate::FieldError::new(
                "per_page",
                format!("每页条数须在 1 到 {MAX_PER_PAGE} 之间"),
            ));
        }
        if errors.is_empty() {
            Ok(Self { page, per_page })
        } else {
            Err(crate::DomainError::Invalid(errors))
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn of(items: Vec<T>, total: u64, request: PageRequest) -> Self {
        Page {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_offsets() {
        let p = PageRequest::new(None, None).unwrap();
        assert_eq!((p.page, p.per_page, p.offset()), (1, 25, 0));
        let p = PageRequest::new(Some(3), Some(10)).unwrap();
        assert_eq!(p.offset(), 20);
    }

    #[test]
    fn zero_page_and_huge_pages_are_refused_with_field_names() {
        let Err(crate::DomainError::Invalid(errs)) = PageRequest::new(Some(0), Some(10_000)) else {
            panic!("expected invalid");
        };
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page"]);
    }
}

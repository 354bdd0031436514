//! What the service remembers between requests, never longer than the data
//! it was read from stays the same:
//!
//! - the caller behind a credential version: the request still reads the
//!   version and the active flag fresh (one indexed read of the primary), and
//!   only the rest of the row, which cannot change without the version
//!   changing, comes from here;
//! - list pages and their totals, by the exact statement and the store's
//!   [`Generation`]: a page read at one generation is what the same
//!   statement answers at that generation, so it is served again until any
//!   write commits, after which every entry is dropped;
//! - whole answers of a list as the API sends them (its JSON), by the
//!   caller, the request and the second they were rendered for, under the
//!   same generation: the same caller asking the same within that second
//!   and before any write gets the same bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::db::Generation;
use crate::identity::SignedIn;
use crate::workflow::listing::AssignmentRow;

/// Past this many entries everything is dropped (a bound on memory: at 25
/// rows a page, about 30 MB at the most).
const MAX_PAGES: usize = 4096;
const MAX_CALLERS: usize = 100_000;

/// Reads of the callers' standing under way at once, at the most.
pub const STANDING_READERS: usize = crate::standing::READERS;

#[derive(Debug, Default)]
pub struct Memo {
    callers: Mutex<HashMap<i64, SignedIn>>,
    lists: Mutex<Lists>,
    /// Not remembered, shared: the reads of the callers' standing.
    standing: Arc<crate::standing::Standing>,
}

#[derive(Debug, Default)]
struct Lists {
    generation: Option<Generation>,
    pages: HashMap<String, Arc<Vec<AssignmentRow>>>,
    totals: HashMap<String, u64>,
    answers: HashMap<String, Arc<[u8]>>,
    /// The second the answers were rendered for: answers of an earlier
    /// second are never asked for again, so they are dropped.
    answers_second: i64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Lists {
    /// The entries, if they were read at `g`.
    fn at(&self, g: &Generation) -> Option<&Self> {
        (self.generation.as_ref() == Some(g)).then_some(self)
    }

    /// The entries to add to for `g`: a newer generation drops the rest.
    fn for_write(&mut self, g: &Generation) -> &mut Self {
        if self.generation.as_ref() != Some(g)
            || self.pages.len() >= MAX_PAGES
            || self.totals.len() >= MAX_PAGES
            || self.answers.len() >= MAX_PAGES
        {
            self.pages.clear();
            self.totals.clear();
            self.answers.clear();
            self.generation = Some(g.clone());
        }
        self
    }
}

impl Memo {
    /// The callers' standing, read fresh, one read for the requests waiting.
    pub(crate) fn standing(&self) -> &Arc<crate::standing::Standing> {
        &self.standing
    }

    /// How many reads of the callers' standing this service has made.
    pub fn standing_reads(&self) -> u64 {
        self.standing.reads()
    }

    /// The caller remembered for `user_id` at `credential_version`.
    pub fn caller(&self, user_id: i64, credential_version: i32) -> Option<SignedIn> {
        lock(&self.callers)
            .get(&user_id)
            .filter(|s| s.credential_version == credential_version)
            .cloned()
    }

    pub fn remember_caller(&self, signed: &SignedIn) {
        let mut callers = lock(&self.callers);
        if callers.len() >= MAX_CALLERS {
            callers.clear();
        }
        callers.insert(signed.actor.user_id, signed.clone());
    }

    pub fn page(&self, g: &Generation, statement: &str) -> Option<Arc<Vec<AssignmentRow>>> {
        lock(&self.lists).at(g)?.pages.get(statement).cloned()
    }

    pub fn remember_page(&self, g: &Generation, statement: String, rows: Arc<Vec<AssignmentRow>>) {
        lock(&self.lists).for_write(g).pages.insert(statement, rows);
    }

    /// A list's answer as rendered at `g` for `request` (caller, filter,
    /// page and second).
    pub fn answer(&self, g: &Generation, request: &str) -> Option<Arc<[u8]>> {
        lock(&self.lists).at(g)?.answers.get(request).cloned()
    }

    /// `request` names its second too; `second` is that second.
    pub fn remember_answer(&self, g: &Generation, second: i64, request: String, body: Arc<[u8]>) {
        let mut lists = lock(&self.lists);
        let lists = lists.for_write(g);
        if lists.answers_second != second {
            lists.answers.clear();
            lists.answers_second = second;
        }
        lists.answers.insert(request, body);
    }

    pub fn total(&self, g: &Generation, statement: &str) -> Option<u64> {
        lock(&self.lists).at(g)?.totals.get(statement).copied()
    }

    pub fn remember_total(&self, g: &Generation, statement: String, total: u64) {
        lock(&self.lists)
            .for_write(g)
            .totals
            .insert(statement, total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_generation_forgets_what_was_read_before() {
        let memo = Memo::default();
        let (g1, g2) = (Generation("1".into()), Generation("2".into()));
        memo.remember_total(&g1, "count a".into(), 7);
        assert_eq!(memo.total(&g1, "count a"), Some(7));
        assert_eq!(
            memo.total(&g2, "count a"),
            None,
            "read at another generation"
        );
        memo.remember_total(&g2, "count b".into(), 3);
        assert_eq!(memo.total(&g1, "count a"), None);
        assert_eq!(
            memo.total(&g2, "count a"),
            None,
            "dropped with generation 1"
        );
        assert_eq!(memo.total(&g2, "count b"), Some(3));
    }

    #[test]
    fn answers_are_dropped_with_their_generation() {
        let memo = Memo::default();
        let (g1, g2) = (Generation("1".into()), Generation("2".into()));
        memo.remember_answer(&g1, 7, "req 7".into(), Arc::from(&b"{}"[..]));
        assert_eq!(memo.answer(&g1, "req 7").as_deref(), Some(&b"{}"[..]));
        // The next second's first answer drops the last second's.
        memo.remember_answer(&g1, 8, "req 8".into(), Arc::from(&b"[]"[..]));
        assert_eq!(memo.answer(&g1, "req 7"), None);
        assert_eq!(memo.answer(&g1, "req 8").as_deref(), Some(&b"[]"[..]));
        memo.remember_total(&g2, "count".into(), 1);
        assert_eq!(memo.answer(&g1, "req 8"), None);
        assert_eq!(memo.answer(&g2, "req 8"), None);
    }
}

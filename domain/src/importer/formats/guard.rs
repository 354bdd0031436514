//! Third-party readers on untrusted bytes: `pdf-extract` and `calamine`
//! panic on some damaged files (the property test finds such inputs) and
//! may run long. Each read runs on a thread of its own with its panic
//! caught and a time limit; past the limit the caller gets an answer while
//! the thread finishes on its own, holding only its copy of the bytes.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Once, mpsc};
use std::time::Duration;

/// The name of the reader threads, so their caught panics are logged as
/// refused files rather than printed as crashes.
const THREAD_NAME: &str = "document-reader";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Panicked,
    TimedOut,
    NotStarted,
}

impl Failure {
    pub fn describe(self) -> &'static str {
        match self {
            Failure::Panicked => "文件结构异常 (the reader failed on this file)",
            Failure::TimedOut => "读取超时 (reading took too long)",
            Failure::NotStarted => "无法启动读取 (could not start reading)",
        }
    }
}

pub fn run<T, F>(limit: Duration, read: F) -> Result<T, Failure>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    quiet_panics_of_readers();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(read)));
        });
    if spawned.is_err() {
        return Err(Failure::NotStarted);
    }
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(Failure::Panicked),
        Err(_) => Err(Failure::TimedOut),
    }
}

/// A reader's panic is an answer (the file is damaged), not a crash: it is
/// logged at warn level instead of printed; other threads keep the hook
/// they had.
fn quiet_panics_of_readers() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(THREAD_NAME) {
                tracing::warn!(%info, "a document reader failed on a damaged file");
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_and_a_hang_are_answers() {
        assert_eq!(run(Duration::from_secs(5), || 7), Ok(7));
        let panicked: Result<(), Failure> = run(Duration::from_secs(5), || panic!("damaged"));
        assert_eq!(panicked, Err(Failure::Panicked));
        let slow = run(Duration::from_millis(10), || {
            std::thread::sleep(Duration::from_millis(200));
        });
        assert_eq!(slow, Err(Failure::TimedOut));
    }
}

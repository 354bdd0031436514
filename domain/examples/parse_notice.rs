//! Prints what the importer reads from a notice file (any supported kind)
//! and how long reading and parsing took (parsing: the best of `RUNS`,
//! default 5):
//! `cargo run --release -p duban-domain --example parse_notice -- FILE`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use duban_domain::importer::formats::{Hint, read_document};

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_notice FILE");
    let bytes = std::fs::read(&path).unwrap();
    let hint = Hint {
        file_name: Some(&path),
        content_type: None,
    };
    let start = std::time::Instant::now();
    let document = match read_document(&bytes, &hint) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let read = start.elapsed();
    // The first parse also compiles the importer's regexes once per
    // process; the best of a few runs is the cost per notice.
    let runs: u32 = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mut parsed = std::time::Duration::MAX;
    let mut notice = duban_domain::importer::parse_notice(&document.text);
    for _ in 0..runs {
        let t = std::time::Instant::now();
        notice = duban_domain::importer::parse_notice(&document.text);
        parsed = parsed.min(t.elapsed());
    }
    if std::env::var_os("SHOW_TEXT").is_some() {
        eprintln!("{}", document.text);
    }
    println!("{}", serde_json::to_string_pretty(&notice).unwrap());
    eprintln!(
        "{:?}: {} bytes read in {read:?}, parsed in {parsed:?}",
        document.kind,
        bytes.len()
    );
}

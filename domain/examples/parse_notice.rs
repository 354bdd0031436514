//! Prints what the importer reads from a notice file (any supported kind)
//! and how long reading and parsing took:
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
    let notice = duban_domain::importer::parse_notice(&document.text);
    let parsed = start.elapsed() - read;
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

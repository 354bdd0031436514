//! Prints what the importer reads from a notice file, and how long it took:
//! `cargo run --release -p duban-domain --example parse_notice -- FILE`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_notice FILE");
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let start = std::time::Instant::now();
    let notice = duban_domain::importer::parse_notice(&text);
    let elapsed = start.elapsed();
    println!("{}", serde_json::to_string_pretty(&notice).unwrap());
    eprintln!("parsed {} bytes in {elapsed:?}", bytes.len());
}

use std::process::ExitCode;

use clap::Parser;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = duban_api::cli::Cli::parse();
    match duban_api::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duban: {e:#}");
            ExitCode::FAILURE
        }
    }
}

use clap::Parser;

fn main() {
    let cli = acmlint::cli::Cli::parse();
    std::process::exit(acmlint::cli::run(cli));
}

//! The whole pipeline: the input is split at its first NUL-free `\n---8<---\n` marker (or in
//! halves) into `main.tf` and `template.yaml` in a fresh directory, and `acmlint::check` runs
//! on it. Parse errors are fine; a panic anywhere (model, rules, report) is not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let marker: &[u8] = b"\n---8<---\n";
    let (tf, yaml) = match data.windows(marker.len()).position(|w| w == marker) {
        Some(at) => (&data[..at], &data[at + marker.len()..]),
        None => data.split_at(data.len() / 2),
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).is_ok();
    if !write("main.tf", tf) || !write("template.yaml", yaml) {
        return;
    }
    let options = acmlint::Options {
        paths: vec![dir.path().to_path_buf()],
        ..acmlint::Options::default()
    };
    if let Ok(report) = acmlint::check(&options) {
        let _ = acmlint::report::json::render_json(&report);
    }
});

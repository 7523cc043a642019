//! A short, deterministic mutation run on stable Rust, so that every CI run exercises what the
//! cargo-fuzz targets in `fuzz/` do (those need nightly; `scripts/fuzz.sh` runs them for real).
//! Every fixture is mutated (bit flips, byte insertions and deletions, duplicated and truncated
//! chunks, spliced halves) and fed to both parsers and, for a share of them, to the whole check.
//! The only failure is a panic; the input that caused it is printed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use acmlint::source::{FileId, SourceFile};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"${",
    b"}",
    b"{",
    b"[",
    b"]",
    b"\"",
    b"!Ref ",
    b"!GetAtt ",
    b"&a ",
    b"*a",
    b"<<EOT\n",
    b"\nEOT\n",
    b"%{",
    b"\t",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\0",
    b"..",
    b"[0]",
    b"::",
];

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, token.iter().copied());
            }
            2 if at < out.len() => {
                let end = (at + rng.below(64)).min(out.len());
                out.drain(at..end);
            }
            3 if at < out.len() => {
                let end = (at + rng.below(256)).min(out.len());
                let chunk: Vec<u8> = out[at..end].to_vec();
                out.splice(at..at, chunk);
            }
            4 => out.truncate(at),
            _ => {
                let split = rng.below(other.len() + 1);
                out.truncate(at);
                out.extend_from_slice(&other[split..]);
            }
        }
    }
    out
}

fn seeds() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new("fixtures")
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e == "tf" || e == "yaml" || e == "json")
                && !p.starts_with("fixtures/hostile")
        })
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .filter(|(_, b)| b.len() < 64 * 1024)
        .collect();
    out.sort();
    out
}

fn parse_both(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let file = SourceFile::new(FileId(0), "fuzz".into(), text.as_ref());
    let _ = acmlint::parse::hcl::parse_hcl(&file);
    let _ = acmlint::parse::cfn::parse_template(&file);
}

fn check_dir(tf: &[u8], yaml: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), tf).unwrap();
    std::fs::write(dir.path().join("template.yaml"), yaml).unwrap();
    let options = acmlint::Options {
        paths: vec![dir.path().to_path_buf()],
        ..acmlint::Options::default()
    };
    if let Ok(report) = acmlint::check(&options) {
        let _ = acmlint::report::json::render_json(&report);
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let seeds = seeds();
    assert!(seeds.len() > 50, "only {} seeds", seeds.len());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut runs = 0;
    for round in 0..40 {
        for (i, (path, bytes)) in seeds.iter().enumerate() {
            let other = &seeds[(i + 1 + round) % seeds.len()].1;
            let input = mutate(&mut rng, bytes, other);
            let whole = round % 4 == 0;
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                parse_both(&input);
                if whole {
                    check_dir(&input, &mutate(&mut Rng(rng.0), other, bytes));
                }
            }));
            runs += 1;
            if outcome.is_err() {
                panic!(
                    "panic on a mutation of {} (round {round}):\n{}",
                    path.display(),
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }
    assert!(runs > 2500, "{runs}");
}

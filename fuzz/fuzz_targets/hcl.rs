//! `parse_hcl` on arbitrary text: an error is fine, a panic or a crash is not.
#![no_main]

use acmlint::parse::hcl::parse_hcl;
use acmlint::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new(FileId(0), "fuzz.tf".into(), text.as_ref());
    if let Err(e) = parse_hcl(&file) {
        // The error position must be inside the file.
        assert!(e.span.start as usize <= file.text.len());
        let _ = file.line_col(e.span.start as usize);
    }
});

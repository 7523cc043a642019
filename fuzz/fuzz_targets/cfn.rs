//! `parse_template` on arbitrary text, then the CloudFormation model on what parses.
#![no_main]

use acmlint::parse::cfn::{is_cloudformation, parse_template};
use acmlint::source::{FileId, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new(FileId(0), "fuzz.yaml".into(), text.as_ref());
    match parse_template(&file) {
        Ok(root) => {
            let _ = is_cloudformation(&root);
        }
        Err(e) => {
            assert!(e.span.start as usize <= file.text.len());
            let _ = file.line_col(e.span.start as usize);
        }
    }
});

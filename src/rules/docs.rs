//! Rule documentation pages: what `acmlint explain` prints and what the docs test runs.
//!
//! Code blocks in "Example" and "How to fix" are complete configurations, so that a test can
//! check that each Example produces the rule's finding and each fix produces none. Lines that
//! only complete the configuration start with `#~`: they are run, never shown.

/// A code block of a documentation page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeBlock {
    /// The `## ` section the block is in.
    pub section: String,
    /// `hcl`, `yaml`, or whatever follows the opening fence.
    pub lang: String,
    /// The code with hidden lines included (and their `#~` marker removed).
    pub code: String,
}

fn hidden(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("#~")?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// The page as shown in a terminal `width` columns wide: prose reflowed (list items with a
/// hanging indent), code kept as written, hidden lines left out.
pub fn for_terminal(page: &str, width: usize) -> String {
    let mut out = String::with_capacity(page.len());
    let mut in_code = false;
    let mut paragraph: Vec<&str> = Vec::new();
    for line in page.lines() {
        if line.starts_with("```") {
            flush(&mut out, &mut paragraph, width);
            in_code = !in_code;
            out.push_str(line);
            out.push('\n');
        } else if in_code {
            if hidden(line).is_none() {
                out.push_str(line);
                out.push('\n');
            }
        } else if line.trim().is_empty() || line.starts_with('#') {
            flush(&mut out, &mut paragraph, width);
            out.push_str(line);
            out.push('\n');
        } else {
            if line.trim_start().starts_with("- ") {
                flush(&mut out, &mut paragraph, width);
            }
            paragraph.push(line);
        }
    }
    flush(&mut out, &mut paragraph, width);
    out
}

/// Writes a paragraph (or list item) wrapped at `width`.
fn flush(out: &mut String, paragraph: &mut Vec<&str>, width: usize) {
    let Some(first) = paragraph.first() else {
        return;
    };
    let indent = first.len() - first.trim_start().len();
    let hanging = if first.trim_start().starts_with("- ") {
        indent + 2
    } else {
        indent
    };
    let mut line = " ".repeat(indent);
    let mut fresh = true;
    for word in paragraph.iter().flat_map(|l| l.split_whitespace()) {
        if !fresh && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(hanging);
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    out.push_str(&line);
    out.push('\n');
    paragraph.clear();
}

/// Every fenced code block, with its section.
pub fn code_blocks(page: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut section = String::new();
    let mut current: Option<CodeBlock> = None;
    for line in page.lines() {
        if let Some(fence) = line.strip_prefix("```") {
            match current.take() {
                Some(block) => blocks.push(block),
                None => {
                    current = Some(CodeBlock {
                        section: section.clone(),
                        lang: fence.trim().to_string(),
                        code: String::new(),
                    });
                }
            }
            continue;
        }
        match &mut current {
            Some(block) => {
                block.code.push_str(hidden(line).unwrap_or(line));
                block.code.push('\n');
            }
            None => {
                if let Some(title) = line.strip_prefix("## ") {
                    section = title.trim().to_string();
                }
            }
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# X\n\n## Example\n```hcl\n#~ hidden = 1\nshown = 2\n```\n\n## How to fix\n```yaml\nok: 1\n```\n";

    #[test]
    fn hidden_lines_run_but_are_not_shown() {
        let blocks = code_blocks(PAGE);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].section, "Example");
        assert_eq!(blocks[0].code, "hidden = 1\nshown = 2\n");
        assert_eq!(blocks[1].section, "How to fix");
        assert_eq!(blocks[1].lang, "yaml");
        assert!(!for_terminal(PAGE, 80).contains("hidden"));
        assert!(for_terminal(PAGE, 80).contains("shown = 2"));
    }

    #[test]
    fn prose_is_wrapped_and_list_items_hang() {
        let page = "Some words that go on and on.\n- an item that is long enough\n  to wrap\n";
        assert_eq!(
            for_terminal(page, 16),
            "Some words that\ngo on and on.\n- an item that\n  is long enough\n  to wrap\n"
        );
    }
}

//! The README's `## Keys` section is the keymap table written out: every key of the dashboard
//! is there with its help text, so the two cannot drift apart unnoticed.
#![cfg(feature = "tui")]

use lpm::tui::keymap::{BINDINGS, Context, help_sections};

fn keys_section() -> String {
    let readme = include_str!("../README.md");
    let start = readme.find("## Keys").expect("README has a Keys section");
    let rest = &readme[start + 7..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].to_string()
}

/// The section as it should read (print it with `cargo test --test tui_keys_doc -- --nocapture`).
fn expected() -> String {
    let mut out = String::new();
    for (group, bindings) in help_sections() {
        out.push_str(&format!("\n{group}:\n\n| key | does |\n|---|---|\n"));
        for b in bindings {
            out.push_str(&format!("| `{}` | {} |\n", b.label, b.help));
        }
    }
    out
}

#[test]
fn readme_lists_every_key_of_the_keymap() {
    println!("{}", expected());
    let section = keys_section();
    for b in BINDINGS.iter().filter(|b| b.context == Context::Main) {
        if lpm::tui::keymap::is_pair_tail(b) {
            continue;
        }
        let row = format!("| `{}` | {} |", b.label, b.help);
        assert!(section.contains(&row), "README Keys lacks: {row}");
    }
}

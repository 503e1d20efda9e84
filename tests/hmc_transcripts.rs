//! Golden transcripts of HMC sessions: each tests/data/hmc/*.txt file, replayed on a fresh
//! session, must print exactly what it records (standard output, standard error, status).
//!
//! When the output changes on purpose, regenerate with `LPM_BLESS=1 cargo test --test
//! hmc_transcripts` and review the diff of the files before committing them.

mod hmc_common;

use hmc_common::*;

#[test]
fn every_transcript_replays_exactly() {
    let bless = std::env::var("LPM_BLESS").is_ok_and(|v| v == "1");
    let files = files();
    assert!(files.len() >= 5, "the transcripts are missing: {files:?}");
    let mut failures = Vec::new();
    for path in files {
        let expected = read(&path);
        let t = parse(&expected).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let actual = render(&replay(&t));
        if actual == expected {
            continue;
        }
        if bless {
            std::fs::write(&path, &actual).expect("the transcript is rewritten");
            eprintln!("LPM_BLESS=1: rewrote {}", path.display());
        } else {
            failures.push(format!(
                "{} differs (- recorded, + now):\n{}",
                path.display(),
                diff(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right, regenerate the files with:\n    \
         LPM_BLESS=1 cargo test --test hmc_transcripts\nand review their diff.",
        failures.join("\n")
    );
}

#[test]
fn the_transcript_format_round_trips() {
    for path in files() {
        let text = read(&path);
        let t = parse(&text).unwrap();
        assert_eq!(render(&t), text, "{}", path.display());
    }
}

#[test]
fn a_diff_names_the_changed_lines() {
    let d = diff("a\nb\nc\nd\ne\n", "a\nb\nX\nd\ne\n");
    assert!(d.contains("- c\n") && d.contains("+ X\n"), "{d}");
    assert!(!d.contains("  a\n"), "only a line of context: {d}");
}

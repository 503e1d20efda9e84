//! `lpm hmc` as a user runs it: commands piped on standard input or given with `-c` print
//! exactly what the golden transcripts record, and the exit status is the last command's.

mod hmc_common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use hmc_common::*;

fn lpm(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lpm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the lpm binary runs");
    // Written from a thread so that a large output cannot block the pipe both ways.
    let mut input = child.stdin.take().expect("stdin is piped");
    let text = stdin.to_string();
    let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("lpm ends");
    match writer.join().expect("the writer ends") {
        // lpm may end without reading it all (`-c`, `exit`): that is no failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r.expect("stdin is written"),
    }
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scenario_args(t: &Transcript) -> Vec<String> {
    let mut args = vec!["hmc".to_string()];
    if t.scenario != "builtin" {
        args.push(t.scenario.clone());
    }
    args
}

#[test]
fn piped_commands_print_what_the_transcripts_record() {
    for path in files() {
        let t = parse(&read(&path)).unwrap();
        let (stdout, stderr, status) = streams(&t);
        let mut input = commands(&t).join("\n");
        input.push('\n');
        let args = scenario_args(&t);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = lpm(&args, &input);
        let name = path.display();
        assert_eq!(text(&out.stdout), stdout, "{name}: standard output");
        assert_eq!(text(&out.stderr), stderr, "{name}: standard error");
        assert_eq!(out.status.code(), Some(status), "{name}: exit status");
    }
}

#[test]
fn one_shot_commands_print_what_the_transcripts_record() {
    for path in files() {
        let t = parse(&read(&path)).unwrap();
        let (stdout, stderr, status) = streams(&t);
        let mut args = scenario_args(&t);
        for c in commands(&t) {
            args.push("-c".into());
            args.push(c);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Standard input is ignored when -c is given.
        let out = lpm(&args, "lssyscfg -r sys\n");
        let name = path.display();
        assert_eq!(text(&out.stdout), stdout, "{name}: standard output");
        assert_eq!(text(&out.stderr), stderr, "{name}: standard error");
        assert_eq!(out.status.code(), Some(status), "{name}: exit status");
    }
}

#[test]
fn the_status_is_the_last_commands() {
    let ok_last = lpm(
        &["hmc", "-c", "nosuch", "-c", "lssyscfg -r sys -F name"],
        "",
    );
    assert_eq!(ok_last.status.code(), Some(0));
    let failed_last = lpm(
        &["hmc"],
        "lssyscfg -r sys -F name\nlssyscfg -r lpar -m nosuch\n\n# done\n",
    );
    assert_eq!(failed_last.status.code(), Some(1));
    assert_eq!(text(&failed_last.stdout), "frame-a\nframe-b\n");
    let exit = lpm(&["hmc"], "exit 3\nlssyscfg -r sys\n");
    assert_eq!(exit.status.code(), Some(3));
    assert!(exit.stdout.is_empty(), "nothing runs after exit");
}

#[test]
fn a_refused_scenario_is_exit_2_as_for_every_command() {
    let out = lpm(
        &["hmc", "tests/data/hmc/no-such-file.ron", "-c", "help"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("cannot read the scenario"));
}

#[test]
fn the_readme_lists_every_code_of_lpms_own() {
    let readme = read(&root().join("README.md"));
    for (code, _) in lpm::hmc::codes::LPM_CODES {
        assert!(
            readme.contains(&format!("| {} |", code.as_str())),
            "README.md's table of lpm's own codes lacks {code}"
        );
    }
    for (code, _, _) in lpm::hmc::codes::IBM_CODES {
        assert!(
            readme.contains(&format!("**{}**", code.as_str())),
            "README.md lacks {code}"
        );
    }
}

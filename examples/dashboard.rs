//! The dashboard on the built-in scenario: `cargo run --release --example dashboard [SCALE]`.

fn main() -> anyhow::Result<()> {
    let time_scale = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    lpm::tui::run_at(
        lpm::Scenario::builtin(),
        lpm::tui::TuiOptions {
            origin: Some("built-in".into()),
        },
        time_scale,
    )
}

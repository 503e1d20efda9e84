//! Headless output of a run: human text and JSON lines.

//! The one way lpm reads a text file it was given (a scenario, a presenter script, a
//! recording): refused before a byte is read unless it is a regular file of at most
//! [`MAX_FILE_BYTES`], and read with that bound again, so that `/dev/zero`, a FIFO or a file
//! that grows while it is read can never make lpm read without end.

use std::io::Read;
use std::path::Path;

/// The largest file lpm reads: 16 MiB. The shipped estate (234 partitions) is 41 KiB, so this
/// holds an estate of tens of thousands of partitions, and a file past it is not a scenario.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Reads `path` as UTF-8 text; `what` names it in messages ("the scenario"). A leading
/// byte-order mark is dropped (editors on Windows write one; it is no part of RON). The error
/// is a sentence for the user, without the path (the caller prefixes it).
pub fn read_text(path: &Path, what: &str) -> Result<String, String> {
    // `metadata` follows a symlink to what it names: a link to a regular file is that file.
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {what}: {e}"))?;
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, a FIFO or a socket)"
        };
        return Err(format!("cannot read {what}: it is {kind}"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(what, meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {what}: {e}"))?;
    // The size may have changed since `metadata` (or lie, as /proc's files do): read at most
    // one byte past the bound, and refuse if that byte came.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {what}: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(what, bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("cannot read {what}: it is not UTF-8 text (an invalid byte at offset {at})")
    })?;
    Ok(strip_bom(&text).to_string())
}

/// The text without a leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn too_big(what: &str, len: u64) -> String {
    format!(
        "cannot read {what}: it holds {}{} bytes, and lpm reads files of at most {} ({} bytes)",
        if len > MAX_FILE_BYTES {
            "more than "
        } else {
            ""
        },
        len.min(MAX_FILE_BYTES),
        crate::units::bytes(MAX_FILE_BYTES as f64),
        MAX_FILE_BYTES
    )
}

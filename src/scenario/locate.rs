//! Where in a scenario's text a semantic problem is, so that its message can say `line:col`.
//!
//! serde gives no spans for values that parsed, so this finds them again in the text: the
//! n-th entry of `systems`, `partitions` or `script` (each entry starts with its first key,
//! `name` or `at_s`), then a field inside it. A miss is not an error: the message just has no
//! line and column.

/// What a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// A top-level field, optionally a field inside it (`link.bandwidth_gbps`).
    Key(&'static str, Option<&'static str>),
    System(usize, Option<&'static str>),
    Partition(usize, Option<&'static str>),
    Step(usize, Option<&'static str>),
}

pub struct Locator {
    /// The text with comments blanked out (same length, same line breaks).
    text: Vec<u8>,
}

impl Locator {
    pub fn new(text: &str) -> Locator {
        Locator {
            text: blank_comments(text),
        }
    }

    /// 1-based line and column of the anchor, if it can be found.
    pub fn find(&self, anchor: &Anchor) -> Option<(usize, usize)> {
        let end = self.text.len();
        let pos = match *anchor {
            Anchor::Key(key, field) => {
                let k = self.key(0, end, key)?;
                match field {
                    Some(f) => self.key(k, self.value_end(k), f).unwrap_or(k),
                    None => k,
                }
            }
            Anchor::System(i, field) => self.entry(("systems", "name"), i, field)?,
            Anchor::Partition(i, field) => self.entry(("partitions", "name"), i, field)?,
            Anchor::Step(i, field) => self.entry(("script", "at_s"), i, field)?,
        };
        Some(self.line_col(pos))
    }

    /// The `i`-th entry of a top-level list, found by its first key; then `field` in it.
    fn entry(&self, (list, first): (&str, &str), i: usize, field: Option<&str>) -> Option<usize> {
        let list_at = self.key(0, self.text.len(), list)?;
        let list_end = self.value_end(list_at);
        let mut at = list_at;
        let mut start = None;
        for _ in 0..=i {
            let k = self.key(at + 1, list_end, first)?;
            start = Some(k);
            at = k;
        }
        let start = start?;
        let entry_end = self.key(start + 1, list_end, first).unwrap_or(list_end);
        Some(
            field
                .and_then(|f| self.key(start, entry_end, f))
                .unwrap_or(start),
        )
    }

    /// The first `key:` in `from..to` (a whole identifier followed by a colon).
    fn key(&self, from: usize, to: usize, key: &str) -> Option<usize> {
        let k = key.as_bytes();
        let to = to.min(self.text.len());
        let mut i = from;
        let mut in_string = false;
        while i < to {
            let c = self.text[i];
            if in_string {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_string = false;
                }
                i += 1;
                continue;
            }
            if c == b'"' {
                in_string = true;
                i += 1;
                continue;
            }
            if self.text[i..to].starts_with(k)
                && (i == 0 || !is_ident(self.text[i - 1]))
                && self.text.get(i + k.len()).is_none_or(|&c| !is_ident(c))
            {
                let mut j = i + k.len();
                while j < to && self.text[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < to && self.text[j] == b':' {
                    return Some(i);
                }
            }
            i += 1;
        }
        None
    }

    /// Where the value of the key at `at` ends: at the first unbalanced closing bracket or the
    /// comma at the same depth.
    fn value_end(&self, at: usize) -> usize {
        let mut depth = 0i32;
        let mut in_string = false;
        let mut i = at;
        while i < self.text.len() {
            let c = self.text[i];
            if in_string {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    in_string = false;
                }
            } else {
                match c {
                    b'"' => in_string = true,
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => {
                        depth -= 1;
                        if depth < 0 {
                            return i;
                        }
                    }
                    b',' if depth == 0 => return i,
                    _ => {}
                }
            }
            i += 1;
        }
        self.text.len()
    }

    fn line_col(&self, pos: usize) -> (usize, usize) {
        line_col(&self.text, pos)
    }
}

/// 1-based line and column of a byte offset in a file's text; columns count characters, as
/// ron's do. The one place scenario, presenter and `Hmc(...)` messages get their positions.
pub fn line_col(text: impl AsRef<[u8]>, pos: usize) -> (usize, usize) {
    let text = text.as_ref();
    let before = &text[..pos.min(text.len())];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Replaces `//` and `/* */` comments with spaces, keeping every byte offset and line break,
/// so that a name mentioned in a comment is never taken for the field itself.
fn blank_comments(text: &str) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        if in_string {
            if b[i] == b'\\' {
                i += 1;
            } else if b[i] == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match (b[i], b.get(i + 1).copied()) {
            (b'"', _) => {
                in_string = true;
                i += 1;
            }
            (b'/', Some(b'/')) => {
                while i < b.len() && b[i] != b'\n' {
                    b[i] = b' ';
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        b[i] = b' ';
                        b[i + 1] = b' ';
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        b[i] = b' ';
                        b[i + 1] = b' ';
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        if b[i] != b'\n' {
                            b[i] = b' ';
                        }
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    b
}

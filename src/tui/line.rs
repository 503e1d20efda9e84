//! A single-line editor for the dashboard's `:` command line and the log's `/` search: no
//! maintained crate for it (tui-input, tui-textarea) is in the offline registry, so this is
//! the minimum: insert, delete, move by character and word, kill to either end. The cursor is
//! a byte offset kept on a character boundary.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Bytes a line may hold (the HMC's own bound on a command line).
pub const MAX_BYTES: usize = crate::hmc::bounds::MAX_LINE_BYTES;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    /// Byte offset of the cursor, on a character boundary.
    cursor: usize,
}

impl LineEditor {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Characters before the cursor (its column in the line).
    pub fn cursor_chars(&self) -> usize {
        self.text[..self.cursor].chars().count()
    }

    /// Replaces the line, cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.text = text.chars().filter(|c| !c.is_control()).collect();
        self.truncate_to_bound();
        self.cursor = self.text.len();
    }

    /// Takes the line, leaving it empty.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    /// Replaces the bytes `start..cursor` with `with` (a completion), cursor after it.
    pub fn replace_before_cursor(&mut self, start: usize, with: &str) {
        let start = floor(&self.text, start.min(self.cursor));
        let tail = self.text[self.cursor..].to_string();
        self.text.truncate(start);
        self.text.push_str(with);
        let at = self.text.len();
        self.text.push_str(&tail);
        self.truncate_to_bound();
        self.cursor = at.min(self.text.len());
        self.cursor = floor(&self.text, self.cursor);
    }

    fn truncate_to_bound(&mut self) {
        if self.text.len() > MAX_BYTES {
            let end = floor(&self.text, MAX_BYTES);
            self.text.truncate(end);
        }
    }

    /// An editing key; false when the key is not one (the caller may use it otherwise).
    pub fn edit(&mut self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('b') if ctrl => self.left(),
            KeyCode::Char('f') if ctrl => self.right(),
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let start = self.word_start();
                self.text.drain(start..self.cursor);
                self.cursor = start;
            }
            KeyCode::Char('h') if ctrl => self.backspace(),
            KeyCode::Char(_) if ctrl => return false,
            KeyCode::Char(c) => {
                if self.text.len() + c.len_utf8() <= MAX_BYTES && !c.is_control() {
                    self.text.insert(self.cursor, c);
                    self.cursor += c.len_utf8();
                }
            }
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => {
                if let Some(c) = self.text[self.cursor..].chars().next() {
                    self.text.drain(self.cursor..self.cursor + c.len_utf8());
                }
            }
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            _ => return false,
        }
        true
    }

    fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    /// Where the word before the cursor starts (bash's Ctrl-W: back over spaces, then over
    /// the word).
    fn word_start(&self) -> usize {
        let head = &self.text[..self.cursor];
        let trimmed = head.trim_end();
        trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8())
    }
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(s: &str) -> LineEditor {
        let mut e = LineEditor::default();
        for c in s.chars() {
            e.edit(&key(KeyCode::Char(c)));
        }
        e
    }

    #[test]
    fn inserts_deletes_and_moves_by_character() {
        let mut e = typed("lsyscfg");
        for _ in 0..5 {
            e.edit(&key(KeyCode::Left));
        }
        e.edit(&key(KeyCode::Char('s')));
        assert_eq!(e.text(), "lssyscfg");
        assert_eq!(e.cursor_chars(), 3);
        e.edit(&key(KeyCode::Backspace));
        e.edit(&key(KeyCode::Delete));
        assert_eq!(e.text(), "lsscfg");
        e.edit(&ctrl('e'));
        assert_eq!(e.cursor(), e.text().len());
    }

    #[test]
    fn kills_a_word_and_both_ends_like_bash() {
        let mut e = typed("migrlpar -o m  ");
        e.edit(&ctrl('w'));
        assert_eq!(e.text(), "migrlpar -o ");
        e.edit(&key(KeyCode::Home));
        e.edit(&key(KeyCode::Right));
        e.edit(&ctrl('k'));
        assert_eq!(e.text(), "m");
        e.edit(&ctrl('e'));
        e.edit(&ctrl('u'));
        assert_eq!(e.text(), "");
    }

    #[test]
    fn multibyte_text_never_splits_a_character() {
        let mut e = typed("é-ü");
        e.edit(&key(KeyCode::Left));
        e.edit(&key(KeyCode::Backspace));
        assert_eq!(e.text(), "éü");
        e.replace_before_cursor(1, "x");
        assert!(e.text().is_char_boundary(e.cursor()));
    }

    #[test]
    fn a_completion_replaces_the_word_before_the_cursor() {
        let mut e = typed("lssyscfg -r sy");
        e.replace_before_cursor("lssyscfg -r ".len(), "sys");
        assert_eq!(e.text(), "lssyscfg -r sys");
        assert_eq!(e.cursor(), e.text().len());
    }
}

//! Opening what is imported: [`Input`] reads a file (streamed, never whole into memory) or pasted
//! text, detects its encoding from a byte-order mark or from the first [`SNIFF_BYTES`] (UTF-8,
//! UTF-16 with or without a mark, else a legacy encoding such as Windows-1252 guessed by
//! chardetng), and hands out a decoded UTF-8 reader plus the decoded start for format detection.

use crate::error::{Error, Result};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How much of the start is looked at to tell the encoding and the format.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// A source opened for reading: its encoding, its decoded start, and a reader of the rest.
pub(crate) struct Input {
    /// What the person chose, for messages ("people.csv").
    pub label: String,
    pub path: Option<PathBuf>,
    pub encoding: &'static Encoding,
    pub had_bom: bool,
    /// The decoded start of the text, for format detection (may end mid-line).
    pub head: String,
    /// Bytes in the source, when known (a file), for progress.
    pub total_bytes: Option<u64>,
    /// Bytes consumed so far by the reader, shared with the progress reporter.
    pub consumed: Arc<AtomicU64>,
    raw: Box<dyn Read + Send>,
}

impl Input {
    pub fn open_file(path: &Path) -> Result<Input> {
        let label =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
        let io_error = |source: io::Error| Error::Io { context: format!("Could not read {}", path.display()), source };
        let file = File::open(path).map_err(io_error)?;
        let meta = file.metadata().map_err(io_error)?;
        if meta.is_dir() {
            return Err(Error::invalid("file", format!("{} is a folder; choose a file to import.", path.display())));
        }
        Input::from_reader(label, Some(path.to_path_buf()), Some(meta.len()), Box::new(file))
    }

    pub fn from_text(text: String) -> Result<Input> {
        let len = text.len() as u64;
        Input::from_reader("The pasted text".into(), None, Some(len), Box::new(Cursor::new(text.into_bytes())))
    }

    pub fn from_reader(
        label: String,
        path: Option<PathBuf>,
        total_bytes: Option<u64>,
        mut raw: Box<dyn Read + Send>,
    ) -> Result<Input> {
        let mut start = Vec::with_capacity(SNIFF_BYTES.min(total_bytes.unwrap_or(SNIFF_BYTES as u64) as usize));
        (&mut raw)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut start)
            .map_err(|source| Error::Io { context: format!("Could not read {label}"), source })?;
        let is_whole = start.len() < SNIFF_BYTES;
        if start.is_empty() || (is_whole && start.iter().all(u8::is_ascii_whitespace)) {
            return Err(Error::invalid("file", format!("{label} is empty: there is nobody to import.")));
        }
        let (encoding, bom_len) = detect_encoding(&start, is_whole);
        let (head, _) = encoding.decode_without_bom_handling(&start[bom_len..]);
        let head = head.into_owned();
        let raw: Box<dyn Read + Send> = Box::new(Cursor::new(start).chain(raw));
        Ok(Input {
            label,
            path,
            encoding,
            had_bom: bom_len > 0,
            head,
            total_bytes,
            consumed: Arc::new(AtomicU64::new(0)),
            raw,
        })
    }

    /// "UTF-8", "UTF-8 with byte-order mark", "UTF-16LE", "windows-1252"…
    pub fn encoding_label(&self) -> String {
        if self.had_bom {
            format!("{} with byte-order mark", self.encoding.name())
        } else {
            self.encoding.name().to_string()
        }
    }

    /// The whole text decoded to UTF-8, as a buffered reader (the mark, if any, dropped).
    pub fn into_reader(self) -> Box<dyn BufRead + Send> {
        let counted = Counting { inner: self.raw, consumed: self.consumed };
        let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(self.encoding))
            .bom_override(true)
            .strip_bom(true)
            .build(counted);
        Box::new(BufReader::with_capacity(256 * 1024, decoded))
    }
}

/// Counts the bytes read from the source, for a progress bar over a large file.
struct Counting {
    inner: Box<dyn Read + Send>,
    consumed: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.consumed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The encoding of `start` (the first bytes of the source; `is_whole` when that is all of it)
/// and the length of its byte-order mark.
pub(crate) fn detect_encoding(start: &[u8], is_whole: bool) -> (&'static Encoding, usize) {
    if let Some((encoding, len)) = Encoding::for_bom(start) {
        return (encoding, len);
    }
    if let Some(utf16) = utf16_without_bom(start) {
        return (utf16, 0);
    }
    if valid_utf8_prefix(start, is_whole) {
        return (UTF_8, 0);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(start, is_whole);
    (detector.guess(None, chardetng::Utf8Detection::Allow), 0)
}

/// UTF-16 written without a mark (some exporters do): ASCII text then has a zero in every
/// other byte, on the odd side for little-endian, the even side for big-endian.
fn utf16_without_bom(start: &[u8]) -> Option<&'static Encoding> {
    let sample = &start[..start.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even_zero, mut odd_zero) = (0, 0);
    for pair in sample.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0 && pair[1] != 0);
        odd_zero += usize::from(pair[1] == 0 && pair[0] != 0);
    }
    if odd_zero * 10 >= pairs * 7 {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 7 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// True when `start` is UTF-8, allowing a sequence cut off at the end of the sample.
fn valid_utf8_prefix(start: &[u8], is_whole: bool) -> bool {
    match std::str::from_utf8(start) {
        Ok(_) => true,
        Err(e) => !is_whole && e.error_len().is_none() && start.len() - e.valid_up_to() < 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_decides_the_encoding() {
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFname,email", true), (UTF_8, 3));
        assert_eq!(detect_encoding(b"\xFF\xFEn\0a\0", true), (UTF_16LE, 2));
        assert_eq!(detect_encoding(b"\xFE\xFF\0n\0a", true), (UTF_16BE, 2));
    }

    #[test]
    fn utf16_without_a_mark_is_recognised_by_its_zero_bytes() {
        let le: Vec<u8> = "name,email\r\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "name,email\r\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(detect_encoding(&le, true).0, UTF_16LE);
        assert_eq!(detect_encoding(&be, true).0, UTF_16BE);
    }

    #[test]
    fn utf8_cut_mid_character_at_the_sample_end_is_still_utf8() {
        let text = "Zoë".as_bytes();
        assert_eq!(detect_encoding(&text[..3], false).0, UTF_8);
        // The same bytes as the whole file are not UTF-8.
        assert_ne!(detect_encoding(&text[..3], true).0, UTF_8);
    }

    #[test]
    fn windows_1252_is_guessed_when_the_bytes_are_not_utf8() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Prénom,Nom,Société\r\nRenée,Müller,Café Crème\r\n");
        assert_eq!(detect_encoding(&bytes, true).0, encoding_rs::WINDOWS_1252);
    }

    #[test]
    fn an_empty_or_blank_source_is_refused_with_its_name() {
        for text in ["", "  \r\n\n"] {
            let error = Input::from_text(text.into()).err().unwrap();
            assert!(error.to_string().contains("empty"), "{error}");
        }
    }

    #[test]
    fn the_reader_decodes_and_drops_the_mark() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Name\r\nRenée Dupré\r\n");
        let input = Input::from_reader("x".into(), None, None, Box::new(Cursor::new(bytes.into_owned()))).unwrap();
        let mut text = String::new();
        input.into_reader().read_to_string(&mut text).unwrap();
        assert_eq!(text, "Name\r\nRenée Dupré\r\n");
        let bom = b"\xEF\xBB\xBFName\n".to_vec();
        let input = Input::from_reader("x".into(), None, None, Box::new(Cursor::new(bom))).unwrap();
        assert!(input.had_bom);
        let mut text = String::new();
        input.into_reader().read_to_string(&mut text).unwrap();
        assert_eq!(text, "Name\n");
    }
}

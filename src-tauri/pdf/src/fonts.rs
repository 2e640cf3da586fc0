//! The fonts embedded in the binary (copied into OUT_DIR by `build.rs`) and the font book built
//! from them once per process.

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// Inter in the weights the templates use, then DejaVu Sans as the fallback for other scripts.
static FILES: &[&[u8]] = &[
    include_bytes!(concat!(env!("OUT_DIR"), "/Inter-Regular.font")),
    include_bytes!(concat!(env!("OUT_DIR"), "/Inter-Italic.font")),
    include_bytes!(concat!(env!("OUT_DIR"), "/Inter-Medium.font")),
    include_bytes!(concat!(env!("OUT_DIR"), "/Inter-SemiBold.font")),
    include_bytes!(concat!(env!("OUT_DIR"), "/Inter-Bold.font")),
    include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans.font")),
    include_bytes!(concat!(env!("OUT_DIR"), "/DejaVuSans-Bold.font")),
];

pub(crate) struct Fonts {
    pub book: LazyHash<FontBook>,
    pub fonts: Vec<Font>,
}

pub(crate) static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_font_parses() {
        assert_eq!(FONTS.fonts.len(), FILES.len());
        let families: Vec<&str> = FONTS.book.families().map(|(name, _)| name).collect();
        assert!(families.contains(&"Inter"), "{families:?}");
        assert!(families.contains(&"DejaVu Sans"), "{families:?}");
    }
}

//! Plain text files as offices save them: UTF-8 (with or without a byte-order mark), UTF-16
//! with its mark (Windows Notepad's "Unicode"), or GB18030/GBK (Notepad's "ANSI" on a Chinese
//! Windows). Anything else is refused rather than read as mojibake.

use domain::{Bilingual, bi};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

/// The text of a file, decoded by its byte-order mark, else as UTF-8, else as GB18030.
pub fn read_text(bytes: &[u8]) -> Result<String, Bilingual> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    for (mark, encoding) in [([0xFF, 0xFE], UTF_16LE), ([0xFE, 0xFF], UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(&mark) {
            let (text, had_errors) = encoding.decode_without_bom_handling(rest);
            return if had_errors {
                Err(unreadable())
            } else {
                Ok(text.into_owned())
            };
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        Err(unreadable())
    } else {
        Ok(text.into_owned())
    }
}

fn utf8(bytes: &[u8]) -> Result<String, Bilingual> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|_| unreadable())
}

fn unreadable() -> Bilingual {
    bi(
        "文件不是可读的文本（应为 UTF-8 或 GBK 编码的纯文本，或 JSON）",
        "the file is not readable text (plain text in UTF-8 or GBK, or JSON)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_an_office_saves() {
        let text = "国务院办公厅关于2027年部分节假日安排的通知";
        let (gbk, _, _) = GB18030.encode(text);
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let bom: Vec<u8> = [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect();
        for bytes in [
            text.as_bytes().to_vec(),
            bom,
            gbk.into_owned(),
            utf16le,
            utf16be,
        ] {
            assert_eq!(read_text(&bytes).as_deref(), Ok(text));
        }
        // Bytes that are no text at all (a PNG's header) are refused.
        assert!(read_text(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF]).is_err());
    }
}

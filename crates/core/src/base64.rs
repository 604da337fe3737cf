//! Go's `encoding/base64.StdEncoding`: standard alphabet with `=` padding. Decoding skips `\r`
//! and `\n` and fails as Go does, `illegal base64 data at input byte N`.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `StdEncoding.EncodeToString`.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Go's `base64.CorruptInputError`: the offset of the first illegal byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("illegal base64 data at input byte {0}")]
pub struct CorruptInput(pub usize);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// `StdEncoding.DecodeString` (not strict: unused trailing bits may be set).
pub fn decode(src: &[u8]) -> Result<Vec<u8>, CorruptInput> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    while si < src.len() {
        // Go's decodeQuantum.
        let mut dbuf = [0u32; 4];
        let mut dlen = 4;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(CorruptInput(si - j));
            }
            let c = src[si];
            si += 1;
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if let Some(v) = value(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c != b'=' {
                return Err(CorruptInput(si - 1));
            }
            // Padding: only in the last two places of a quantum.
            match j {
                0 | 1 => return Err(CorruptInput(si - 1)),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(CorruptInput(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(CorruptInput(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return Err(CorruptInput(si));
            }
            dlen = j;
            break;
        }
        let n = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..dlen - 1]);
        if dlen < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_fails_in_gos_words() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"abcd", b"\xff\xfe\x00", b"secret"] {
            assert_eq!(decode(encode(data).as_bytes()).unwrap(), data);
        }
        assert_eq!(encode(b"secret"), "c2VjcmV0");
        assert_eq!(encode(b"key"), "a2V5");
        assert_eq!(decode(b"a2V5\nPQ==").unwrap(), b"key=");
        assert_eq!(decode(b"!!!").unwrap_err().to_string(), "illegal base64 data at input byte 0");
        assert_eq!(decode(b"abc").unwrap_err(), CorruptInput(0));
        assert_eq!(decode(b"ab=c").unwrap_err(), CorruptInput(2));
        assert_eq!(decode(b"a===").unwrap_err(), CorruptInput(1));
        assert_eq!(decode(b"YQ==YQ==").unwrap_err(), CorruptInput(4));
        assert_eq!(decode(b"YQ=").unwrap_err(), CorruptInput(3));
    }
}

//! Posting lists as text: ascending briefing numbers written in 64 characters that need no
//! escaping in JSON or a URL, whichever of two forms is shorter. `d…` is the list of gaps,
//! each a little-endian run of 5-bit groups (values 32–63 mean "more follows"); `b…` is a
//! bitmap, 6 briefings per character, for words most briefings contain. The browser's
//! `decode` in search.js reads both.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Encodes strictly ascending numbers.
pub fn encode(ids: &[u32]) -> String {
    let Some(&last) = ids.last() else { return String::new() };
    let bitmap_len = last as usize / 6 + 1;
    let mut gaps = String::from("d");
    let mut prev: Option<u32> = None;
    for &id in ids {
        let mut v = match prev {
            Some(p) => id - p,
            None => id,
        };
        prev = Some(id);
        while v >= 32 {
            gaps.push(ALPHABET[(v & 31) as usize | 32] as char);
            v >>= 5;
        }
        gaps.push(ALPHABET[v as usize] as char);
        // Past the bitmap's length the gaps cannot win any more.
        if gaps.len() > bitmap_len + 1 {
            break;
        }
    }
    if gaps.len() <= bitmap_len + 1 {
        return gaps;
    }
    let mut bits = vec![0u8; bitmap_len];
    for &id in ids {
        bits[id as usize / 6] |= 1 << (id % 6);
    }
    let mut out = String::with_capacity(bitmap_len + 1);
    out.push('b');
    out.extend(bits.iter().map(|&b| ALPHABET[b as usize] as char));
    out
}

#[cfg(test)]
fn decode(text: &str) -> Vec<u32> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).expect("alphabet") as u32;
    let mut out = Vec::new();
    match text.as_bytes().split_first() {
        Some((b'd', rest)) => {
            let (mut acc, mut shift, mut prev) = (0u32, 0u32, None::<u32>);
            for &c in rest {
                let v = value(c);
                acc |= (v & 31) << shift;
                shift += 5;
                if v < 32 {
                    let id = prev.map_or(acc, |p| p + acc);
                    out.push(id);
                    prev = Some(id);
                    (acc, shift) = (0, 0);
                }
            }
        }
        Some((b'b', rest)) => {
            for (i, &c) in rest.iter().enumerate() {
                let v = value(c);
                out.extend((0..6).filter(|bit| v & (1 << bit) != 0).map(|bit| i as u32 * 6 + bit));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_lists_are_gaps_and_dense_ones_bitmaps() {
        let sparse = [3, 40, 1000, 70_000];
        let e = encode(&sparse);
        assert!(e.starts_with('d'), "{e}");
        assert_eq!(decode(&e), sparse);
        let dense: Vec<u32> = (0..600).filter(|i| i % 3 != 0).collect();
        let e = encode(&dense);
        assert!(e.starts_with('b') && e.len() == 101, "{e}");
        assert_eq!(decode(&e), dense);
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0]), "dA");
        assert_eq!(decode(&encode(&[31, 32, 33])), [31, 32, 33]);
    }

    #[test]
    fn known_encodings() {
        // search.js decodes these same strings (tests/browser/search.mjs checks results, this
        // pins the format).
        assert_eq!(encode(&[1, 2, 40]), "dBBmB");
        assert_eq!(encode(&[0, 1, 2, 3, 4, 5, 6]), "b_B");
    }
}

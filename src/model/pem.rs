//! Reads the expiry (`notAfter`) of a PEM certificate, for imported certificates (ACM007).
//!
//! Only the few DER elements on the way to the validity period are decoded; anything
//! unexpected gives `None`.

/// The `notAfter` date of the first certificate in `pem`, as `YYYY-MM-DD`.
pub fn not_after(pem: &str) -> Option<String> {
    let der = decode_pem(pem)?;
    let (cert, _) = element(&der, 0x30)?;
    let (tbs, _) = element(cert, 0x30)?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = skip(rest)?;
    }
    rest = skip(rest)?; // serial number
    rest = skip(rest)?; // signature algorithm
    rest = skip(rest)?; // issuer
    let (validity, _) = element(rest, 0x30)?;
    let after_not_before = skip(validity)?;
    let tag = *after_not_before.first()?;
    let (time, _) = element(after_not_before, tag)?;
    format_time(tag, std::str::from_utf8(time).ok()?)
}

fn decode_pem(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN CERTIFICATE-----")?;
    let body = pem.get(start + "-----BEGIN CERTIFICATE-----".len()..)?;
    let end = body.find("-----END CERTIFICATE-----")?;
    base64(body.get(..end)?)
}

fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The content of the DER element at the start of `data` with tag `tag`, and what follows it.
fn element(data: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    if *data.first()? != tag {
        return None;
    }
    let first = *data.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = data.get(2..2 + count)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 2 + count)
    };
    let content = data.get(header..header.checked_add(len)?)?;
    Some((content, data.get(header + len..)?))
}

fn skip(data: &[u8]) -> Option<&[u8]> {
    let tag = *data.first()?;
    element(data, tag).map(|(_, rest)| rest)
}

/// UTCTime (`YYMMDDhhmmssZ`, tag 0x17) or GeneralizedTime (`YYYYMMDDhhmmssZ`, tag 0x18).
fn format_time(tag: u8, text: &str) -> Option<String> {
    let (year, rest) = match tag {
        0x17 => {
            let yy: u32 = text.get(..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let month = rest.get(..2)?;
    let day = rest.get(2..4)?;
    Some(format!("{year:04}-{month}-{day}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // A self-signed certificate for example.com valid until 2027-01-15 (generated with openssl).
    const PEM: &str = include_str!("../../fixtures/ACM007/bad/terraform/cert.pem");

    #[test]
    fn reads_not_after() {
        assert_eq!(not_after(PEM).as_deref(), Some("2027-01-15"));
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(
            not_after("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            None
        );
        assert_eq!(not_after("nothing"), None);
    }
}

//! One certificate's signature checked with another's public key (RFC 5280
//! §6.1.3 (a)(1)), over the `tbsCertificate` bytes exactly as received,
//! with the same verifier as CSRs (`csr::verify`: every algorithm OpenSSL
//! verifies; public-key operations only).

use der::Encode;
use spki::SubjectPublicKeyInfoOwned;

use crate::csr::verify::verify_signature;
use crate::csr::Verdict;
use crate::error::{Error, Result};

/// Whether `sig` (the signature bits) made with the algorithm whose
/// AlgorithmIdentifier DER is `alg` over `tbs` verifies with
/// `issuer_key`. `Ok(false)`: it does not; an error: the algorithm or key
/// cannot be checked (exit 2 naming it).
pub fn verify(
    alg: &[u8],
    issuer_key: &SubjectPublicKeyInfoOwned,
    tbs: &[u8],
    sig: &[u8],
) -> Result<bool> {
    let spki = issuer_key
        .to_der()
        .map_err(|e| Error::internal(format!("SPKI encoding: {e}")))?;
    // The BIT STRING's content octets: no unused bits, then the signature.
    let mut bits = Vec::with_capacity(sig.len() + 1);
    bits.push(0);
    bits.extend_from_slice(sig);
    match verify_signature(alg, &spki, tbs, &bits).verdict {
        Verdict::Valid => Ok(true),
        Verdict::Invalid => Ok(false),
        Verdict::Unsupported(m) | Verdict::Malformed(m) => Err(Error::invalid_as(
            "certificate",
            format!("cannot check a signature: {m}"),
        )),
    }
}

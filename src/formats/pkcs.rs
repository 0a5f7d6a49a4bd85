//! `--format pkcs7` and `--format pkcs12`: `export` only. PKCS#7 is a
//! certs-only bundle (PEM `PKCS7`, leaf first); PKCS#12 the key, the leaf
//! and the chain under the export passphrase in the `--p12-profile`'s
//! algorithms, read back before it is returned. The encodings are in
//! `crate::export`.

use super::{ExportView, KeyUse, Op, Options, Shape};
use crate::error::Result;
use crate::export::{self, pkcs12};

/// The shapes (unit structs; see [`Shape`]).
pub struct Pkcs7;
pub struct Pkcs12;

impl Shape for Pkcs7 {
    fn name(&self) -> &'static str {
        "pkcs7"
    }
    fn ops(&self) -> &'static [Op] {
        &[Op::Export]
    }
    fn export(&self, v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        let certs: Vec<_> = std::iter::once(v.leaf).chain(v.chain).collect();
        let pem = export::pkcs7(&certs);
        export::check_pkcs7(&pem, &certs)?;
        Ok(pem.into_bytes())
    }
}

/// The PKCS#12 file of an export (also the ArcGIS PFX): written, then read
/// back ([`pkcs12::verify`]) before it is returned.
pub fn pfx(v: &ExportView<'_>) -> Result<Vec<u8>> {
    let key = v
        .key
        .ok_or_else(|| crate::error::Error::internal("PKCS#12 export without the key"))?;
    let contents = pkcs12::Contents {
        name: &v.meta.name,
        key_pkcs8: key.pkcs8(),
        leaf: v.leaf,
        chain: v.chain,
        password: key.password()?,
    };
    let der = pkcs12::write(v.profile, &contents)?;
    pkcs12::verify(v.profile, &der, &contents)?;
    Ok(der)
}

impl Shape for Pkcs12 {
    fn name(&self) -> &'static str {
        "pkcs12"
    }
    fn ops(&self) -> &'static [Op] {
        &[Op::Export]
    }
    fn export_key(&self) -> KeyUse {
        KeyUse::Always
    }
    fn export(&self, v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        pfx(v)
    }
}

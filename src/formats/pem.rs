//! `--format pem` and `--format der`: the CSR itself; for `export`, the
//! PEM bundle (leaf, chain, and the key with `--with-key`) and the leaf's
//! DER.

use super::{ExportView, KeyUse, Op, Options, RecordView, Shape};
use crate::csr::ParsedCsr;
use crate::error::Result;
use crate::keystore::RecordMeta;

pub struct Pem;
pub struct Der;

/// The CSR operations and `export`.
const OPS: &[Op] = &[
    Op::Generate,
    Op::Regenerate,
    Op::Show,
    Op::Download,
    Op::Export,
];

impl Shape for Pem {
    fn name(&self) -> &'static str {
        "pem"
    }
    fn ops(&self) -> &'static [Op] {
        OPS
    }
    fn export_key(&self) -> KeyUse {
        KeyUse::OnRequest
    }
    fn export(&self, v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        let pem = crate::export::pem_bundle(v.leaf, v.chain, v.key)?;
        Ok(pem.to_vec())
    }
    fn generate(&self, v: &RecordView<'_>, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.pem().into_bytes())
    }
    fn show(&self, _m: Option<&RecordMeta>, csr: &ParsedCsr, _o: Options) -> Result<Vec<u8>> {
        Ok(csr.pem().into_bytes())
    }
    fn download(&self, v: &RecordView<'_>, _d: bool, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.pem().into_bytes())
    }
}

impl Shape for Der {
    fn name(&self) -> &'static str {
        "der"
    }
    fn ops(&self) -> &'static [Op] {
        OPS
    }
    fn export(&self, v: &ExportView<'_>, _o: Options) -> Result<Vec<u8>> {
        Ok(crate::export::leaf_der(v.leaf))
    }
    fn export_chain(&self) -> bool {
        false
    }
    fn generate(&self, v: &RecordView<'_>, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.der.clone())
    }
    fn show(&self, _m: Option<&RecordMeta>, csr: &ParsedCsr, _o: Options) -> Result<Vec<u8>> {
        Ok(csr.der.clone())
    }
    fn download(&self, v: &RecordView<'_>, _d: bool, _o: Options) -> Result<Vec<u8>> {
        Ok(v.csr.der.clone())
    }
}

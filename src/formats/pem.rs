//! `--format pem` and `--format der`: the CSR itself.

use super::{Op, Options, RecordView, Shape};
use crate::csr::ParsedCsr;
use crate::error::Result;
use crate::keystore::RecordMeta;

pub struct Pem;
pub struct Der;

impl Shape for Pem {
    fn name(&self) -> &'static str {
        "pem"
    }
    fn ops(&self) -> &'static [Op] {
        super::CSR_OPS
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
        super::CSR_OPS
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

//! `lint --profile cabf` on certificates, held against pkilint (PyPI
//! `pkilint`, its `lint_cabf_serverauth_cert`): for each rule that both
//! linters have, both fire on the failing certificate and neither fires on
//! the passing one. The certificates are issued by a test CA with `openssl
//! ca` (fixed dates, so the verdicts do not move with the clock). pkilint
//! is the oracle; when it is not importable the test is skipped with a note
//! (.ci/run installs it). The same table is in docs/lint.md.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use support::*;

/// A leaf certificate: key (`rsa:2048`, `ec:P-256`, `ed25519`), subject,
/// extension lines that replace the base ones with the same name (an empty
/// value removes it), signing digest and validity (`openssl ca` dates).
#[derive(Clone, Copy)]
struct Leaf {
    key: &'static str,
    subj: &'static str,
    exts: &'static [&'static str],
    md: &'static str,
    start: &'static str,
    end: &'static str,
    /// pkilint's certificate type: `DV` or `OV` (the policy OID follows).
    kind: &'static str,
}

/// A DV subscriber certificate that neither linter finds an error in.
const BASE: Leaf = Leaf {
    key: "ec:P-256",
    subj: "/CN=www.example.com",
    exts: &[],
    md: "sha256",
    start: "20260601000000Z",
    end: "20260830000000Z",
    kind: "DV",
};

const OV: Leaf = Leaf {
    subj: "/C=DE/L=Berlin/O=Example/CN=www.example.com",
    kind: "OV",
    ..BASE
};

/// The extensions a CA puts in a BR subscriber certificate (§7.1.2.7.6).
const BASE_EXTS: &[&str] = &[
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature",
    "extendedKeyUsage=serverAuth",
    "subjectAltName=DNS:www.example.com",
    "authorityInfoAccess=caIssuers;URI:http://ca.example.com/ca.crt",
    "crlDistributionPoints=URI:http://ca.example.com/ca.crl",
    "subjectKeyIdentifier=none",
    "authorityKeyIdentifier=keyid",
];

/// One rule both linters have: csrkit's id, pkilint's finding code (a
/// prefix), and a failing and a passing certificate.
struct Pair {
    csrkit: &'static str,
    pkilint: &'static str,
    bad: Leaf,
    good: Leaf,
}

fn pairs() -> Vec<Pair> {
    let p = |csrkit, pkilint, bad, good| Pair {
        csrkit,
        pkilint,
        bad,
        good,
    };
    let san = |exts: &'static [&'static str]| Leaf { exts, ..BASE };
    let name = |subj: &'static str, exts: &'static [&'static str]| Leaf { subj, exts, ..BASE };
    vec![
        p(
            "key.rsa_too_small",
            "cabf.rsa_modulus_invalid_length",
            Leaf {
                key: "rsa:1024",
                ..BASE
            },
            Leaf {
                key: "rsa:2048",
                ..BASE
            },
        ),
        p(
            "key.curve_not_nist",
            "cabf.serverauth.prohibited_subject_public_key_algorithm_encoding",
            Leaf {
                key: "ec:secp256k1",
                ..BASE
            },
            Leaf {
                key: "ec:P-384",
                ..BASE
            },
        ),
        p(
            "cabf.key_ed25519",
            "cabf.serverauth.prohibited_subject_public_key_algorithm_encoding",
            Leaf {
                key: "ed25519",
                ..BASE
            },
            BASE,
        ),
        p(
            "sig.weak_digest",
            "cabf.serverauth.prohibited_signature_algorithm_encoding",
            Leaf { md: "sha1", ..BASE },
            Leaf {
                md: "sha384",
                ..BASE
            },
        ),
        p(
            "san.missing",
            "cabf.serverauth.subscriber.subject_altname_extension_absent",
            san(&["subjectAltName="]),
            BASE,
        ),
        p(
            "name.cn_not_in_sans",
            "cabf.serverauth.subscriber_common_name_unknown_source",
            san(&["subjectAltName=DNS:example.com"]),
            san(&["subjectAltName=DNS:example.com,DNS:www.example.com"]),
        ),
        p(
            "subject.empty_without_critical_san",
            "pkix.san_extension_not_critical_empty_subject",
            name("/", &[]),
            name("/", &["subjectAltName=critical,DNS:www.example.com"]),
        ),
        p(
            "san.malformed_dns",
            "cabf.serverauth.invalid_dnsname_syntax",
            name(
                "/CN=bad..example.com",
                &["subjectAltName=DNS:bad..example.com"],
            ),
            BASE,
        ),
        p(
            "san.wildcard_misuse",
            "cabf.serverauth.invalid_dnsname_syntax",
            name("/CN=w*.example.com", &["subjectAltName=DNS:w*.example.com"]),
            name("/CN=*.example.com", &["subjectAltName=DNS:*.example.com"]),
        ),
        p(
            "san.underscore",
            "cabf.serverauth.invalid_dnsname_syntax",
            name(
                "/CN=a_b.example.com",
                &["subjectAltName=DNS:a_b.example.com"],
            ),
            name(
                "/CN=a-b.example.com",
                &["subjectAltName=DNS:a-b.example.com"],
            ),
        ),
        p(
            "cabf.underscore",
            "cabf.serverauth.invalid_dnsname_syntax",
            name(
                "/CN=a_b.example.com",
                &["subjectAltName=DNS:a_b.example.com"],
            ),
            name(
                "/CN=a-b.example.com",
                &["subjectAltName=DNS:a-b.example.com"],
            ),
        ),
        // pkilint cannot decode an IA5String with non-ASCII bytes (FATAL).
        p(
            "san.idn_ulabel",
            "itu.invalid_asn1_syntax",
            san(&["subjectAltName=DNS:www.example.com,DNS:b\u{fc}cher.example.com"]),
            san(&["subjectAltName=DNS:www.example.com,DNS:xn--bcher-kva.example.com"]),
        ),
        p(
            "ku.key_encipherment_on_ec",
            "pkix.key_usage_value_prohibited_for_ec",
            san(&["keyUsage=critical,digitalSignature,keyEncipherment"]),
            BASE,
        ),
        p(
            "bc.ca_with_server_purpose",
            "cabf.serverauth.subscriber_basic_constraints_ca_bit_set",
            san(&["basicConstraints=critical,CA:TRUE"]),
            BASE,
        ),
        p(
            "cabf.internal_name",
            "cabf.internal_domain_name",
            name("/CN=host.local", &["subjectAltName=DNS:host.local"]),
            name(
                "/CN=host.example.com",
                &["subjectAltName=DNS:host.example.com"],
            ),
        ),
        p(
            "cabf.internal_name",
            "cabf.internal_domain_name",
            name("/CN=myhost", &["subjectAltName=DNS:myhost"]),
            BASE,
        ),
        p(
            "cabf.reserved_ip",
            "cabf.internal_ip_address",
            san(&["subjectAltName=DNS:www.example.com,IP:10.1.2.3"]),
            san(&["subjectAltName=DNS:www.example.com,IP:8.8.8.8"]),
        ),
        p(
            "cabf.reserved_ip",
            "cabf.internal_ip_address",
            san(&["subjectAltName=DNS:www.example.com,IP:100.64.0.1,IP:fd00::1"]),
            san(&["subjectAltName=DNS:www.example.com,IP:2001:4860:4860::8888"]),
        ),
        // Issued before 15 March 2026: at most 398 days, notBefore through
        // notAfter inclusive (BR §1.6.1), so 398 days and one second fails.
        p(
            "cabf.validity_too_long",
            "cabf.serverauth.certificate_validity_period_exceeds_398_days",
            Leaf {
                start: "20250601000000Z",
                end: "20260704000000Z",
                ..BASE
            },
            Leaf {
                start: "20250601000000Z",
                end: "20260703235959Z",
                ..BASE
            },
        ),
        // Issued from 15 March 2026 on: at most 200 days (ballot SC-081).
        p(
            "cabf.validity_too_long",
            "cabf.serverauth.certificate_validity_period_exceeds_200_days",
            Leaf {
                end: "20261218000000Z",
                ..BASE
            },
            Leaf {
                end: "20261217235959Z",
                ..BASE
            },
        ),
        p(
            "cabf.org_without_country",
            "cabf.serverauth.ov.country_attribute_absent",
            Leaf {
                subj: "/L=Berlin/O=Example/CN=www.example.com",
                ..OV
            },
            OV,
        ),
        p(
            "cabf.org_without_locality",
            "cabf.serverauth.subscriber_stateprovince_and_locality_missing",
            Leaf {
                subj: "/C=DE/O=Example/CN=www.example.com",
                ..OV
            },
            OV,
        ),
        p(
            "cabf.ou_prohibited",
            "cabf.serverauth.ov.organizational_unit_name_attribute_present",
            Leaf {
                subj: "/C=DE/L=Berlin/O=Example/OU=Ops/CN=www.example.com",
                ..OV
            },
            OV,
        ),
        // XX is the user-assigned code the BRs allow; UK is not ISO 3166-1.
        p(
            "cabf.country_code",
            "cabf.invalid_country_code",
            Leaf {
                subj: "/C=UK/L=London/O=Example/CN=www.example.com",
                ..OV
            },
            Leaf {
                subj: "/C=XX/L=Nowhere/O=Example/CN=www.example.com",
                ..OV
            },
        ),
    ]
}

/// A test CA (EC P-256) and an `openssl ca` database.
struct Ca {
    dir: PathBuf,
    n: std::cell::Cell<u32>,
}

impl Ca {
    fn new(dir: &Path) -> Ca {
        let dir = dir.join("ca");
        std::fs::create_dir_all(dir.join("db")).unwrap();
        std::fs::write(dir.join("db/index.txt"), "").unwrap();
        std::fs::write(dir.join("db/serial"), "1000\n").unwrap();
        std::fs::write(
            dir.join("ca.cnf"),
            "[ca]\ndefault_ca = d\n[d]\ndatabase = db/index.txt\nnew_certs_dir = db\n\
             serial = db/serial\npolicy = p\nunique_subject = no\ncopy_extensions = none\n\
             [p]\ncommonName = optional\n",
        )
        .unwrap();
        openssl_root_ca(
            &dir,
            "root",
            "/C=US/O=csrkit test/CN=csrkit test root",
            3650,
            "critical,keyCertSign,cRLSign",
        );
        Ca {
            dir,
            n: std::cell::Cell::new(0),
        }
    }

    /// Issues `leaf`; returns the PEM file's path.
    fn issue(&self, leaf: &Leaf) -> PathBuf {
        let n = self.n.get() + 1;
        self.n.set(n);
        let (csr, ext, pem) = (format!("{n}.csr"), format!("{n}.ext"), format!("{n}.pem"));
        let mut args = vec!["req", "-new", "-nodes", "-keyout", "/dev/null", "-utf8"];
        let curve;
        match leaf.key.split_once(':') {
            Some(("ec", c)) => {
                curve = format!("ec_paramgen_curve:{c}");
                args.extend(["-newkey", "ec", "-pkeyopt", &curve]);
            }
            _ => args.extend(["-newkey", leaf.key]),
        }
        args.extend(["-subj", leaf.subj, "-out", &csr]);
        openssl_in(&self.dir, &args);
        let policy = match leaf.kind {
            "OV" => "certificatePolicies=2.23.140.1.2.2",
            _ => "certificatePolicies=2.23.140.1.2.1",
        };
        let mut lines: Vec<&str> = BASE_EXTS.iter().copied().chain([policy]).collect();
        for e in leaf.exts {
            let key = e.split('=').next().unwrap();
            lines.retain(|l| l.split('=').next().unwrap() != key);
            if !e.ends_with('=') {
                lines.push(e);
            }
        }
        std::fs::write(self.dir.join(&ext), lines.join("\n") + "\n").unwrap();
        openssl_in(
            &self.dir,
            &[
                "ca",
                "-batch",
                "-config",
                "ca.cnf",
                "-cert",
                "root.pem",
                "-keyfile",
                "root.key",
                "-preserveDN",
                "-notext",
                "-utf8",
                "-in",
                &csr,
                "-out",
                &pem,
                "-md",
                leaf.md,
                "-startdate",
                leaf.start,
                "-enddate",
                leaf.end,
                "-extfile",
                &ext,
            ],
        );
        self.dir.join(pem)
    }
}

/// pkilint's findings of severity ERROR or worse, one list per file, from
/// one Python process (its CLI entry point, called once per certificate).
fn pkilint(certs: &[(PathBuf, &str)]) -> Vec<Vec<String>> {
    const DRIVER: &str = r#"
import contextlib, io, json, sys
from pkilint.bin.lint_cabf_serverauth_cert import main
out = []
args = sys.argv[1:]
for kind, path in zip(args[::2], args[1::2]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["lint", "-t", kind + "-FINAL-CERTIFICATE", "--validity-period-start", "DOCUMENT",
              "-s", "ERROR", "-f", "JSON", path])
    res = json.loads(buf.getvalue())["results"]
    out.append([f["code"] for r in res for f in r["finding_descriptions"]])
print(json.dumps(out))
"#;
    let mut cmd = StdCommand::new("python3");
    cmd.args(["-c", DRIVER]);
    for (path, kind) in certs {
        cmd.arg(kind).arg(path);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "pkilint: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn csrkit(ks: &Ks, pem: &Path) -> Vec<String> {
    let out = ks
        .cmd()
        .args(["lint", "--file"])
        .arg(pem)
        .args(["--profile", "cabf", "--format", "json"])
        .output()
        .unwrap();
    no_panic(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    assert_eq!(v[0]["kind"], "certificate");
    v[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn pkilint_importable() -> bool {
    StdCommand::new("python3")
        .args(["-c", "import pkilint.bin.lint_cabf_serverauth_cert"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn csrkit_and_pkilint_agree_on_the_rules_both_have() {
    if !pkilint_importable() {
        missing_tool("pkilint (PyPI; .ci/run installs it)");
        return;
    }
    let ks = Ks::new();
    let ca = Ca::new(ks.dir.path());
    let pairs = pairs();
    let mut certs = Vec::new();
    for p in &pairs {
        certs.push((ca.issue(&p.bad), p.bad.kind));
        certs.push((ca.issue(&p.good), p.good.kind));
    }
    let theirs = pkilint(&certs);
    let mut wrong = Vec::new();
    for (i, p) in pairs.iter().enumerate() {
        for (j, fails) in [(2 * i, true), (2 * i + 1, false)] {
            let ours = csrkit(&ks, &certs[j].0);
            let we = ours.iter().any(|r| r == p.csrkit);
            let they = theirs[j].iter().any(|c| c.starts_with(p.pkilint));
            if we != fails || they != fails {
                wrong.push(format!(
                    "{} / {} on the {} certificate {}: csrkit {ours:?}, pkilint {:?}",
                    p.csrkit,
                    p.pkilint,
                    if fails { "failing" } else { "passing" },
                    certs[j].0.display(),
                    theirs[j]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Where the two differ on purpose (docs/lint.md): a P-521 key is allowed
/// by the BRs (§6.1.5), so pkilint is silent, but the root programs
/// (Mozilla Root Store Policy §5.1, Chrome) take P-256 and P-384 only, so
/// csrkit's `cabf` profile says so, citing them; duplicate SANs are
/// csrkit's advice (RFC 5280 does not forbid them) and pkilint has no rule.
#[test]
fn the_documented_differences_hold() {
    if !pkilint_importable() {
        missing_tool("pkilint (PyPI; .ci/run installs it)");
        return;
    }
    let ks = Ks::new();
    let ca = Ca::new(ks.dir.path());
    let p521 = ca.issue(&Leaf {
        key: "ec:P-521",
        ..BASE
    });
    let dup = ca.issue(&Leaf {
        exts: &["subjectAltName=DNS:www.example.com,DNS:WWW.example.com"],
        ..BASE
    });
    let theirs = pkilint(&[(p521.clone(), "DV"), (dup.clone(), "DV")]);
    assert_eq!(theirs, [Vec::<String>::new(), Vec::new()]);
    assert!(csrkit(&ks, &p521).contains(&"cabf.key_p521".to_string()));
    assert!(csrkit(&ks, &dup).contains(&"san.duplicate".to_string()));
}

//! The CSR reader (`show --file`, SPEC §8) against OpenSSL as the oracle.
//! Every input is made here: by `openssl req`, or as DER assembled by
//! `assemble/` and signed with `openssl dgst`, so that each kind of CSR the
//! issue names (unsorted SETs, small and large RSA, MD5/SHA-1/SHA-224,
//! PSS with any salt, ECDSA with any hash, unimplemented algorithms,
//! malformed keys, version 2, UTF-8 dNSNames, every string type, duplicate
//! extension requests, attributes and extensions by name, hostile text) is
//! reproduced without files from elsewhere.

use crate::assemble;
use crate::support;

use assemble::*;
use serde_json::Value;
use support::*;

// ---------------------------------------------------------------------------
// 1. The signature is checked over the bytes as received.

#[test]
fn unsorted_sets_verify_as_received() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    // Attributes SET: the longer attribute first (DER would sort it last).
    let long = attribute(
        "1.2.840.113549.1.9.2",
        &[&utf8("a rather long unstructured name for this request")],
    );
    let short = attribute("1.2.840.113549.1.9.7", &[&printable("pw")]);
    // A multi-valued RDN, also not in DER order.
    let subject = name(&[set(&[
        &seq(&[&oid("2.5.4.10"), &utf8("A longer organization value")]),
        &seq(&[&oid("2.5.4.3"), &utf8("cn")]),
    ])]);
    let tbs = info(0, &subject, &key.spki, &[long, short]);
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "unsorted", &der);
    // Shown in encoded order.
    assert_eq!(v["subject"], "O=A longer organization value+CN=cn");
    assert_eq!(v["attributes"][0]["name"], "unstructuredName");
    assert_eq!(v["attributes"][1]["name"], "challengePassword");

    // And a change to the signed bytes still fails (exit 7, not 2).
    let mut bad = der.clone();
    let pos = bad.windows(6).position(|w| w == b"longer").unwrap();
    bad[pos] = b'L';
    assert_eq!(openssl_verdict(&ks, "unsorted-bad", &bad), "invalid");
    assert_eq!(show(&ks, "unsorted-bad", &bad, &[]).status.code(), Some(7));
}

#[test]
fn ber_lengths_outside_the_signed_bytes_are_read() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    let tbs = info(0, &cn("ber"), &key.spki, &[]);
    let der = key.sign_ec(&ks, &tbs);
    // The outer SEQUENCE with an indefinite length (BER).
    let inner = tlv_inner(&der);
    let ber = [&[0x30, 0x80][..], inner, &[0, 0]].concat();
    let v = both_valid(&ks, "ber", &ber);
    assert!(warnings(&v).contains("BER"), "{v}");
}

#[test]
fn constructed_ber_strings_in_the_subject_are_read_as_openssl_does() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    // CN as a constructed UTF8String of two segments (X.690 8.23.6: the
    // segments are OCTET STRINGs), O as a constructed PrintableString with
    // an indefinite length and a nested constructed segment: OpenSSL joins
    // the segments (asn1_collect) and verifies the signature over the bytes
    // as received.
    let cn_value = tlv(
        0x2c,
        &[tlv(0x04, b"ber."), tlv(0x04, b"example.com")].concat(),
    );
    let o_value = [
        &[0x33, 0x80][..],
        &tlv(0x04, b"Example "),
        &tlv(0x24, &tlv(0x04, b"Org")),
        &[0, 0],
    ]
    .concat();
    let subject = name(&[rdn("2.5.4.10", &o_value), rdn("2.5.4.3", &cn_value)]);
    let tbs = info(0, &subject, &key.spki, &[]);
    let der = key.sign_ec(&ks, &tbs);
    let text = openssl_text(&ks, "ber-strings", &der);
    assert!(
        text.contains("Subject: O=Example Org,CN=ber.example.com"),
        "{text}"
    );
    let v = both_valid(&ks, "ber-strings", &der);
    assert_eq!(v["subject"], "CN=ber.example.com,O=Example Org", "{v}");
    assert!(warnings(&v).contains("constructed (BER) string"), "{v}");
}

/// The content octets of a DER TLV (short or 0x81/0x82 length).
fn tlv_inner(der: &[u8]) -> &[u8] {
    match der[1] {
        0x81 => &der[3..],
        0x82 => &der[4..],
        _ => &der[2..],
    }
}

// ---------------------------------------------------------------------------
// 2. Every signature OpenSSL verifies.

#[test]
fn small_odd_and_legacy_rsa_verify_with_warnings() {
    let ks = Ks::new();
    // A 512-bit key (`openssl req -newkey rsa:512`): valid, with a warning.
    let der = openssl_req(&ks, "rsa512", &["-newkey", "rsa:512", "-subj", "/CN=small"]);
    let v = both_valid(&ks, "rsa512", &der);
    assert_eq!(v["public_key"]["bits"], 512);
    assert!(warnings(&v).contains("weak key: RSA 512 bits"), "{v}");

    // An odd size, and every legacy digest.
    let k1000 = Key::new(
        &ks,
        "rsa1000",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1000"],
    );
    for (digest, name, weak) in [
        ("md5", "md5WithRSAEncryption", true),
        ("sha1", "sha1WithRSAEncryption", true),
        ("sha224", "sha224WithRSAEncryption", false),
        ("sha256", "sha256WithRSAEncryption", false),
        ("sha384", "sha384WithRSAEncryption", false),
        ("sha512", "sha512WithRSAEncryption", false),
        ("sha3-224", "RSA-SHA3-224", false),
    ] {
        let label = format!("rsa1000-{digest}");
        let der = openssl_req_with(
            &label,
            &k1000.path,
            &["-subj", "/CN=legacy", &format!("-{digest}")],
        );
        let v = both_valid(&ks, &label, &der);
        assert_eq!(v["signature_algorithm"], name);
        assert_eq!(v["public_key"]["bits"], 1000);
        assert_eq!(warnings(&v).contains("weak digest"), weak, "{label}: {v}");
    }
    // The text says it beside "yes".
    let der = openssl_req_with("md5-text", &k1000.path, &["-subj", "/CN=legacy", "-md5"]);
    let o = show(&ks, "md5-text", &der, &[]);
    let t = stdout(&o);
    assert!(t.contains("Signature valid:    yes"), "{t}");
    assert!(t.contains("Warning:            weak digest: MD5"), "{t}");
}

#[test]
fn rsa_above_8192_bits_verifies() {
    // Five primes make an 8320-bit key in seconds; verification does not
    // care how many primes the signer used.
    let ks = Ks::new();
    let k = Key::new(
        &ks,
        "rsa8320",
        &[
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:8320",
            "-pkeyopt",
            "rsa_keygen_primes:5",
        ],
    );
    let der = openssl_req_with("rsa8320", &k.path, &["-subj", "/CN=big"]);
    let v = both_valid(&ks, "rsa8320", &der);
    assert_eq!(v["public_key"]["bits"], 8320);
    let der = openssl_req_with(
        "rsa8320-pss",
        &k.path,
        &["-subj", "/CN=big", "-sigopt", "rsa_padding_mode:pss"],
    );
    both_valid(&ks, "rsa8320-pss", &der);
}

#[test]
fn pss_with_any_salt_and_mgf1_hash_verifies() {
    let ks = Ks::new();
    let k = Key::new(
        &ks,
        "rsa2048",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    let cases: &[(&str, &[&str], &str)] = &[
        // `-sigopt rsa_padding_mode:pss` alone: the longest salt (222).
        (
            "default",
            &[],
            "hash SHA-256, MGF1 with SHA-256, salt length 222",
        ),
        (
            "digest",
            &["-sigopt", "rsa_pss_saltlen:digest"],
            "salt length 32",
        ),
        ("zero", &["-sigopt", "rsa_pss_saltlen:0"], "salt length 0"),
        (
            "mgf-sha1",
            &[
                "-sigopt",
                "rsa_pss_saltlen:17",
                "-sigopt",
                "rsa_mgf1_md:sha1",
            ],
            "hash SHA-256, MGF1 with SHA-1, salt length 17",
        ),
        (
            "sha512",
            &["-sha512", "-sigopt", "rsa_mgf1_md:sha256"],
            "hash SHA-512, MGF1 with SHA-256",
        ),
        ("sha1", &["-sha1"], "hash SHA-1, MGF1 with SHA-1"),
        ("sha224", &["-sha224"], "hash SHA-224"),
    ];
    for (label, extra, params) in cases {
        let mut args = vec!["-subj", "/CN=pss", "-sigopt", "rsa_padding_mode:pss"];
        args.extend_from_slice(extra);
        let der = openssl_req_with(label, &k.path, &args);
        let v = both_valid(&ks, label, &der);
        assert_eq!(v["signature_algorithm"], "rsassaPss");
        let got = v["signature_parameters"].as_str().unwrap();
        assert!(got.contains(params), "{label}: {got}");
    }
    // A 1024-bit key with PSS (below what aws-lc-rs takes).
    let der = openssl_req(
        &ks,
        "pss1024",
        &[
            "-newkey",
            "rsa:1024",
            "-subj",
            "/CN=pss",
            "-sigopt",
            "rsa_padding_mode:pss",
        ],
    );
    both_valid(&ks, "pss1024", &der);
    // An RSASSA-PSS key (id-RSASSA-PSS SPKI) is an RSA key restricted to PSS.
    let der = openssl_req(&ks, "psskey", &["-newkey", "rsa-pss", "-subj", "/CN=pss"]);
    let v = both_valid(&ks, "psskey", &der);
    assert_eq!(v["public_key"]["algorithm"], "RSA");
    assert_eq!(v["public_key"]["restricted_to"], "RSASSA-PSS");
}

#[test]
fn ecdsa_with_any_hash_on_the_nist_curves_verifies() {
    let ks = Ks::new();
    for (curve, digests) in [
        (
            "P-256",
            &["sha1", "sha224", "sha256", "sha384", "sha512"][..],
        ),
        (
            "P-384",
            &["sha1", "sha224", "sha256", "sha384", "sha512"][..],
        ),
        (
            "P-521",
            &["sha1", "sha224", "sha256", "sha384", "sha512"][..],
        ),
    ] {
        let k = Key::new(
            &ks,
            curve,
            &[
                "-algorithm",
                "EC",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{curve}"),
            ],
        );
        for d in digests {
            let label = format!("{curve}-{d}");
            let der = openssl_req_with(&label, &k.path, &["-subj", "/CN=ec", &format!("-{d}")]);
            let v = both_valid(&ks, &label, &der);
            assert_eq!(v["public_key"]["curve"], curve);
            assert_eq!(
                v["signature_algorithm"],
                format!("ecdsa-with-{}", d.to_uppercase()),
                "{label}"
            );
            assert_eq!(warnings(&v).contains("weak digest: SHA-1"), *d == "sha1");
        }
    }
}

// ---------------------------------------------------------------------------
// 3. Refusals that name things; malformed is not "altered".

/// csrkit refuses with exit 2, names `word` on stderr, and still shows the
/// subject.
fn refused_naming(ks: &Ks, label: &str, der: &[u8], word: &str) {
    let o = show(ks, label, der, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{label}: {err}");
    assert!(
        err.contains(word),
        "{label}: stderr does not name {word}: {err}"
    );
    assert!(!err.contains("altered"), "{label}: {err}");
    let out = stdout(&o);
    assert!(
        out.contains("Subject:"),
        "{label}: the rest is not shown: {out}"
    );
    assert!(out.contains("NOT CHECKED"), "{label}: {out}");
}

#[test]
fn unimplemented_algorithms_are_named_in_words() {
    let ks = Ks::new();
    let params = ks.dir.path().join("dsa.params");
    let o = openssl(
        &[
            "genpkey",
            "-genparam",
            "-algorithm",
            "DSA",
            "-pkeyopt",
            "dsa_paramgen_bits:1024",
            "-out",
            params.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let dsa = format!("dsa:{}", params.display());
    let cases: &[(&str, &[&str], &str)] = &[
        ("dsa", &["-newkey", &dsa], "DSA"),
        ("ed448", &["-newkey", "ed448"], "Ed448"),
        (
            "brainpool",
            &[
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:brainpoolP256r1",
            ],
            "brainpoolP256r1",
        ),
        (
            "k1",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp256k1"],
            "secp256k1",
        ),
        (
            "sm2",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:SM2"],
            "SM2",
        ),
        (
            "explicit",
            &[
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-pkeyopt",
                "ec_param_enc:explicit",
            ],
            "explicit curve parameters",
        ),
    ];
    for (label, args, word) in cases {
        let mut a = vec!["-subj", "/CN=refused"];
        a.extend_from_slice(args);
        let der = openssl_req(&ks, label, &a);
        refused_naming(&ks, label, &der, word);
    }

    // GOST and MD2/MD4: assembled (OpenSSL has no GOST without an engine).
    let gost_spki = seq(&[
        &seq(&[
            &oid("1.2.643.7.1.1.1.1"),
            &seq(&[&oid("1.2.643.7.1.2.1.1.1"), &oid("1.2.643.7.1.1.2.2")]),
        ]),
        &tlv(0x03, &[&[0u8, 0x04, 0x40][..], &[7u8; 64]].concat()),
    ]);
    let tbs = info(0, &cn("gost"), &gost_spki, &[]);
    let der = request(&tbs, &seq(&[&oid("1.2.643.7.1.1.3.2")]), &[1u8; 64]);
    refused_naming(&ks, "gost", &der, "GOST");

    let rsa = Key::new(
        &ks,
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    );
    for (o, word) in [
        ("1.2.840.113549.1.1.2", "MD2"),
        ("1.2.840.113549.1.1.3", "MD4"),
    ] {
        let tbs = info(0, &cn(word), &rsa.spki, &[]);
        let der = request(&tbs, &seq(&[&oid(o), &[0x05, 0x00]]), &[1u8; 128]);
        refused_naming(&ks, word, &der, word);
    }
}

#[test]
fn malformed_keys_are_exit_2_naming_the_key() {
    let ks = Ks::new();
    // A P-256 point moved off the curve (one byte of X changed).
    let mut der = openssl_req(
        &ks,
        "p256",
        &[
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-subj",
            "/CN=offcurve",
        ],
    );
    let pos = der
        .windows(4)
        .position(|w| w == [0x03, 0x42, 0x00, 0x04])
        .unwrap()
        + 4;
    der[pos + 5] ^= 0x01;
    assert_ne!(openssl_verdict(&ks, "offcurve", &der), "valid");
    refused_naming(&ks, "offcurve", &der, "not a valid point on P-256");

    // An Ed25519 key with no key bytes.
    let spki = seq(&[&seq(&[&oid("1.3.101.112")]), &tlv(0x03, &[0])]);
    let tbs = info(0, &cn("empty"), &spki, &[]);
    let der = request(&tbs, &seq(&[&oid("1.3.101.112")]), &[0u8; 64]);
    refused_naming(&ks, "ed25519-empty", &der, "Ed25519 public key is 0 bytes");

    // An RSA key whose bits are not an RSAPublicKey.
    let spki = seq(&[
        &seq(&[&oid("1.2.840.113549.1.1.1"), &[0x05, 0x00]]),
        &tlv(0x03, &[0, 0x30, 0x03, 0x02, 0x01, 0x05]),
    ]);
    let tbs = info(0, &cn("rsa"), &spki, &[]);
    let der = request(
        &tbs,
        &seq(&[&oid("1.2.840.113549.1.1.11"), &[0x05, 0x00]]),
        &[0u8; 64],
    );
    refused_naming(&ks, "rsa-garbage", &der, "RSA public key");
}

#[test]
fn version_2_is_read_with_a_warning() {
    // certbot wrote version-2 CSRs until 2022; OpenSSL reads and verifies them.
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    let tbs = info(
        2,
        &cn("certbot.example"),
        &key.spki,
        &[ext_req(&[san_dns(&["certbot.example"])])],
    );
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "v2", &der);
    assert_eq!(v["version"], 2);
    assert!(warnings(&v).contains("version 2"), "{v}");
    assert_eq!(v["sans"][0]["value"], "certbot.example");
}

// ---------------------------------------------------------------------------
// 4. Nothing silently dropped.

#[test]
fn utf8_dns_names_show_escaped_and_are_never_dropped() {
    let ks = Ks::new();
    let der = openssl_req(
        &ks,
        "utf8san",
        &[
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-subj",
            "/CN=x",
            "-addext",
            "subjectAltName=DNS:bücher.example,DNS:ok.example",
        ],
    );
    let v = both_valid(&ks, "utf8san", &der);
    let sans = v["sans"].as_array().unwrap();
    assert_eq!(sans.len(), 2, "{v}");
    assert_eq!(sans[0]["value"], "bücher.example");
    assert_eq!(sans[0]["hex"], hex("bücher.example".as_bytes()));
    assert_eq!(sans[1]["value"], "ok.example");
    let t = stdout(&show(&ks, "utf8san-text", &der, &[]));
    assert!(
        t.contains("SANs:               DNS:b\\xc3\\xbccher.example, DNS:ok.example"),
        "{t}"
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn every_directory_string_type_decodes() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    let subject = name(&[
        rdn("2.5.4.6", &printable("DE")),
        rdn("2.5.4.7", &tlv(0x14, b"Caf\xe9 M\xfcnchen")),
        rdn("2.5.4.8", &bmp("Bayern Ü")),
        rdn("2.5.4.10", &universal("Grüße 🦀 GmbH")),
        rdn("1.2.840.113549.1.9.1", &ia5("ops@example.com")),
        rdn("1.3.6.1.4.1.55555.1", &utf8("private")),
        rdn("2.5.4.3", &utf8("Zoë")),
    ]);
    let tbs = info(0, &subject, &key.spki, &[]);
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "strings", &der);
    let got: Vec<(String, String, String)> = v["subject_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["type"].as_str().unwrap().to_string(),
                a["value"].as_str().unwrap().to_string(),
                a["encoding"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("C", "DE", "PrintableString"),
        ("L", "Café München", "TeletexString"),
        ("ST", "Bayern Ü", "BMPString"),
        ("O", "Grüße 🦀 GmbH", "UniversalString"),
        ("emailAddress", "ops@example.com", "IA5String"),
        ("1.3.6.1.4.1.55555.1", "private", "UTF8String"),
        ("CN", "Zoë", "UTF8String"),
    ];
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1.as_str(), g.2.as_str()), w);
    }
    assert_eq!(got.len(), want.len());
    // OpenSSL (utf8 output) shows the same text.
    let text = openssl_text(&ks, "strings", &der);
    for w in [
        "Café München",
        "Bayern Ü",
        "Grüße 🦀 GmbH",
        "Zoë",
        "1.3.6.1.4.1.55555.1",
    ] {
        assert!(text.contains(w), "openssl shows no {w}: {text}");
    }
}

#[test]
fn two_extension_requests_warn_and_the_first_is_used() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    let attrs = [
        ext_req(&[san_dns(&["first.example"])]),
        ext_req(&[san_dns(&["second.example"])]),
    ];
    let tbs = info(0, &cn("dup"), &key.spki, &attrs);
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "dup-extreq", &der);
    assert_eq!(v["sans"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["sans"][0]["value"], "first.example");
    assert!(
        warnings(&v).contains("2 extension request attributes"),
        "{v}"
    );
    // OpenSSL's choice is the same.
    let text = openssl_text(&ks, "dup-extreq", &der);
    let requested = &text[text.find("Requested Extensions").expect("extensions shown")..];
    assert!(requested.contains("first.example"), "{text}");
    assert!(!requested.contains("second.example"), "{text}");
}

// ---------------------------------------------------------------------------
// 5. Attributes and extensions, by name.

#[test]
fn attributes_and_extensions_are_shown_by_name() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    let secret = "s3cret-Passw0rd";
    let exts = [
        extension("2.5.29.14", false, &tlv(0x04, &[0xab; 20])),
        extension("2.5.29.35", false, &seq(&[&tlv(0x80, &[0xcd; 20])])),
        extension("1.3.6.1.5.5.7.1.24", false, &seq(&[&[0x02, 0x01, 0x05]])),
        extension("2.5.29.32", false, &seq(&[&seq(&[&oid("2.23.140.1.2.1")])])),
        extension("1.3.6.1.4.1.311.20.2", false, &bmp("WebServer")),
        extension(
            "1.3.6.1.4.1.311.21.7",
            false,
            &seq(&[
                &oid("1.3.6.1.4.1.311.21.8.1.2"),
                &[0x02, 0x01, 0x64],
                &[0x02, 0x01, 0x03],
            ]),
        ),
        extension("1.2.3.4.99", true, &[0x04, 0x02, 0xbe, 0xef]),
    ];
    let attrs = [
        attribute("1.2.840.113549.1.9.7", &[&printable(secret)]),
        attribute("1.2.840.113549.1.9.2", &[&utf8("appliance-7")]),
        attribute("1.3.6.1.4.1.311.13.2.3", &[&ia5("10.0.19045.2")]),
        attribute(
            "1.3.6.1.4.1.311.13.2.2",
            &[&seq(&[
                &[0x02, 0x01, 0x01],
                &bmp("Microsoft Software Key Storage Provider"),
                &[0x03, 0x01, 0x00],
            ])],
        ),
        attribute(
            "1.3.6.1.4.1.311.21.20",
            &[&seq(&[
                &[0x02, 0x01, 0x05],
                &utf8("host.example"),
                &utf8("EXAMPLE\\admin"),
                &utf8("certreq.exe"),
            ])],
        ),
        attribute("1.2.3.4.98", &[&tlv(0x04, &[0x01, 0x02])]),
        ext_req(&exts),
    ];
    let tbs = info(0, &cn("names"), &key.spki, &attrs);
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "names", &der);
    let attr_names: Vec<&str> = v["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        attr_names,
        [
            "challengePassword",
            "unstructuredName",
            "osVersion",
            "enrollmentCSP",
            "requestClientInfo",
            "1.2.3.4.98",
            "extensionRequest"
        ]
    );
    assert_eq!(v["attributes"][0]["values"][0], "set, 15 characters");
    assert_eq!(v["attributes"][5]["values"][0], "#04020102");
    let ext: Vec<(&str, &str)> = v["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["value"].as_str().unwrap()))
        .collect();
    let ab = ["AB"; 20].join(":");
    let cd = ["CD"; 20].join(":");
    assert_eq!(ext[0], ("subjectKeyIdentifier", ab.as_str()));
    assert_eq!(
        ext[1],
        ("authorityKeyIdentifier", format!("keyid:{cd}").as_str())
    );
    assert_eq!(ext[2], ("tlsFeature", "status_request (OCSP must-staple)"));
    assert_eq!(
        ext[3],
        ("certificatePolicies", "domain-validated (2.23.140.1.2.1)")
    );
    assert_eq!(ext[4], ("certificateTemplateName", "WebServer"));
    assert_eq!(
        ext[5],
        (
            "certificateTemplate",
            "template 1.3.6.1.4.1.311.21.8.1.2, major version 100, minor version 3"
        )
    );
    assert_eq!(ext[6], ("1.2.3.4.99", "04:02:BE:EF"));
    assert_eq!(v["extensions"][6]["critical"], true);
    assert_eq!(v["extensions"][6]["hex"], "0402beef");

    // Text: by name, the password hidden unless --show-secrets.
    let t = stdout(&show(&ks, "names-text", &der, &[]));
    for want in [
        "challengePassword: set, 15 characters",
        "unstructuredName: appliance-7",
        "osVersion: 10.0.19045.2",
        "enrollmentCSP: Microsoft Software Key Storage Provider (key spec 1)",
        "requestClientInfo: client id 5, machine host.example, user EXAMPLE\\\\admin, process certreq.exe",
        "tlsFeature: status_request (OCSP must-staple)",
        "1.2.3.4.99 (critical): 04:02:BE:EF",
    ] {
        assert!(t.contains(want), "missing {want}: {t}");
    }
    assert!(!t.contains(secret), "the challenge password leaked: {t}");
    let j = stdout(&show(&ks, "names-json", &der, &["--format", "json"]));
    assert!(!j.contains(secret), "the challenge password leaked: {j}");
    let t = stdout(&show(&ks, "names-secret", &der, &["--show-secrets"]));
    assert!(t.contains(&format!("challengePassword: {secret}")), "{t}");
    let (_, v) = {
        let o = show(
            &ks,
            "names-secret-json",
            &der,
            &["--format", "json", "--show-secrets"],
        );
        (
            o.status.code(),
            serde_json::from_slice::<Value>(&o.stdout).unwrap(),
        )
    };
    assert_eq!(v["attributes"][0]["values"][0], secret);
}

// ---------------------------------------------------------------------------
// 6. Terminal safety.

#[test]
fn hostile_text_cannot_drive_the_terminal() {
    let ks = Ks::new();
    // What `openssl req -subj "/CN=$(printf 'x\033]0;pwned\007\033[2J')"` makes.
    let hostile = "x\x1b]0;pwned\x07\x1b[2J";
    let der = openssl_req(
        &ks,
        "esc",
        &[
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-utf8",
            "-subj",
            &format!("/CN={hostile}"),
        ],
    );
    let v = both_valid(&ks, "esc", &der);
    // JSON keeps the exact value.
    assert_eq!(v["subject_attributes"][0]["value"], hostile);
    let o = show(&ks, "esc-text", &der, &[]);
    let t = stdout(&o);
    assert!(
        !o.stdout.iter().any(|b| *b == 0x1b || *b == 0x07),
        "control bytes reach the terminal: {t:?}"
    );
    assert!(
        t.contains("  CN:               x\\x1b]0;pwned\\x07\\x1b[2J"),
        "{t}"
    );
    // The RFC 4514 line escapes them as hex pairs.
    assert!(
        t.contains("Subject:            CN=x\\1B]0\\;pwned\\07\\1B[2J"),
        "{t}"
    );

    // C1 controls and bidi overrides, in the subject, a SAN and an attribute.
    let key = Key::ec(&ks, "ec");
    let evil = "pay\u{202e}fdp.exe\u{9b}31m";
    let tbs = info(
        0,
        &cn(evil),
        &key.spki,
        &[
            attribute("1.2.840.113549.1.9.2", &[&utf8(evil)]),
            ext_req(&[extension(
                "2.5.29.17",
                false,
                &seq(&[&tlv(0x82, "a\x1b[31m.example".as_bytes())]),
            )]),
        ],
    );
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "bidi", &der);
    assert_eq!(v["subject_attributes"][0]["value"], evil);
    let raw = show(&ks, "bidi-json", &der, &["--format", "json"]).stdout;
    let raw = String::from_utf8(raw).unwrap();
    assert!(raw.contains("pay\\u202efdp.exe\\u009b31m"), "{raw}");
    assert!(
        !raw.contains('\u{202e}') && !raw.contains('\u{9b}'),
        "{raw}"
    );
    assert_eq!(v["sans"][0]["value"], "a\x1b[31m.example");
    let o = show(&ks, "bidi-text", &der, &[]);
    let t = stdout(&o);
    for c in ['\u{202e}', '\u{9b}', '\u{1b}'] {
        assert!(!t.contains(c), "{c:?} reaches the terminal: {t:?}");
    }
    assert!(
        t.contains("  CN:               pay\\u{202e}fdp.exe\\x9b31m"),
        "{t}"
    );
    assert!(
        t.contains("unstructuredName: pay\\u{202e}fdp.exe\\x9b31m"),
        "{t}"
    );
    assert!(t.contains("DNS:a\\x1b[31m.example"), "{t}");
    assert!(t.contains("CN=pay\\E2\\80\\AEfdp.exe\\C2\\9B31m"), "{t}");
}

#[test]
fn non_string_values_are_rfc4514_hex() {
    let ks = Ks::new();
    let key = Key::ec(&ks, "ec");
    let subject = name(&[
        rdn("2.5.4.3", &utf8("#not hex")),
        rdn("1.2.3.4", &seq(&[&[0x02, 0x01, 0x05]])),
        rdn("2.5.4.45", &[0x03, 0x02, 0x00, 0xaa]),
    ]);
    let tbs = info(0, &subject, &key.spki, &[]);
    let der = key.sign_ec(&ks, &tbs);
    let v = both_valid(&ks, "hexvalues", &der);
    // RFC 4514 2.4: '#' and the hex of the BER encoding, not escaped;
    // a string that starts with '#' is escaped.
    assert_eq!(
        v["subject"],
        "2.5.4.45=#030200aa,1.2.3.4=#3003020105,CN=\\#not hex"
    );
    assert_eq!(v["subject_attributes"][1]["value"], "#3003020105");
    assert_eq!(v["subject_attributes"][1]["encoding"], "SEQUENCE");
    let t = stdout(&show(&ks, "hexvalues-text", &der, &[]));
    assert!(
        t.contains("Subject:            2.5.4.45=#030200aa,1.2.3.4=#3003020105,CN=\\#not hex"),
        "{t}"
    );

    // What OpenSSL cannot load is refused with the reason: a value that is
    // no directory string, a UTF8String that is not UTF-8.
    for (label, value, word) in [
        ("integer", vec![0x02, 0x01, 0x05], "INTEGER"),
        ("visible", tlv(0x1a, b"abc"), "VisibleString"),
        (
            "badutf8",
            vec![0x0c, 0x02, 0xc3, 0x28],
            "UTF8String does not decode",
        ),
        (
            "oddbmp",
            vec![0x1e, 0x03, 0x00, 0x41, 0x00],
            "BMPString does not decode",
        ),
    ] {
        let tbs = info(0, &name(&[rdn("2.5.4.3", &value)]), &key.spki, &[]);
        let der = key.sign_ec(&ks, &tbs);
        assert_eq!(openssl_verdict(&ks, label, &der), "unreadable", "{label}");
        let o = show(&ks, label, &der, &[]);
        assert_eq!(o.status.code(), Some(2), "{label}");
        let err = stderr(&o);
        assert!(
            err.contains("not a valid CSR: the subject: CN"),
            "{label}: {err}"
        );
        assert!(err.contains(word), "{label}: {err}");
    }
}

// ---------------------------------------------------------------------------
// More of what OpenSSL reads, and what it does not.

#[test]
fn compressed_points_and_large_exponents_verify() {
    let ks = Ks::new();
    // The same key with its point compressed (SEC 1 2.3.3).
    let key = Key::ec(&ks, "ec");
    let point = &key.spki[key.spki.len() - 65..];
    assert_eq!(point[0], 0x04);
    let mut compressed = vec![0x02 | (point[64] & 1)];
    compressed.extend_from_slice(&point[1..33]);
    let spki = seq(&[
        &seq(&[&oid("1.2.840.10045.2.1"), &oid("1.2.840.10045.3.1.7")]),
        &tlv(0x03, &[&[0u8][..], &compressed].concat()),
    ]);
    let tbs = info(0, &cn("compressed"), &spki, &[]);
    let v = both_valid(&ks, "compressed", &key.sign_ec(&ks, &tbs));
    assert_eq!(v["public_key"]["curve"], "P-256");

    // An RSA exponent above 2^64 (OpenSSL takes any below a 3072-bit modulus).
    let k = Key::new(
        &ks,
        "bige",
        &[
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:1024",
            "-pkeyopt",
            "rsa_keygen_pubexp:36893488147419103235",
        ],
    );
    let der = openssl_req_with("bige", &k.path, &["-subj", "/CN=bige"]);
    both_valid(&ks, "bige", &der);
}

#[test]
fn what_openssl_cannot_verify_is_exit_2() {
    let ks = Ks::new();
    let rsa = Key::new(
        &ks,
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    );
    let ec = Key::ec(&ks, "ec");
    for (label, key, digest) in [
        ("rsa-sha512-224", &rsa, "sha512-224"),
        ("rsa-sha512-256", &rsa, "sha512-256"),
        ("ec-sha3-256", &ec, "sha3-256"),
    ] {
        let der = openssl_req_with(label, &key.path, &["-subj", "/CN=x", &format!("-{digest}")]);
        assert_eq!(openssl_verdict(&ks, label, &der), "unreadable", "{label}");
        let o = show(&ks, label, &der, &[]);
        assert_eq!(o.status.code(), Some(2), "{label}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("not implemented"),
            "{label}: {}",
            stderr(&o)
        );
    }
    // A version INTEGER with illegal padding: OpenSSL refuses to load it.
    let tbs = seq(&[
        &[0x02, 0x02, 0x00, 0x00],
        &cn("pad"),
        &ec.spki,
        &[0xa0, 0x00],
    ]);
    let der = ec.sign_ec(&ks, &tbs);
    assert_eq!(openssl_verdict(&ks, "version-pad", &der), "unreadable");
    let o = show(&ks, "version-pad", &der, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("version INTEGER has illegal padding"),
        "{}",
        stderr(&o)
    );
    // PSS over SHA-512/224 is one OpenSSL verifies.
    let k = Key::new(
        &ks,
        "rsa2048",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    let der = openssl_req_with(
        "pss-512-224",
        &k.path,
        &[
            "-subj",
            "/CN=x",
            "-sha512-224",
            "-sigopt",
            "rsa_padding_mode:pss",
        ],
    );
    let v = both_valid(&ks, "pss-512-224", &der);
    assert!(v["signature_parameters"]
        .as_str()
        .unwrap()
        .contains("SHA-512/224"));
}

//! Property-based tests of every parser that sees untrusted input: they
//! never panic, and what they accept round-trips.

use csrkit::csr;
use csrkit::keys::PrivateKey;
use csrkit::request::{
    self, validate_dns, validate_email, validate_name, validate_uri, validate_value, Attr, Ava,
    KeySpec, RequestInput, San, Subject, ATTRS,
};
use proptest::prelude::*;
use std::sync::OnceLock;

fn attr() -> impl Strategy<Value = Attr> {
    proptest::sample::select(ATTRS.iter().map(|i| i.attr).collect::<Vec<_>>())
}

/// Values rich in the characters DN syntax cares about.
fn dn_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{1,20}",
        "[,+=\"\\\\<>;#/ a-z]{1,12}",
        "[ \u{a0}\u{2003}\u{e9}\u{4e2d}a#]{1,8}",
        any::<String>(),
    ]
}

/// One attribute value that passes validation (only those reach a CSR).
fn valid_ava() -> impl Strategy<Value = Ava> {
    prop_oneof![
        4 => (attr(), dn_value())
            .prop_filter("valid value", |(a, v)| validate_value(*a, v).ok().as_deref() == Some(v.as_str()))
            .prop_map(|(attr, value)| Ava::text(attr, value)),
        1 => proptest::sample::select(request::COUNTRIES).prop_map(|c| Ava::text(Attr::C, c.to_string())),
    ]
}

fn subject() -> impl Strategy<Value = Subject> {
    proptest::collection::vec(proptest::collection::vec(valid_ava(), 1..3), 0..5).prop_map(Subject)
}

/// Only subjects whose values pass validation can reach a CSR.
fn valid(s: &Subject) -> bool {
    s.0.iter()
        .flatten()
        .all(|a| validate_value(a.attr, &a.value).ok().as_deref() == Some(a.value.as_str()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn dn_parse_never_panics(s in any::<String>()) {
        let _ = Subject::parse(&s);
    }

    #[test]
    fn dn_parse_never_panics_on_dn_like_text(s in "[/,;+=\\\\#\" a-zA-Z0-9.]{0,40}") {
        if let Ok(subj) = Subject::parse(&s) {
            // Whatever parses can be printed and parsed again to the same subject.
            let again = Subject::parse(&subj.to_rfc4514());
            prop_assert_eq!(again.as_ref().ok(), Some(&subj), "rfc4514 of {:?}", s);
        }
    }

    #[test]
    fn dn_roundtrips_through_rfc4514(subj in subject()) {
        let text = subj.to_rfc4514();
        let back = Subject::parse(&text);
        prop_assert_eq!(back.as_ref().ok(), Some(&subj), "via {:?}: {:?}", text, back.as_ref().err());
    }

    #[test]
    fn dn_roundtrips_through_slash_form(subj in subject()) {
        let text = subj.to_slash();
        let back = Subject::parse(&text);
        prop_assert_eq!(back.as_ref().ok(), Some(&subj), "via {:?}: {:?}", text, back.as_ref().err());
    }

    #[test]
    fn validate_value_never_panics(a in attr(), v in any::<String>()) {
        if let Ok(out) = validate_value(a, &v) {
            prop_assert!(!out.chars().any(char::is_control));
            prop_assert!(out.chars().count() <= a.info().max);
            // Validation is idempotent.
            prop_assert_eq!(validate_value(a, &out).ok(), Some(out.clone()));
        }
    }

    #[test]
    fn san_parsers_never_panic(t in "(dns|ip|email|uri|DNS|x)?:?", v in any::<String>()) {
        let _ = San::parse_typed(&format!("{t}{v}"));
        let _ = San::dns(&v);
        let _ = San::ip(&v);
        let _ = San::email(&v);
        let _ = San::uri(&v);
    }

    #[test]
    fn dns_names_are_normalized_and_bounded(v in prop_oneof![any::<String>(), "[a-z0-9*.-]{1,30}", "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.){1,4}[a-z]{2,6}"]) {
        if let Ok(ascii) = validate_dns(&v, true) {
            prop_assert!(ascii.is_ascii());
            prop_assert!(ascii.len() <= 255);
            let rest = ascii.strip_prefix("*.").unwrap_or(&ascii);
            prop_assert!(!rest.contains('*'));
            for l in rest.split('.') {
                prop_assert!(!l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'), "label {:?} of {:?}", l, ascii);
            }
            prop_assert_eq!(validate_dns(&ascii, true), Ok(ascii.clone()));
        }
    }

    #[test]
    fn valid_hostnames_are_accepted(labels in proptest::collection::vec("[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", 1..5), tld in "[a-z]{2,6}", wild in any::<bool>()) {
        let labels: Vec<String> = labels.into_iter().filter(|l| l.len() < 4 || &l[2..4] != "--").collect();
        prop_assume!(!labels.is_empty());
        let name = format!("{}{}.{}", if wild { "*." } else { "" }, labels.join("."), tld);
        prop_assert_eq!(validate_dns(&name, true), Ok(name.clone()));
    }

    #[test]
    fn emails_and_uris_never_panic(v in any::<String>(), local in "[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}", host in "[a-z]{1,10}\\.[a-z]{2,4}") {
        let _ = validate_email(&v);
        let _ = validate_uri(&v);
        let addr = format!("{local}@{host}");
        prop_assert_eq!(validate_email(&addr), Ok(addr.clone()));
    }

    #[test]
    fn ip_sans_roundtrip(ip in any::<std::net::IpAddr>()) {
        let s = ip.to_string();
        prop_assert_eq!(San::ip(&s).ok(), Some(San::Ip(ip)));
    }

    #[test]
    fn record_names_follow_the_spec_regex(name in prop_oneof![any::<String>(), "[A-Za-z0-9._/-]{0,70}", "\\.\\.?", "-[a-z]{1,5}"]) {
        let b = name.as_bytes();
        let spec_ok = !b.is_empty() && b.len() <= 64 && b[0].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c));
        prop_assert_eq!(validate_name(&name).is_ok(), spec_ok, "{:?}", name);
        if let Some(derived) = request::name_from_cn(&name) {
            prop_assert!(validate_name(&derived).is_ok(), "derived {:?} from {:?}", derived, name);
        }
    }

    #[test]
    fn native_json_requests_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = csrkit::formats::request::parse(&data, None);
    }

    #[test]
    fn native_json_requests_parse_and_resolve_without_panic(
        cn in proptest::option::of(any::<String>()),
        country in proptest::option::of("[A-Za-z]{0,3}"),
        dns in proptest::option::of(proptest::collection::vec(any::<String>(), 0..3)),
        ip in proptest::option::of(proptest::collection::vec("[0-9a-f:.]{0,15}", 0..3)),
        key_type in proptest::option::of("(rsa|ec|ed25519|EC|dsa)"),
        key_size in proptest::option::of(prop_oneof![Just(256u32), Just(384), Just(2048), Just(1024), any::<u32>()]),
        subject in proptest::option::of(any::<String>()),
        name in proptest::option::of(any::<String>()),
        purpose in proptest::option::of("(server|client|server-client|SERVER_CLIENT|x)"),
        path_len in proptest::option::of(any::<u8>()),
        ca in proptest::option::of(any::<bool>()),
    ) {
        let input = RequestInput {
            name, subject, common_name: cn, country, dns, ip, key_type, key_size, purpose, path_len, ca,
            ..RequestInput::default()
        };
        let json = serde_json::to_vec(&input).unwrap();
        let parsed = csrkit::formats::request::parse(&json, None);
        prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
        let parsed = parsed.unwrap();
        prop_assert_eq!(serde_json::to_value(&parsed).unwrap(), serde_json::to_value(&input).unwrap());
        if let Ok(req) = parsed.resolve(None, false) {
            // A resolved request's subject values are all valid.
            prop_assert!(valid(&req.subject));
        }
    }
}

/// A real CSR (EC P-256) built by the library, as DER.
fn real_csr() -> &'static Vec<u8> {
    static CSR: OnceLock<Vec<u8>> = OnceLock::new();
    CSR.get_or_init(|| {
        let input = RequestInput {
            common_name: Some("fuzz.example.com".into()),
            organization: Some("Fuzz, Inc.".into()),
            dns: Some(vec!["a.example.com".into(), "*.b.example.com".into()]),
            ip: Some(vec!["192.0.2.1".into(), "2001:db8::1".into()]),
            email: Some(vec!["x@example.com".into()]),
            uri: Some(vec!["https://example.com/x".into()]),
            purpose: Some("server-client".into()),
            key_type: Some("ec".into()),
            ..RequestInput::default()
        };
        let req = input.resolve(None, false).unwrap();
        assert_eq!(
            req.key,
            KeySpec::Ec {
                curve: request::Curve::P256
            }
        );
        let key = PrivateKey::generate(req.key).unwrap();
        let der = csr::build(&req, &key).unwrap();
        assert!(csr::parse(&der).unwrap().verified);
        der
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, u8),
    Remove(usize),
    Set(usize, u8),
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    proptest::collection::vec(
        prop_oneof![
            (any::<usize>(), 1..=255u8).prop_map(|(i, b)| Mutation::Flip(i, b)),
            any::<usize>().prop_map(Mutation::Truncate),
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
            any::<usize>().prop_map(Mutation::Remove),
            (
                any::<usize>(),
                prop_oneof![
                    Just(0u8),
                    Just(0x80),
                    Just(0x81),
                    Just(0x82),
                    Just(0xff),
                    Just(0x30),
                    Just(0x05)
                ]
            )
                .prop_map(|(i, b)| Mutation::Set(i, b)),
        ],
        1..4,
    )
}

fn apply(mut data: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        if data.is_empty() {
            break;
        }
        let n = data.len();
        match *m {
            Mutation::Flip(i, b) => data[i % n] ^= b,
            Mutation::Truncate(i) => data.truncate(i % n),
            Mutation::Insert(i, b) => data.insert(i % (n + 1), b),
            Mutation::Remove(i) => {
                data.remove(i % n);
            }
            Mutation::Set(i, b) => data[i % n] = b,
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn csr_decode_and_parse_never_panic_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(der) = csr::decode_input(&data) {
            let _ = csr::parse(&der);
        }
    }

    #[test]
    fn csr_parse_never_panics_on_mutated_der(muts in mutations()) {
        let orig = real_csr();
        let der = apply(orig.clone(), &muts);
        if let Ok(der) = csr::decode_input(&der) {
            if let Ok(p) = csr::parse(&der) {
                // A changed CSR never verifies as the original's signature,
                // unless the change left the signed bytes and signature alone.
                if p.verified && der != *orig {
                    // Only re-encodings of the same content may still verify.
                    prop_assert_eq!(&p.spki_der, &csr::parse(orig).unwrap().spki_der);
                }
            }
        }
    }

    #[test]
    fn csr_parse_never_panics_on_mutated_pem(muts in mutations(), label in prop_oneof![Just("CERTIFICATE REQUEST"), Just("NEW CERTIFICATE REQUEST"), Just("CERTIFICATE")]) {
        let pem = csr::to_pem(real_csr()).replace("CERTIFICATE REQUEST", label);
        let data = apply(pem.into_bytes(), &muts);
        if let Ok(der) = csr::decode_input(&data) {
            let _ = csr::parse(&der);
        }
    }

    #[test]
    fn any_change_to_the_signed_part_fails_verification(i in any::<usize>(), b in 1..=255u8) {
        // Flip a byte in the subject/attributes region (after the header,
        // before the signature): either it no longer parses, or it parses
        // and does not verify.
        let orig = real_csr();
        let mut der = orig.clone();
        let start = 8;
        let end = orig.len() - 80;
        der[start + i % (end - start)] ^= b;
        if let Ok(p) = csr::parse(&der) {
            prop_assert!(!p.verified, "a modified CSR verified");
        }
    }
}

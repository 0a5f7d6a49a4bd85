//! Unit tests of the request module: DN forms, escapes, names, DNS rules.
use super::*;
use crate::field::Field;

#[test]
fn rfc4514_is_reversed_into_der_order() {
    let s = Subject::parse("CN=a,O=b,C=DE").unwrap();
    assert_eq!(s.0[0][0].attr, Attr::C);
    assert_eq!(s.0[2][0].value, "a");
    assert_eq!(s.to_rfc4514(), "CN=a,O=b,C=DE");
    assert_eq!(s.to_slash(), "/C=DE/O=b/CN=a");
}

#[test]
fn slash_form_keeps_order_and_multivalue() {
    let s = Subject::parse("/C=DE/O=b\\/c/CN=a+UID=7").unwrap();
    assert_eq!(s.0.len(), 3);
    assert_eq!(s.0[1][0].value, "b/c");
    assert_eq!(s.0[2].len(), 2);
}

#[test]
fn escapes_and_hex() {
    let s = Subject::parse("CN=a\\,b\\+c,O=\\C3\\A9t\\C3\\A9").unwrap();
    assert_eq!(s.get(Attr::CN), Some("a,b+c"));
    assert_eq!(s.get(Attr::O), Some("été"));
}

#[test]
fn escaped_trailing_space_survives_the_outer_trim() {
    // Regression: the whole DN was trimmed first, leaving a lone backslash.
    let s = Subject::parse("CN=a\\ ").unwrap();
    assert_eq!(s.get(Attr::CN), Some("a "));
    let s = Subject::parse("  CN=a\\ ,O=b  \n").unwrap();
    assert_eq!(s.get(Attr::CN), Some("a "));
    assert_eq!(Subject::parse(&s.to_rfc4514()).unwrap(), s);
}

#[test]
fn unicode_and_edge_spaces_roundtrip() {
    // Regression (found by tests/proptest_parsers.rs): U+00A0 was
    // trimmed like a space, and the slash form lost edge spaces.
    for v in ["\u{a0}", "a\u{2003}", " a ", "\u{a0}b\u{a0}"] {
        let s = Subject(vec![vec![Ava::text(Attr::ST, v.into())]]);
        assert_eq!(Subject::parse(&s.to_rfc4514()).unwrap(), s, "{v:?}");
        assert_eq!(Subject::parse(&s.to_slash()).unwrap(), s, "{v:?}");
    }
}

#[test]
fn rfc4514_refuses_unknown_escapes() {
    assert!(Subject::parse("CN=a\\zz").is_err());
    assert!(Subject::parse("CN=a\\/b").is_err());
    // The slash form escapes any character, as OpenSSL does.
    assert_eq!(
        Subject::parse("/CN=a\\zz").unwrap().get(Attr::CN),
        Some("azz")
    );
    for ok in [
        "CN=\\\"",
        "CN=a\\+b",
        "CN=a\\,b",
        "CN=a\\;b",
        "CN=\\<\\>",
        "CN=a\\=b",
        "CN=\\#a",
        "CN=\\ a",
    ] {
        assert!(Subject::parse(ok).is_ok(), "{ok}");
    }
}

#[test]
fn set_replaces_in_place() {
    let mut s = Subject::parse("/C=DE/O=x/CN=a").unwrap();
    s.set(Attr::CN, &["b".into()]);
    s.set(Attr::OU, &["u1".into(), "u2".into()]);
    assert_eq!(s.to_slash(), "/C=DE/O=x/OU=u1/OU=u2/CN=b");
}

#[test]
fn dns_rules() {
    assert!(validate_dns("*.example.com", true).is_ok());
    assert!(validate_dns("a.*.example.com", true).is_err());
    assert!(validate_dns("*.com", true).is_err());
    assert!(validate_dns("-a.com", true).is_err());
    assert_eq!(
        validate_dns("bücher.example", true).unwrap(),
        "xn--bcher-kva.example"
    );
    assert!(validate_dns("a_b.com", true).is_err());
}

#[test]
fn names() {
    assert_eq!(
        name_from_cn("*.Example.com").as_deref(),
        Some("wildcard.example.com")
    );
    assert!(check_edges(Field::CommonName, "c.example.com ").is_err());
    assert!(check_edges(Field::CommonName, " c").is_err());
    assert!(check_edges(Field::CommonName, "a b").is_ok());
    assert_eq!(name_from_cn("My Server").as_deref(), Some("my-server"));
    assert!(validate_name("../x").is_err());
    assert!(validate_name("a/b").is_err());
}

#[test]
fn semicolons_quotes_oids_and_hex() {
    let semi = Subject::parse("CN=a;OU=b;O=c").unwrap();
    assert_eq!(semi, Subject::parse("CN=a,OU=b,O=c").unwrap());
    assert_eq!(
        Subject::parse("CN=a\\;b").unwrap().get(Attr::CN),
        Some("a;b")
    );
    // The slash form keeps ',' and ';' as text, as openssl req -subj does.
    assert_eq!(
        Subject::parse("/CN=a;b,c").unwrap().get(Attr::CN),
        Some("a;b,c")
    );
    let q = Subject::parse("O=\"Example, Inc.; x\",CN=a").unwrap();
    assert_eq!(q.get(Attr::O), Some("Example, Inc.; x"));
    assert!(Subject::parse("O=\"a\"b,CN=a").is_err());
    assert!(Subject::parse("O=\"a,CN=a").is_err());

    let s = Subject::parse("2.5.4.97=VATDE-1,1.3.6.1.4.1.99999.1=x,CN=#0c03616263").unwrap();
    assert_eq!(s.get(Attr::OrganizationIdentifier), Some("VATDE-1"));
    assert_eq!(s.common_name(), Some("abc"));
    assert_eq!(s.0[0][0].der.as_deref(), Some("0c03616263"));
    let other = Attr::parse("1.3.6.1.4.1.99999.1").unwrap();
    assert!(matches!(other, Attr::Other(_)));
    assert_eq!(s.get(other), Some("x"));
    assert_eq!(Subject::parse(&s.to_rfc4514()).unwrap(), s);
    // record.json: old names unchanged, new types by name, others by OID.
    let json = serde_json::to_string(&s).unwrap();
    assert!(
        json.contains("\"type\":\"organizationIdentifier\""),
        "{json}"
    );
    assert!(json.contains("\"type\":\"1.3.6.1.4.1.99999.1\""), "{json}");
    assert_eq!(serde_json::from_str::<Subject>(&json).unwrap(), s);
    let old: Subject = serde_json::from_str(r#"[[{"type":"STREET","value":"x"}]]"#).unwrap();
    assert_eq!(old.get(Attr::STREET), Some("x"));
    assert_eq!(
        Attr::parse("jurisdictionCountryName"),
        Some(Attr::JurisdictionC)
    );
    assert_eq!(Attr::parse("givenname"), Some(Attr::GN));
    assert_eq!(Attr::parse("OID.2.5.4.3"), Some(Attr::CN));
    assert_eq!(
        Attr::parse("oid.1.3.6.1.4.1.311.60.2.1.3"),
        Some(Attr::JurisdictionC)
    );
    for bad in ["CN=#0c04616263", "CN=#020105", "CN=#", "CN=a;;O=b"] {
        assert!(Subject::parse(bad).is_err(), "{bad}");
    }
}

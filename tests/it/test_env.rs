//! The tests' one environment (`support::TestEnv`): what a developer has
//! in their own home never reaches the binary under test.

use std::ffi::OsString;
use std::process::Command as StdCommand;

use crate::support::*;

/// A config file that csrkit refuses, planted where a developer's own
/// config lives: csrkit inheriting that HOME reads it (exit 2); in the
/// tests' environment, built from the same parent environment, it is
/// never seen.
const GENERATE: [&str; 7] = [
    "generate",
    "www",
    "--cn",
    "www.example.com",
    "--no-passphrase",
    "--key-type",
    "ec",
];

#[test]
fn a_config_in_the_developers_home_never_reaches_the_binary() {
    let t = tempfile::tempdir().unwrap();
    let dev_home = t.path().join("developer");
    let config = dev_home.join(".config/csrkit/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "this is [[[ not toml\n").unwrap();
    let ks = t.path().join("ks");

    // The control: the plant is read when HOME is inherited.
    let inherited = StdCommand::new(env!("CARGO_BIN_EXE_csrkit"))
        .env("HOME", &dev_home)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("CSRKIT_CONFIG")
        .env("CSRKIT_KEYSTORE", &ks)
        .args(GENERATE)
        .output()
        .unwrap();
    assert_eq!(inherited.status.code(), Some(2), "{}", stderr(&inherited));
    assert!(
        stderr(&inherited).contains("config"),
        "{}",
        stderr(&inherited)
    );

    // The tests' environment, from a parent whose HOME (and XDG and
    // CSRKIT_CONFIG) are the developer's.
    let parent: Vec<(OsString, OsString)> = vec![
        ("PATH".into(), std::env::var_os("PATH").unwrap_or_default()),
        ("HOME".into(), dev_home.clone().into()),
        ("XDG_CONFIG_HOME".into(), dev_home.join(".config").into()),
        ("CSRKIT_CONFIG".into(), config.clone().into()),
    ];
    let env = TestEnv::at(&t.path().join("test"));
    let mut cmd = StdCommand::new(env!("CARGO_BIN_EXE_csrkit"));
    env.apply_from(&mut cmd, parent);
    let o = cmd
        .env("CSRKIT_KEYSTORE", &ks)
        .args(GENERATE)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!env.home.starts_with(&dev_home));
}

#!/usr/bin/env bash
# Builds target/debian/csrkit_<version>-1_<arch>.deb with dpkg-deb alone,
# from the same files as `cargo deb` ([package.metadata.deb] in
# Cargo.toml): the release binary, man/*.1 and completions/. .ci/run uses
# it only when cargo-deb cannot be installed; run `cargo build --release
# --locked` (and ./scripts/regen-docs.sh after CLI changes) first.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
arch=$(dpkg --print-architecture)
stage=target/debian/stage
rm -rf "$stage"
install -Dm755 target/release/csrkit "$stage/usr/bin/csrkit"
for page in man/*.1; do
    install -Dm644 "$page" "$stage/usr/share/man/man1/$(basename "$page")"
    gzip -9n "$stage/usr/share/man/man1/$(basename "$page")"
done
install -Dm644 completions/csrkit.bash "$stage/usr/share/bash-completion/completions/csrkit"
install -Dm644 completions/_csrkit "$stage/usr/share/zsh/vendor-completions/_csrkit"
install -Dm644 completions/csrkit.fish "$stage/usr/share/fish/vendor_completions.d/csrkit.fish"
install -Dm644 README.md "$stage/usr/share/doc/csrkit/README.md"
install -Dm644 SECURITY.md "$stage/usr/share/doc/csrkit/SECURITY.md"
mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: csrkit
Version: $version-1
Architecture: $arch
Maintainer: csrkit developers <csrkit@invalid>
Depends: libc6
Section: utils
Priority: optional
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Description: Generate certificate signing requests and keep their private keys safe
 csrkit generates certificate signing requests (CSRs) and keeps their
 private keys, encrypted, in a local keystore; it takes the signed
 certificates back (import, self-sign, expiring).
CONTROL
out="target/debian/csrkit_${version}-1_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$out" >/dev/null
rm -rf "$stage"
echo "$out"

#!/usr/bin/env bash
# Makes the `cert` fuzz target's seeds (tests/fuzz-seeds/cert/) with
# OpenSSL: a root, an intermediate and a leaf (EC P-256, small), as DER,
# PEM, a bundle out of order with text around it, OpenSSL's trusted form,
# PKCS#7 certs-only in PEM and DER, a truncated DER and the two vendor
# import bodies (NSX TlsTrustData, QRadar). Run once; the output is
# checked in (the seeds are inputs, not expected outputs, so remaking them
# with new keys is harmless).
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/fuzz-seeds/cert
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
cd "$tmp"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
key root
key int
key leaf
openssl req -x509 -new -key root.key -subj "/CN=Fuzz Root/O=csrkit" -days 36500 \
    -addext basicConstraints=critical,CA:TRUE -out root.pem
cat >int.ext <<'X'
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
X
openssl req -new -key int.key -subj "/CN=Fuzz Intermediate/O=csrkit" -out int.csr
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 -days 36500 \
    -extfile int.ext -out int.pem 2>/dev/null
cat >leaf.ext <<'X'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:www.example.com,IP:192.0.2.1,email:a@example.com,URI:https://example.com/
X
openssl req -new -key leaf.key -subj "/CN=www.example.com/O=Example/C=US" -out leaf.csr
openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 3 -days 36500 \
    -extfile leaf.ext -out leaf.pem 2>/dev/null

openssl x509 -in leaf.pem -outform DER -out "$OLDPWD/$out/leaf.der"
cp leaf.pem "$OLDPWD/$out/leaf.pem"
cp root.pem "$OLDPWD/$out/root-selfsigned.pem"
{
    echo "Subject: your certificate"
    echo
    echo "Bag Attributes"
    echo "    friendlyName: intermediate"
    cat int.pem
    echo "-- the root --"
    cat root.pem
    printf 'the leaf:\r\n'
    cat leaf.pem
    echo "regards"
} >"$OLDPWD/$out/chain-text-around.pem"
openssl x509 -in root.pem -trustout -addtrust serverAuth -out "$OLDPWD/$out/root-trusted.pem"
cat leaf.pem int.pem root.pem >chain.pem
openssl crl2pkcs7 -nocrl -certfile chain.pem -out "$OLDPWD/$out/chain.p7b.pem"
openssl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out "$OLDPWD/$out/chain.p7b.der"
head -c 200 "$OLDPWD/$out/leaf.der" >"$OLDPWD/$out/truncated.der"
json() { python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'; }
printf '{"display_name": "www", "pem_encoded": %s}\n' "$(cat leaf.pem int.pem | json)" \
    >"$OLDPWD/$out/import-nsx.json"
printf '{"cert_file": %s, "ca_chain_file": %s, "csr_id": 1}\n' \
    "$(json <leaf.pem)" "$(cat int.pem root.pem | json)" >"$OLDPWD/$out/import-qradar.json"
ls -l "$OLDPWD/$out"

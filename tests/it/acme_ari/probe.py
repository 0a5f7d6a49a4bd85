"""The oracle's side of an ARI check (RFC 9773), with Python cryptography
and the standard library, not csrkit: argv CERT RENEWAL_INFO_URL CA_FILE.
Prints {"cert_id", "status", "retry_after", "window": {start, end}} for
GET RENEWAL_INFO_URL/<AKI keyIdentifier>.<serial DER octets> (§4.1)."""
import base64, json, ssl, sys, urllib.request
from datetime import datetime
from cryptography import x509

cert = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read())
aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
n = cert.serial_number
serial = n.to_bytes((n.bit_length() + 8) // 8, "big", signed=True)
b64 = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")
cert_id = b64(aki) + "." + b64(serial)
ctx = ssl.create_default_context(cafile=sys.argv[3])
with urllib.request.urlopen(sys.argv[2] + "/" + cert_id, context=ctx) as r:
    body = json.loads(r.read())
    retry = r.headers.get("Retry-After")
    status = r.status
ts = lambda s: int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())
w = body["suggestedWindow"]
print(json.dumps({"cert_id": cert_id, "status": status, "retry_after": retry,
                  "window": {"start": ts(w["start"]), "end": ts(w["end"])}}))

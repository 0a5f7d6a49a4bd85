"""acme2certifier 0.46.3 on loopback over TLS, for csrkit's tests.

argv: DIR PORTFILE. DIR holds acme_srv.cfg; this makes the throwaway
issuing CA, its CRL and the listener's TLS certificate there (Python
cryptography), starts the standalone WSGI app under wsgiref wrapped in
ssl, records each newOrder payload to DIR/neworders.jsonl, answers
renewal-info from DIR/ari-override.json when a test put one there, and
writes the port it listens on to PORTFILE.
"""
import base64, datetime, io, json, os, ssl, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

d, portfile = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)

def write_key(key, name):
    with open(os.path.join(d, name), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))

def ca(cn, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subj = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (x509.CertificateBuilder().subject_name(subj).issuer_name(subj)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256()))
    write_key(key, name + ".key")
    with open(os.path.join(d, name + ".pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert

if not os.path.exists(os.path.join(d, "ca.pem")):
    ca_key, ca_cert = ca("acme2certifier test issuing CA", "ca")
    crl = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(hours=1)).next_update(now + datetime.timedelta(days=30))
        .sign(ca_key, hashes.SHA256()))
    with open(os.path.join(d, "ca.crl"), "wb") as f:
        f.write(crl.public_bytes(serialization.Encoding.PEM))
    tls_ca_key, tls_ca = ca("acme2certifier test TLS CA", "tls-ca")
    tls_key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress
    tls = (x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(tls_ca.subject).public_key(tls_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(tls_ca_key, hashes.SHA256()))
    write_key(tls_key, "tls.key")
    with open(os.path.join(d, "tls.pem"), "wb") as f:
        f.write(tls.public_bytes(serialization.Encoding.PEM))

os.makedirs(os.path.join(d, "issued"), exist_ok=True)
os.environ["ACME_SRV_CONFIGFILE"] = os.path.join(d, "acme_srv.cfg")
os.environ["ACME2CERTIFIER_I_KNOW_THE_RISK"] = "1"
os.environ["HTTPS"] = "on"
from wsgiref.simple_server import make_server, WSGIRequestHandler
from acme2certifier.share import acme2certifier_wsgi as a2c

def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def app(environ, start_response):
    # A test's override of the renewal-info answer (hostile or odd CAs):
    # DIR/ari-override.json = {"status": N, "headers": [[K, V]...], "body": TEXT}.
    override = os.path.join(d, "ari-override.json")
    if "/acme/renewal-info/" in environ.get("PATH_INFO", "") and os.path.exists(override):
        o = json.load(open(override))
        start_response(f"{o['status']} X", [tuple(h) for h in o["headers"]])
        return [o["body"].encode()]
    if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").endswith("/acme/neworders"):
        n = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(n)
        environ["wsgi.input"] = io.BytesIO(body)
        try:
            payload = json.loads(b64d(json.loads(body)["payload"]))
        except Exception as e:
            payload = {"unreadable": str(e)}
        with open(os.path.join(d, "neworders.jsonl"), "a") as f:
            f.write(json.dumps(payload) + "\n")
        # A test's CA that refuses `replaces` (RFC 9773 §7.4 alreadyReplaced).
        if "replaces" in payload and os.path.exists(os.path.join(d, "refuse-replaces")):
            start_response("409 Conflict", [("Content-Type", "application/problem+json")])
            return [json.dumps({"type": "urn:ietf:params:acme:error:alreadyReplaced",
                                "detail": "the certificate was already replaced",
                                "status": 409}).encode()]
    return a2c.application(environ, start_response)

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        with open(os.path.join(d, "requests.log"), "a") as f:
            f.write((args[0] % args[1:]) + "\n")

port = int(os.environ.get("A2C_PORT", "0"))
server = make_server("127.0.0.1", port, app, handler_class=Quiet)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(os.path.join(d, "tls.pem"), os.path.join(d, "tls.key"))
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()

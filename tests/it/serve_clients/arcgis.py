# Driven by tests/serve_clients.rs against csrkit serve (TLS verified: REQUESTS_CA_BUNDLE / SSL_CERT_FILE).
import json, sys
from arcgis.gis import GIS
url, user, pw, step = sys.argv[1:5]
out = {}
if step == "wrong":
    try:
        GIS(url, user, "wrong-password", use_gen_token=True)
        out["wrong"] = "accepted"
    except Exception as e:
        out["wrong"] = type(e).__name__
    print(json.dumps(out)); sys.exit(0)
gis = GIS(url, user, pw, use_gen_token=True)
ssl = gis.admin.security.ssl
if step == "csr":
    out["generated"] = ssl.generate("web", "web.example.com", "Example", key_algorithm="RSA", validity=90, key_size=2048, signature_algorithm="SHA256withRSA")
cert = ssl.get("web")
out["alias"] = cert.properties["aliasName"] if hasattr(cert, "properties") else None
csr = cert.generate_csr()
out["csr"] = csr
if step == "import":
    leaf_path = sys.argv[5]
    out["imported"] = cert.import_signed_certificate(leaf_path)
    out["updated"] = ssl.update("web", "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
print(json.dumps(out, default=str))

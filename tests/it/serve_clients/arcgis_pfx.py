# Driven by tests/serve_clients.rs against csrkit serve (TLS verified: REQUESTS_CA_BUNDLE / SSL_CERT_FILE).
# Each further argument is ALIAS:PASSWORD:PATH, imported with import_server_certificate.
import json, sys
from arcgis.gis import GIS
url, user, pw = sys.argv[1:4]
gis = GIS(url, user, pw, use_gen_token=True)
ssl = gis.admin.security.ssl
out = {}
for spec in sys.argv[4:]:
    alias, password, path = spec.split(":", 2)
    out[alias] = ssl.import_server_certificate(alias, password, path)
out["listed"] = sorted(c.properties["aliasName"] for c in ssl.list(force=True))
print(json.dumps(out, default=str))

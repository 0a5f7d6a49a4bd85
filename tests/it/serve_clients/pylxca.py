# Driven by tests/serve_clients.rs against csrkit serve (TLS verified: REQUESTS_CA_BUNDLE / SSL_CERT_FILE).
import json, sys
from pylxca import connect
url, user, pw = sys.argv[1:4]
out = {}
out["wrong"] = repr(connect(url, user, "wrong-password", "False"))
con = connect(url, user, pw, "False")
out["connected"] = con is not None
s = con.get_session()
base = con.get_url()
csrf = s.cookies.get("csrf")
h = {"X-Csrf-Token": csrf, "Content-Type": "application/json"}
r = s.post(base + "/certificateSigningRequest", json={"CommonName": "lxca.example.com", "Country": "US", "Organization": "Example"}, headers=h, verify=True)
out["post_status"] = r.status_code
out["post"] = r.json()
path = out["post"]["response"]["path"]
r = s.get(base + "/certificateSigningRequest", params={"path": path}, verify=True)
out["pem"] = r.text
r = s.get(base + "/certificateSigningRequest", params={"path": path, "details": "true"}, verify=True)
out["details"] = r.text
# The session's cookies without pylxca's X-Csrf-Token header: refused.
import requests
r = requests.post(base + "/certificateSigningRequest", json={"CommonName": "x.example.com"}, cookies=s.cookies)
out["no_csrf"] = [r.status_code, r.json()["result"]]
print(json.dumps(out))

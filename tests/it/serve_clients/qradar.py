# Driven by tests/serve_clients.rs against csrkit serve (TLS verified: REQUESTS_CA_BUNDLE / SSL_CERT_FILE).
import json, sys, requests
from qradar import QRadar
url, key = sys.argv[1:3]
out = {}
q = QRadar(url, key, "26.0", requests.Session())
out["id"] = q.post_staged_config_certificates_certificate_signing_request(json={"common_name": "qc.example.com", "purpose": "SERVER", "organization_name": "Example"})
out["list"] = q.get_staged_config_certificates_certificate_signing_request()
# The file: qradar 0.0.4 cannot (it parses every answer as JSON), so plain requests.
r = requests.get(f"{url}/api/staged_config/certificates/certificate_signing_request/{out['id']}",
                 headers={"SEC": key, "Version": "26.0", "Accept": "application/octet-stream"})
out["file_status"] = r.status_code
out["file"] = r.text
try:
    QRadar(url, "wrong-token", "26.0", requests.Session())
    out["wrong"] = "accepted"
except RuntimeError as e:
    out["wrong"] = str(e)
print(json.dumps(out))

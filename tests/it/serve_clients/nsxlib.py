# Driven by tests/serve_clients.rs against csrkit serve (TLS verified: REQUESTS_CA_BUNDLE / SSL_CERT_FILE).
import json, sys
from vmware_nsxlib.v3 import config, NsxLib
host, user, pw, leaf_file, byo_cert, byo_key = sys.argv[1:7]
cfg = config.NsxLibConfig(nsx_api_managers=[host], username=user, password=pw, insecure=False,
                          http_timeout=5, retries=1, max_attempts=1, concurrent_connections=2,
                          cluster_unavailable_retry=False)
lib = NsxLib(cfg)
out = {}
out["health"] = lib.client.get("reverse-proxy/node/health")
leaf = open(leaf_file).read()
cid = lib.trust_management.create_cert(leaf)
out["id"] = cid
out["found"] = lib.trust_management.find_cert_with_pem(leaf)
lib.trust_management.delete_cert(cid)
out["after_delete"] = lib.trust_management.find_cert_with_pem(leaf)
# A key made elsewhere, with its certificate.
cert, key = open(byo_cert).read(), open(byo_key).read()
out["byo_id"] = lib.trust_management.create_cert(cert, private_key=key)
out["byo_found"] = lib.trust_management.find_cert_with_pem(cert)
print(json.dumps(out))

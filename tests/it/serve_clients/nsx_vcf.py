# Driven by tests/serve_clients.rs against csrkit serve (TLS verified: REQUESTS_CA_BUNDLE / SSL_CERT_FILE).
import json, sys, requests
from vmware.vapi.lib import connect
from vmware.vapi.security.user_password import create_user_password_security_context
from vmware.vapi.stdlib.client.factories import StubConfigurationFactory
from vcf.nsx.policy.api.v1.infra_client import Csrs
from vcf.nsx.model_client import TlsCsr, TlsTrustData, Principal, KeyValue
url, user, pw, step, name = sys.argv[1:6]
def client(password):
    s = requests.session()
    c = connect.get_requests_connector(session=s, msg_protocol="rest", url=url)
    cfg = StubConfigurationFactory.new_std_configuration(c)
    c.set_security_context(create_user_password_security_context(user, password))
    return Csrs(cfg)
csrs = client(pw)
out = {}
if step == "generate":
    body = TlsCsr(subject=Principal(attributes=[KeyValue(key="CN", value="vcf.example.com"), KeyValue(key="O", value="Example")]), algorithm="RSA", key_size=2048, is_ca=False)
    r = csrs.policy_lm_generate_tls_csr(name, body)
    out["generated"] = {"id": r.id, "pem": r.pem_encoded, "revision": r.revision}
    g = csrs.policy_lm_get_tls_csr(name)
    out["got"] = g.pem_encoded
    l = csrs.policy_lm_list_tls_csrs()
    out["listed"] = [x.id for x in l.results]
    try:
        client("wrong-password").policy_lm_get_tls_csr(name)
        out["wrong"] = "accepted"
    except Exception as e:
        out["wrong"] = type(e).__name__
        out["wrong_body"] = (e.to_json() if hasattr(e, "to_json") else str(e))
elif step == "import":
    leaf = open(sys.argv[6]).read()
    c = csrs.policy_lm_import_signed_tls_certificate(name, TlsTrustData(pem_encoded=leaf))
    out["imported"] = {"id": c.id, "resource_type": c.resource_type}
    try:
        csrs.policy_lm_get_tls_csr(name)
        out["after"] = "still there"
    except Exception as e:
        out["after"] = type(e).__name__
        out["after_body"] = (e.to_json() if hasattr(e, "to_json") else str(e))
print(json.dumps(out))

// Driven by tests/serve_clients.rs against csrkit serve (TLS verified: NODE_EXTRA_CA_CERTS).
// @esri/arcgis-rest-request: signIn (generateToken), the CSR with the token
// as a parameter, and the documented error bodies raising their errors.
import { ArcGISIdentityManager, request } from "@esri/arcgis-rest-request";
const [portal, user, pw] = process.argv.slice(2);
const out = {};
try {
  await ArcGISIdentityManager.signIn({ username: user, password: "wrong-password", portal: `${portal}/sharing/rest` });
  out.wrong = "accepted";
} catch (e) {
  out.wrong = `${e.name} ${e.code}`;
}
const session = await ArcGISIdentityManager.signIn({ username: user, password: pw, portal: `${portal}/sharing/rest` });
const token = await session.getToken(`${portal}/sharing/rest`);
const certs = `${portal}/portaladmin/security/sslCertificates`;
out.list = await request(certs, { httpMethod: "GET", params: { token } });
const csr = await request(`${certs}/web/generateCsr`, { httpMethod: "GET", params: { token } });
out.csr = csr.certificateSigningRequest;
try {
  await request(`${certs}/nope/generateCsr`, { httpMethod: "GET", params: { token } });
  out.missing = "no error";
} catch (e) {
  out.missing = `${e.name} ${e.code}`;
}
try {
  await request(certs, { httpMethod: "GET", params: { token: "forged" } });
  out.forged = "no error";
} catch (e) {
  out.forged = `${e.name} ${e.code}`;
}
console.log(JSON.stringify(out));

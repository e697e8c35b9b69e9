// sdk_check.js: cross-check the simulator with the official tencentcloud-sdk-nodejs-common CommonClient.
// usage: NODE_PATH=.../node_modules NODE_EXTRA_CA_CERTS=ca.pem node sdk_check.js READY_FILE
// Prints "N passed, N failed"; exit status 1 on any failure.
"use strict";

const fs = require("fs");
const http = require("http");
const https = require("https");
const { CommonClient } = require("tencentcloud-sdk-nodejs-common");
const { HttpConnection } = require("tencentcloud-sdk-nodejs-common/tencentcloud/common/http/http_connection");

const MAIN = ["AKIDsimTEST0000000000000000000000001", "simSecretKey00000000000000000001"];
const VIP = "198.18.0.100";
const FREE = "198.18.0.101";
const HOST = "vpc.tencentcloudapi.com";

const ready = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let passed = 0;
let failed = 0;

function check(name, cond, detail) {
  if (cond) {
    passed++;
  } else {
    failed++;
    console.log("FAIL: " + name + (detail === undefined ? "" : " " + JSON.stringify(detail)));
  }
}

// The real API host name resolves to the simulator: the SDK takes the service name
// from the endpoint's first label and signs its host name, so keep the real name.
function lookup(hostname, opts, cb) {
  if (typeof opts === "function") {
    cb = opts;
    opts = {};
  }
  if (opts && opts.all) cb(null, [{ address: "127.0.0.1", family: 4 }]);
  else cb(null, "127.0.0.1", 4);
}
const agent = new https.Agent({ keepAlive: true, lookup });

function client(secretId, secretKey, extra) {
  const profile = {
    httpProfile: { endpoint: HOST + ":" + ready.api_port, agent, reqTimeout: 10 },
  };
  Object.assign(profile, extra || {});
  return new CommonClient(HOST, "2017-03-12", {
    credential: { secretId, secretKey, token: (extra && extra.token) || undefined },
    region: "ap-guangzhou",
    profile,
  });
}

function metaGet(path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port: ready.meta_port, path, timeout: 5000 }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      })
      .on("error", reject);
  });
}

async function holderOf(ip) {
  const st = JSON.parse((await metaGet("/_sim/state")).body);
  return st.holders[ip] || null;
}

async function errCode(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    return e.code || e.message;
  }
}

async function waitTask(c, taskId) {
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const r = await c.request("DescribeVpcTaskResult", { TaskId: taskId });
    if (r.Status !== "RUNNING") return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  return {};
}

async function main() {
  const c = client(MAIN[0], MAIN[1]);

  const d1 = await c.request("DescribeNetworkInterfaces", {
    Filters: [{ Name: "attachment.instance-id", Values: ["ins-simnodea"] }],
  });
  check("DescribeNetworkInterfaces by instance", d1.TotalCount === 1 &&
        d1.NetworkInterfaceSet[0].NetworkInterfaceId === "eni-simnodea", d1);
  check("RequestId present", typeof d1.RequestId === "string" && d1.RequestId.length > 0);

  const d2 = await c.request("DescribeNetworkInterfaces", {
    Filters: [
      { Name: "address-ip", Values: [VIP] },
      { Name: "ip-exact-match", Values: ["true"] },
    ],
  });
  check("holder lookup", d2.TotalCount === 1 && d2.NetworkInterfaceSet[0].NetworkInterfaceId === "eni-simnodeb", d2);

  const m = await c.request("MigratePrivateIpAddress", {
    SourceNetworkInterfaceId: "eni-simnodeb",
    DestinationNetworkInterfaceId: "eni-simnodea",
    PrivateIpAddress: VIP,
  });
  check("MigratePrivateIpAddress accepted", typeof m.RequestId === "string", m);
  const t = await waitTask(c, m.RequestId);
  check("migrate task SUCCESS", t.Status === "SUCCESS", t);
  check("sim state changed (VIP on eni-simnodea)", (await holderOf(VIP)) === "eni-simnodea");

  const a = await c.request("AssignPrivateIpAddresses", {
    NetworkInterfaceId: "eni-simnodeb",
    PrivateIpAddresses: [{ PrivateIpAddress: FREE }],
  });
  check("AssignPrivateIpAddresses accepted", a.PrivateIpAddressSet && a.PrivateIpAddressSet[0].PrivateIpAddress === FREE, a);
  check("assign task SUCCESS", (await waitTask(c, a.RequestId)).Status === "SUCCESS");
  check("sim state changed (assigned IP on eni-simnodeb)", (await holderOf(FREE)) === "eni-simnodeb");

  const bad = client(MAIN[0], "wrongSecretKey0000000000000000000");
  check("wrong SecretKey refused", (await errCode(bad.request("DescribeNetworkInterfaces", {}))) ===
        "AuthFailure.SignatureFailure");
  const unknown = client("AKIDnotAKeyAtAll0000000000000000000000", MAIN[1]);
  check("unknown SecretId refused", (await errCode(unknown.request("DescribeNetworkInterfaces", {}))) ===
        "AuthFailure.SecretIdNotFound");
  check("business error surfaces", (await errCode(c.request("MigratePrivateIpAddress", {
    SourceNetworkInterfaceId: "eni-simnodea", DestinationNetworkInterfaceId: "eni-simnodeb",
    PrivateIpAddress: "198.18.0.11" }))) === "UnsupportedOperation.PrimaryIp");

  // temporary credentials from the metadata service, sent as X-TC-Token
  const role = (await metaGet("/latest/meta-data/cam/security-credentials/")).body;
  const cred = JSON.parse((await metaGet("/latest/meta-data/cam/security-credentials/" + role)).body);
  const rc = client(cred.TmpSecretId, cred.TmpSecretKey, { token: cred.Token });
  const d3 = await rc.request("DescribeNetworkInterfaces", { Limit: 1 });
  check("role credentials with token", d3.TotalCount === 3 && d3.NetworkInterfaceSet.length === 1, d3);
  const rnt = client(cred.TmpSecretId, cred.TmpSecretKey);
  check("role credentials without token refused",
        (await errCode(rnt.request("DescribeNetworkInterfaces", {}))) === "AuthFailure.TokenFailure");

  // the SDK's older HmacSHA256 signer on the legacy API 2.0 path
  // (its response parser expects API 3 JSON, so the SDK's own HttpConnection sends it)
  const legacy = client(MAIN[0], MAIN[1], { signMethod: "HmacSHA256" });
  legacy.path = "/v2/index.php";
  let l;
  try {
    const params = await legacy.formatRequestData("DescribeNetworkInterfaces",
      legacy.mergeData({ vpcId: "vpc-sim00001", instanceId: "ins-simnodeb" }));
    const res = await HttpConnection.doRequest({
      method: "POST", url: "https://" + legacy.endpoint + legacy.path, data: params,
      timeout: 10000, headers: {}, agent });
    l = await res.json();
  } catch (e) {
    l = { error: String(e) };
  }
  check("legacy HmacSHA256 signature accepted", l && l.code === 0 && l.data && l.data.totalNum === 1, l);

  agent.destroy();
}

main()
  .catch((e) => {
    failed++;
    console.log("FAIL: exception " + (e && e.stack ? e.stack : e));
  })
  .finally(() => {
    console.log(passed + " passed, " + failed + " failed");
    process.exitCode = failed ? 1 : 0;
  });

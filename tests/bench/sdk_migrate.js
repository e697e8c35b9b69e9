// sdk_migrate.js: benchmark contender: "vip migrate" as a user of the official Node SDK (tencentcloud-sdk-nodejs-common) writes it.
// usage: NODE_PATH=.../node_modules NODE_EXTRA_CA_CERTS=ca.pem node sdk_migrate.js CONFIG.json
// CONFIG (JSON, mode 0600, it holds the key): endpoint "HOST:PORT", api_addr (where HOST resolves), region,
// vpc, vip, eni (this node's ENI, configured as a user of the SDK would), secret_id, secret_key.
// Same work as `tcvip vip migrate`: find the holder, migrate, poll the task, confirm. Exit 0 done, 1 failed.
// The only non-user code: a DNS lookup that sends the real API host name to the simulator; the agent
// keeps connections alive, as Node's default global agent does since Node 19.
"use strict";

const fs = require("fs");
const https = require("https");
const { CommonClient } = require("tencentcloud-sdk-nodejs-common");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

function lookup(hostname, opts, cb) {
  if (typeof opts === "function") {
    cb = opts;
    opts = {};
  }
  if (opts && opts.all) cb(null, [{ address: cfg.api_addr, family: 4 }]);
  else cb(null, cfg.api_addr, 4);
}
const agent = new https.Agent({ keepAlive: true, lookup });

const client = new CommonClient("vpc.tencentcloudapi.com", "2017-03-12", {
  credential: { secretId: cfg.secret_id, secretKey: cfg.secret_key },
  region: cfg.region,
  profile: { httpProfile: { endpoint: cfg.endpoint, agent, reqTimeout: 3 } },
});

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

async function holderOf(vip) {
  const r = await client.request("DescribeNetworkInterfaces", {
    Filters: [
      { Name: "vpc-id", Values: [cfg.vpc] },
      { Name: "address-ip", Values: [vip] },
      { Name: "ip-exact-match", Values: ["true"] },
    ],
  });
  for (const eni of r.NetworkInterfaceSet) {
    for (const ip of eni.PrivateIpAddressSet) {
      if (ip.PrivateIpAddress === vip && ip.State === "AVAILABLE") return eni.NetworkInterfaceId;
    }
  }
  return null;
}

async function waitTask(taskId) {
  const end = Date.now() + 30000;
  for (let delay = 0; Date.now() < end; delay = Math.min(delay ? delay * 2 : 50, 1000)) {
    await sleep(delay);
    const r = await client.request("DescribeVpcTaskResult", { TaskId: taskId });
    if (r.Status !== "RUNNING") return r.Status;
  }
  return "TIMEOUT";
}

async function main() {
  const holder = await holderOf(cfg.vip);
  if (holder === cfg.eni) return 0;
  let r;
  if (holder === null) {
    r = await client.request("AssignPrivateIpAddresses", {
      NetworkInterfaceId: cfg.eni,
      PrivateIpAddresses: [{ PrivateIpAddress: cfg.vip }],
    });
  } else {
    r = await client.request("MigratePrivateIpAddress", {
      SourceNetworkInterfaceId: holder,
      DestinationNetworkInterfaceId: cfg.eni,
      PrivateIpAddress: cfg.vip,
    });
  }
  const status = await waitTask(r.RequestId);
  if (status !== "SUCCESS") throw new Error("task " + r.RequestId + " ended " + status);
  if ((await holderOf(cfg.vip)) !== cfg.eni) throw new Error("VIP not on " + cfg.eni + " after the task");
  return 0;
}

main()
  .then((rc) => {
    process.exitCode = rc;
  })
  .catch((e) => {
    console.error("sdk_migrate: " + (e && e.code ? e.code + ": " : "") + (e && e.message ? e.message : e));
    process.exitCode = 1;
  })
  .finally(() => agent.destroy());

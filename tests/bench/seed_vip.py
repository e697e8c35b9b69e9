#!/usr/bin/env python3
# seed_vip.py: benchmark contender: the seed kit's vip.py migrate/query flow in Python 3 (stdlib only), API 3 signing.
"""usage: seed_vip.py CONFIG.json migrate|query

A transcription of the vip.py that Tencent Cloud published with its keepalived HA kit
("VPC内通过keepalived搭建高可用主备集群", step 6, in tencentyun/qcloud-documents). The
original is Python 2 on the QcloudApi SDK (API 2.0, HmacSHA256). Kept as published:
  - the 0.5 s sleep before anything else;
  - get_ip(): a shell pipeline (`ip addr show dev IF | grep IP | awk | awk`), run twice,
    to check that the NIC still has its primary IP;
  - the query-then-call loop: queryVip() (DescribeNetworkInterfaces of THIS ENI, VIP in
    its address list?), re-read /var/keepalived/state (must be MASTER), then
    MigratePrivateIpAddress from the fixed peer ENI; up to 4 tries 2 s apart;
  - a last queryVip() whose answer is only logged;
  - a new SDK client, a new HTTPS connection and a new TLS context for every call (the
    QcloudApi SDK opened one connection per request);
  - queryVip() answers "true" on any error (a seed bug, kept).
Changed: API 3.0 (TC3-HMAC-SHA256, JSON) instead of API 2.0; settings come from CONFIG
instead of being edited into the script; the seed has no numeric-code equivalent for its
`code == 6300` break in API 3, so any error is retried like other codes. The seed never
polls the migrate task: neither does this. Bench-only addition: the exit status is 1
when the last query does not answer "true" (the seed always exited 0).

CONFIG (JSON, mode 0600, it holds the key): endpoint "HOST:PORT", ca_file, region, vip,
this_eni, that_eni, interface {"name": IP}, state_file, log_file, secret_id, secret_key.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import os
import ssl
import sys
import time

CFG = {}
LOG = None


def get_now_time():
    return time.strftime('[%Y-%m-%d %H:%M:%S]', time.localtime(time.time())) + '[pid' + str(os.getpid()) + ']'


def log_write(message=''):
    LOG.write(get_now_time() + " " + str(message) + "\n")


def get_ip():
    name, ip = list(CFG["interface"].items())[0]
    f = os.popen('ip addr show dev %s | grep %s | awk \'{print $2}\' | awk -F/ \'{print $1}\'' % (name, ip))
    return f.read().strip()


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


class QcloudApi:
    """The SDK object of the seed, reduced to what vip.py used: generateUrl() and call()."""

    def __init__(self, module, config):
        self.module = module
        self.config = config
        host, _, port = config["endpoint"].partition(":")
        self.host, self.port = host, int(port or 443)

    def _signed(self, action, params):
        body = json.dumps(params)
        ts = int(time.time())
        date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
        ctype = "application/json; charset=utf-8"
        creq = "POST\n/\n\ncontent-type:%s\nhost:%s\n\ncontent-type;host\n%s" % (
            ctype, self.host, hashlib.sha256(body.encode("utf-8")).hexdigest())
        scope = "%s/%s/tc3_request" % (date, self.module)
        sts = "TC3-HMAC-SHA256\n%d\n%s\n%s" % (ts, scope, hashlib.sha256(creq.encode("utf-8")).hexdigest())
        k = _hmac(("TC3" + self.config["secretKey"]).encode("utf-8"), date)
        k = _hmac(_hmac(k, self.module), "tc3_request")
        sig = hmac.new(k, sts.encode("utf-8"), hashlib.sha256).hexdigest()
        headers = {
            "Authorization": "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=content-type;host, Signature=%s"
                             % (self.config["secretId"], scope, sig),
            "Content-Type": ctype, "Host": "%s:%d" % (self.host, self.port),
            "X-TC-Action": action, "X-TC-Version": "2017-03-12", "X-TC-Timestamp": str(ts),
            "X-TC-Region": self.config["Region"]}
        return body, headers

    def generateUrl(self, action, params):
        # API 3 signs headers, not a URL: the seed only logged this string.
        self._signed(action, params)
        return "https://%s:%d/ %s" % (self.host, self.port, action)

    def call(self, action, params):
        body, headers = self._signed(action, params)
        ctx = ssl.create_default_context(cafile=self.config["ca_file"])
        conn = http.client.HTTPSConnection(self.host, self.port, timeout=10, context=ctx)
        try:
            conn.request("POST", "/", body=body.encode("utf-8"), headers=headers)
            return conn.getresponse().read().decode("utf-8")
        finally:
            conn.close()


def api_config():
    return {"Region": CFG["region"], "secretId": CFG["secret_id"], "secretKey": CFG["secret_key"],
            "method": "post", "endpoint": CFG["endpoint"], "ca_file": CFG["ca_file"]}


def migrateVip():
    module = 'vpc'
    action = 'MigratePrivateIpAddress'
    params = {
        'SourceNetworkInterfaceId': CFG["that_eni"],
        'DestinationNetworkInterfaceId': CFG["this_eni"],
        'PrivateIpAddress': CFG["vip"],
    }
    config = api_config()
    log_write(sys.argv[2])
    log_write(" try set vip.")
    retry_times_when_mgr_ip_got = 4
    exceptimes = 0
    get_ip_times = 0
    time.sleep(0.5)
    while get_ip_times < 5:
        log_write(" get_ip=" + get_ip())
        if get_ip() == list(CFG["interface"].values())[0]:
            log_write(" now set vip.")
            try:
                service = QcloudApi(module, config)
                ret = service.generateUrl(action, params)
                log_write(" generateUrl ret " + ret)
                i = 0
                while i < retry_times_when_mgr_ip_got:
                    check_vip_str = queryVip()
                    if check_vip_str == "true":
                        break
                    with open(CFG["state_file"]) as state_file:
                        state = state_file.readline()
                    if state != 'MASTER':
                        break
                    ret = service.call(action, params)
                    ret_json = json.loads(ret)
                    log_write(" call ret " + ret)
                    if "Error" not in ret_json.get("Response", {}):
                        log_write(" set done")
                        break
                    i = i + 1
                    time.sleep(2)
                if i >= retry_times_when_mgr_ip_got:
                    log_write(" set vip failed")
                break
            except Exception as e:
                log_write(' exception:' + str(e))
                exceptimes = exceptimes + 1
                if exceptimes > 3:
                    break
        time.sleep(0.5)
        get_ip_times = get_ip_times + 1
    last = queryVip()
    log_write("vip.py checks vip: is this cvm holding the vip? " + last)
    return last


def queryVip():
    module = 'vpc'
    action = 'DescribeNetworkInterfaces'
    params = {"NetworkInterfaceIds": [CFG["this_eni"]]}
    result = 'true'
    return_json_str = None
    try:
        service = QcloudApi(module, api_config())
        service.generateUrl(action, params)
        ret = service.call(action, params)
        return_json_str = ret
        resp = json.loads(ret)["Response"]
        if "Error" not in resp:
            eni_data = resp['NetworkInterfaceSet'][0]['PrivateIpAddressSet']
            privateIpAddressSet = set([k['PrivateIpAddress'] for k in eni_data])
            if len(privateIpAddressSet) > 0 and CFG["vip"] not in privateIpAddressSet:
                log_write(" vip not in master in qcloud")
                result = 'false'
        else:
            log_write("call ret: " + return_json_str)
            log_write("attempt query vip failed")
    except Exception as e:
        log_write("call ret: " + str(return_json_str))
        log_write(' exception:' + str(e))
    return result


def main():
    global LOG
    if len(sys.argv) != 3 or sys.argv[2] not in ("migrate", "query"):
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1]) as f:
        CFG.update(json.load(f))
    LOG = open(CFG["log_file"], 'a+')
    try:
        if sys.argv[2] == 'migrate':
            ok = migrateVip() == "true"
            log_write()
            return 0 if ok else 1
        print(queryVip())
        return 0
    finally:
        LOG.close()


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env python3
# selftest.py: self test of the simulator, run by test_sim.sh against a live sim.py (prints "N passed, N failed").
"""usage: selftest.py --ready READY_FILE --certs CERT_DIR"""

import argparse
import email.utils
import hashlib
import http.client
import json
import os
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True     # keep __pycache__ out of the work tree
import sim as S          # noqa: E402  (the verifier, for the published vectors)
import tcsign            # noqa: E402  (the independent test signer)

MAIN_ID, MAIN_KEY = "AKIDsimTEST0000000000000000000000001", "simSecretKey00000000000000000001"
RO_ID, RO_KEY = "AKIDsimRDONLY000000000000000000000002", "simSecretKey00000000000000000002"
VIP, FREE = "198.18.0.100", "198.18.0.101"
ENI_A, ENI_B, ENI_C = "eni-simnodea", "eni-simnodeb", "eni-simnodec"


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s %s" % (name, detail if detail else ""))
        return cond


T = Checks()
check = T.check


def code_of(obj):
    return obj.get("Response", {}).get("Error", {}).get("Code")


class Env:
    def __init__(self, ready, certs):
        with open(ready) as f:
            r = json.load(f)
        self.api_port, self.meta_port = r["api_port"], r["meta_port"]
        self.ca = os.path.join(certs, "ca.pem")
        self.meta = "http://127.0.0.1:%d" % self.meta_port

    def ctl(self, path, obj=None):
        data = None if obj is None else json.dumps(obj).encode()
        req = urllib.request.Request(self.meta + path, data=data, method="GET" if obj is None else "POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read().decode())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode() or "{}")

    def md(self, path):
        try:
            with urllib.request.urlopen(self.meta + "/latest/meta-data/" + path, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, ""

    def api(self, secret_id=MAIN_ID, secret_key=MAIN_KEY, token=None, host="vpc.tencentcloudapi.com"):
        return tcsign.Api3("127.0.0.1", self.api_port, self.ca, secret_id, secret_key, token, host=host)

    def api2(self, action, params, **kw):
        kw.setdefault("secret_id", MAIN_ID)
        kw.setdefault("secret_key", MAIN_KEY)
        sid, key = kw.pop("secret_id"), kw.pop("secret_key")
        return tcsign.api2_call("127.0.0.1", self.api_port, self.ca, sid, key, action, params, **kw)

    def holder(self, ip):
        _, st = self.ctl("/_sim/state")
        return st["holders"].get(ip)


def test_vectors():
    payload = r'{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}'.encode()
    check("vector payload length", len(payload) == 86)
    check("vector payload hash", hashlib.sha256(payload).hexdigest() ==
          "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
    sid, key, ts, host = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", 1551113065, "cvm.tencentcloudapi.com"
    check("vector utc date", S.utc_date(ts) == "2019-02-25")
    hdr1 = [("content-type", "application/json; charset=utf-8"), ("host", host)]
    c1 = S.tc3_canonical_request("POST", "/", "", hdr1, "content-type;host", payload)
    check("T1 canonical (sim)", S.sha256_hex(c1) == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
    s1 = S.tc3_signature(key, "2019-02-25", "cvm", S.tc3_string_to_sign(ts, "2019-02-25", "cvm", c1))
    check("T1 signature (sim)", s1 == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
    a1, cr1 = tcsign.tc3_authorization(sid, key, host, payload, ts, "cvm", "application/json; charset=utf-8")
    check("T1 authorization (tcsign)", a1 == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168", a1)
    check("T1 canonical (tcsign)", cr1 == c1)
    hdr2 = hdr1 + [("x-tc-action", "describeinstances")]
    c2 = S.tc3_canonical_request("POST", "/", "", hdr2, "content-type;host;x-tc-action", payload)
    check("T2 canonical (sim)", S.sha256_hex(c2) == "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84")
    s2 = S.tc3_signature(key, "2019-02-25", "cvm", S.tc3_string_to_sign(ts, "2019-02-25", "cvm", c2))
    check("T2 signature (sim)", s2 == "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26")
    a2, _ = tcsign.tc3_authorization(sid, key, host, payload, ts, "cvm", "application/json; charset=utf-8",
                                     {"x-tc-action": "DescribeInstances"})
    check("T2 signature (tcsign)", a2.endswith("Signature=644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26"))
    star = "*" * 32
    kd = S._hmac256(("TC3" + star).encode(), "2019-02-25")
    ks = S._hmac256(kd, "cvm")
    kg = S._hmac256(ks, "tc3_request")
    check("T3 SecretDate", kd.hex() == "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0")
    check("T3 SecretService", ks.hex() == "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f")
    check("T3 SecretSigning", kg.hex() == "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af")
    s3 = S.tc3_signature(star, "2019-02-25", "cvm", S.tc3_string_to_sign(ts, "2019-02-25", "cvm", c2))
    check("T3 signature", s3 == "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f")
    lp = {"Action": "DescribeInstances", "Nonce": "1290303896666895346", "Region": "ap-guangzhou",
          "SecretId": "secretIdFoo", "SignatureMethod": "HmacSHA1", "Timestamp": "1512393162",
          "Version": "2017-03-12"}
    for name, method, smethod, want in (("L1", "POST", "HmacSHA1", "p3n+pxBqF5JGZtDSxoVn5tGngf0="),
                                        ("L2", "GET", "HmacSHA1", "5HAq1BOKNLEE2/uauWnp6Zv9Z3c="),
                                        ("L3", "POST", "HmacSHA256", "B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=")):
        p = dict(lp, SignatureMethod=smethod)
        got = S.legacy_signature("secretKeyBar", S.legacy_string_to_sign(method, "cvm.api.qcloud.com", "/v2/index.php", p), smethod)
        check(name + " (sim)", got == want, got)
        check(name + " (tcsign)", tcsign.legacy_sign("secretKeyBar", method, "cvm.api.qcloud.com", "/v2/index.php", p, smethod) == want)
    l4 = {"Action": "DescribeInstances", "InstanceIds.0": "ins-09dx96dg", "Limit": "20", "Nonce": "11886",
          "Offset": "0", "Region": "ap-guangzhou", "SecretId": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
          "Timestamp": "1465185768", "Version": "2017-03-12"}
    s4 = S.legacy_string_to_sign("GET", "cvm.tencentcloudapi.com", "/", l4)
    check("L4 string", s4 == "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12")
    check("L4 signature", S.legacy_signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", s4) == "EliP9YW3pW28FpsEdkXt/+WcGeI=")
    check("host without port", S.host_without_port("vpc.tencentcloudapi.com:8443") == "vpc.tencentcloudapi.com"
          and S.host_without_port("vpc.tencentcloudapi.com") == "vpc.tencentcloudapi.com")


def test_metadata(e):
    check("md instance-id", e.md("instance-id") == (200, "ins-simnodea"))
    # MACs: upper case in metadata answers and paths (world file spells ins-simnodea's in lower case)
    check("md mac upper-case", e.md("mac") == (200, "52:54:00:00:00:0A"))
    check("md local-ipv4", e.md("local-ipv4") == (200, "198.18.0.11"))
    check("md region", e.md("placement/region") == (200, "ap-guangzhou"))
    check("md zone", e.md("placement/zone") == (200, "ap-guangzhou-3"))
    base = "network/interfaces/macs/52:54:00:00:00:0A/"
    check("md vpc-id (upper-case MAC path)", e.md(base + "vpc-id") == (200, "vpc-sim00001"))
    check("md lower-case MAC path 404", e.md("network/interfaces/macs/52:54:00:00:00:0a/vpc-id")[0] == 404)
    check("md lower-case MAC dir 404", e.md("network/interfaces/macs/52:54:00:00:00:0a/")[0] == 404)
    check("md subnet-id", e.md(base + "subnet-id") == (200, "subnet-sim00001"))
    check("md macs/MAC/mac", e.md(base + "mac") == (200, "52:54:00:00:00:0A"))
    check("md primary-local-ipv4", e.md(base + "primary-local-ipv4") == (200, "198.18.0.11"))
    check("md local-ipv4s/ is a directory", e.md(base + "local-ipv4s/") == (200, "198.18.0.11/"))
    check("md local-ipv4s without slash 404", e.md(base + "local-ipv4s")[0] == 404)
    check("md local-ipv4s/IP/local-ipv4", e.md(base + "local-ipv4s/198.18.0.11/local-ipv4") == (200, "198.18.0.11"))
    check("md local-ipv4s/IP/gateway", e.md(base + "local-ipv4s/198.18.0.11/gateway") == (200, "198.18.0.1"))
    check("md local-ipv4s/IP/subnet-mask", e.md(base + "local-ipv4s/198.18.0.11/subnet-mask") == (200, "255.255.255.0"))
    check("md undocumented vpc-cidr-block 404", e.md(base + "vpc-cidr-block")[0] == 404)
    check("md macs listing trailing slash", e.md("network/interfaces/macs/") == (200, "52:54:00:00:00:0A/"))
    check("md macs without slash 404", e.md("network/interfaces/macs")[0] == 404)
    check("md path case-sensitive", e.md("Instance-Id")[0] == 404)
    check("md role name", e.md("cam/security-credentials/") == (200, "tcvip-role"))
    st, text = e.md("cam/security-credentials/tcvip-role")
    cred = json.loads(text) if st == 200 else {}
    check("md role json", st == 200 and cred.get("Code") == "Success" and cred.get("TmpSecretId", "").startswith("AKID")
          and cred.get("Token") and isinstance(cred.get("ExpiredTime"), int) and cred.get("Expiration", "").endswith("Z"))
    check("md wrong role 404", e.md("cam/security-credentials/nope")[0] == 404)
    check("md unknown 404", e.md("no/such/path")[0] == 404)
    check("md mixed-case mac 404", e.md("network/interfaces/macs/52:54:00:00:00:0a/VPC-ID")[0] == 404)
    st, _ = e.ctl("/_sim/meta_instance", {"id": "ins-simnodeb"})
    check("md switch instance", st == 200 and e.md("instance-id") == (200, "ins-simnodeb"))
    # ins-simnodeb's MAC is upper case in the world file: same answers
    check("md mac (world upper-case)", e.md("mac") == (200, "52:54:00:00:00:0B"))
    check("md secondary listed", e.md("network/interfaces/macs/52:54:00:00:00:0B/local-ipv4s/") == (200, "198.18.0.12/\n198.18.0.100/"))
    check("md unknown instance 400", e.ctl("/_sim/meta_instance", {"id": "ins-nope0000"})[0] == 400)
    e.ctl("/_sim/meta_instance", {"id": "ins-simnodea"})
    return cred


def test_describe(e):
    a = e.api()
    st, hdrs, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "attachment.instance-id", "Values": ["ins-simnodea"]}]})
    r = obj["Response"]
    check("describe by instance", st == 200 and r.get("TotalCount") == 1 and r["NetworkInterfaceSet"][0]["NetworkInterfaceId"] == ENI_A, obj)
    eni = r["NetworkInterfaceSet"][0]
    check("describe mac upper-case", eni["MacAddress"] == "52:54:00:00:00:0A")
    check("describe fields", eni["VpcId"] == "vpc-sim00001" and eni["SubnetId"] == "subnet-sim00001" and eni["Primary"] is True
          and eni["Attachment"]["InstanceId"] == "ins-simnodea" and eni["PrivateIpAddressSet"][0]["Primary"] is True
          and eni["PrivateIpAddressSet"][0]["State"] == "AVAILABLE" and isinstance(r.get("RequestId"), str))
    check("Date header", "Date" in hdrs and email.utils.parsedate_to_datetime(hdrs["Date"]) is not None)
    check("Content-Length header", int(hdrs.get("Content-Length", "-1")) > 0)
    sock1 = a.conn.sock
    exact = [{"Name": "address-ip", "Values": [VIP]}, {"Name": "ip-exact-match", "Values": ["true"]},
             {"Name": "vpc-id", "Values": ["vpc-sim00001"]}]
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": exact})
    r = obj["Response"]
    check("describe holder exact", r.get("TotalCount") == 1 and r["NetworkInterfaceSet"][0]["NetworkInterfaceId"] == ENI_B, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.1"]}]})
    check("describe fuzzy address-ip", obj["Response"].get("TotalCount") == 2, obj)
    # one address-ip value is a prefix (suffix wildcard), not a substring
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["18.0.1"]}]})
    check("address-ip single value is a prefix, not a substring", obj["Response"].get("TotalCount") == 0, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.10"]}]})
    check("address-ip prefix 198.18.0.10 matches .100", obj["Response"].get("TotalCount") == 1
          and obj["Response"]["NetworkInterfaceSet"][0]["NetworkInterfaceId"] == ENI_B, obj)
    # several address-ip values match exactly, even without ip-exact-match
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.1", "198.18.0.10"]}]})
    check("address-ip multi values exact", obj["Response"].get("TotalCount") == 0, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.11", "198.18.0.12"]}]})
    check("address-ip multi values exact hits", obj["Response"].get("TotalCount") == 2, obj)
    # ip-exact-match: only its first value counts
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.1"]},
                                                                 {"Name": "ip-exact-match", "Values": ["false", "true"]}]})
    check("ip-exact-match first value only", obj["Response"].get("TotalCount") == 2, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.1"]},
                                                                 {"Name": "ip-exact-match", "Values": ["true", "false"]}]})
    check("ip-exact-match true exact", obj["Response"].get("TotalCount") == 0, obj)
    # documented filters are accepted
    for name, vals, want in (("groups.security-group-id", ["sg-f9ekbxeq"], 0), ("network-interface-name", ["x"], 0),
                             ("network-interface-description", ["x"], 0), ("tag-key", ["k"], 0), ("tag:Version", ["1"], 0),
                             ("eni-type", ["1"], 3), ("eni-type", ["0"], 0), ("eni-qos", ["DEFAULT"], 3),
                             ("address-ipv6", ["2001:db8::1"], 0), ("public-address-ip", ["198.19.0.1"], 0),
                             ("address-type", ["GUA"], 0), ("termination-protection", ["false"], 3),
                             ("traffic-protection", ["false"], 3), ("is-primary", ["true"], 3), ("is-primary", ["false"], 0)):
        _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": name, "Values": vals}]})
        check("documented filter %s=%s" % (name, vals), code_of(obj) is None and obj["Response"].get("TotalCount") == want, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "VPC-ID", "Values": ["vpc-sim00001"]}]})
    check("filter names case-sensitive", code_of(obj) == "InvalidParameter.FilterInvalidKey", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Limit": 100})
    check("describe limit 100 accepted", code_of(obj) is None, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_B]})
    e3 = obj["Response"]["NetworkInterfaceSet"][0]
    check("EniType 1 for a primary ENI", e3["EniType"] == 1 and e3["Primary"] is True, e3)
    check("IP QosLevel DEFAULT", all(i["QosLevel"] == "DEFAULT" for i in e3["PrivateIpAddressSet"]), e3)
    check("world upper-case MAC answered upper-case", e3["MacAddress"] == "52:54:00:00:00:0B", e3)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": ["198.18.0.1", VIP]},
                                                                 {"Name": "ip-exact-match", "Values": ["true"]}]})
    check("describe exact multi", obj["Response"].get("TotalCount") == 1, obj)
    check("keep-alive reused", a.conn is not None and a.conn.sock is sock1)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_C, ENI_A]})
    check("describe by ids", obj["Response"].get("TotalCount") == 2, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Offset": 1, "Limit": 1})
    r = obj["Response"]
    check("describe paging", r.get("TotalCount") == 3 and len(r["NetworkInterfaceSet"]) == 1
          and r["NetworkInterfaceSet"][0]["NetworkInterfaceId"] == ENI_B, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_A], "Filters": []})
    check("describe coexist", code_of(obj) == "InvalidParameter.Coexist", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "bogus", "Values": ["x"]}]})
    check("describe bad filter", code_of(obj) == "InvalidParameter.FilterInvalidKey", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Limit": 101})
    check("describe limit range", code_of(obj) == "InvalidParameterValue.Range", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Bogus": 1})
    check("unknown parameter", code_of(obj) == "UnknownParameter", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Limit": "5"})
    check("int type", code_of(obj) == "InvalidParameter", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, region="ap-shanghai")
    check("other region empty", obj["Response"].get("TotalCount") == 0, obj)
    a.close()


def test_auth(e):
    a = e.api()
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, secret_id="AKIDnope000000000000000000000000000")
    check("SecretIdNotFound", code_of(obj) == "AuthFailure.SecretIdNotFound", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, secret_key="wrong")
    check("SignatureFailure wrong key", code_of(obj) == "AuthFailure.SignatureFailure", obj)
    auth, _ = tcsign.tc3_authorization(MAIN_ID, MAIN_KEY, "vpc.tencentcloudapi.com", b"{}", int(time.time()))
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, body=b'{"Limit":1}', headers={"Authorization": auth})
    check("SignatureFailure tampered body", code_of(obj) == "AuthFailure.SignatureFailure", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, sign_host="vpc.tencentcloudapi.com:%d" % e.api_port)
    check("Host as received (host:port) signed", code_of(obj) is None, obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, host_header="vpc.internal.tencentcloudapi.com")
    check("SignatureFailure other host", code_of(obj) == "AuthFailure.SignatureFailure", obj)
    st, _, obj = a.call("DescribeNetworkInterfaces", {}, host_header="vpc.tencentcloudapi.com")
    check("Host without port accepted", code_of(obj) is None, obj)
    _, hdrs, obj = a.call("DescribeNetworkInterfaces", {}, timestamp=time.time() - 400)
    check("SignatureExpire", code_of(obj) == "AuthFailure.SignatureExpire", obj)
    e.ctl("/_sim/clock", {"offset": 3600})
    _, hdrs, obj = a.call("DescribeNetworkInterfaces", {})
    dt = email.utils.parsedate_to_datetime(hdrs["Date"]).timestamp()
    check("clock offset expires", code_of(obj) == "AuthFailure.SignatureExpire", obj)
    check("Date follows sim clock", abs(dt - (time.time() + 3600)) < 5, hdrs.get("Date"))
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, timestamp=dt)
    check("Date-corrected timestamp ok", code_of(obj) is None, obj)
    e.ctl("/_sim/clock", {"offset": 0})
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, headers={"Authorization": "Basic Zm9vOmJhcg=="})
    check("InvalidAuthorization", code_of(obj) == "AuthFailure.InvalidAuthorization", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, version="2020-01-01")
    check("NoSuchVersion", code_of(obj) == "NoSuchVersion", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, drop=("X-TC-Region",))
    check("missing region", code_of(obj) == "MissingParameter", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {}, drop=("X-TC-Action",))
    check("missing action", code_of(obj) == "MissingParameter", obj)
    _, _, obj = a.call("DeleteVpc", {})
    check("InvalidAction", code_of(obj) == "InvalidAction", obj)
    ro = e.api(RO_ID, RO_KEY)
    _, _, obj = ro.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_B,
                                                    "DestinationNetworkInterfaceId": ENI_A, "PrivateIpAddress": VIP})
    check("UnauthorizedOperation", code_of(obj) == "UnauthorizedOperation", obj)
    _, _, obj = ro.call("DescribeNetworkInterfaces", {})
    check("read-only account describes", code_of(obj) is None, obj)
    ro.close()
    a.close()


def test_role(e, cred):
    r = e.api(cred["TmpSecretId"], cred["TmpSecretKey"])
    _, _, obj = r.call("DescribeNetworkInterfaces", {})
    check("role without token", code_of(obj) == "AuthFailure.TokenFailure", obj)
    _, _, obj = r.call("DescribeNetworkInterfaces", {}, token="wrong-token")
    check("role wrong token", code_of(obj) == "AuthFailure.TokenFailure", obj)
    _, _, obj = r.call("DescribeNetworkInterfaces", {}, token=cred["Token"])
    check("role with token", code_of(obj) is None, obj)
    st, rot = e.ctl("/_sim/role/rotate", {"revoke_old": True})
    _, _, obj = r.call("DescribeNetworkInterfaces", {}, token=cred["Token"])
    check("revoked role creds", st == 200 and code_of(obj) == "AuthFailure.SecretIdNotFound", obj)
    st, text = e.md("cam/security-credentials/tcvip-role")
    new = json.loads(text)
    check("rotated role served", new["TmpSecretId"] == rot["secret_id"] and new["TmpSecretId"] != cred["TmpSecretId"])
    r.close()
    r = e.api(new["TmpSecretId"], new["TmpSecretKey"], new["Token"])
    _, _, obj = r.call("DescribeNetworkInterfaces", {})
    check("rotated role works", code_of(obj) is None, obj)
    r.close()


def wait_task(a, tid, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        _, _, obj = a.call("DescribeVpcTaskResult", {"TaskId": tid})
        if obj["Response"].get("Status") != "RUNNING":
            return obj["Response"]
        time.sleep(0.1)
    return {}


def test_migrate_assign(e):
    a = e.api()
    e.ctl("/_sim/config", {"task_seconds": 0.6})
    mig = {"SourceNetworkInterfaceId": ENI_B, "DestinationNetworkInterfaceId": ENI_A, "PrivateIpAddress": VIP}
    _, _, obj = a.call("MigratePrivateIpAddress", mig)
    tid = obj["Response"].get("RequestId")
    check("migrate accepted", code_of(obj) is None and tid, obj)
    _, st = e.ctl("/_sim/state")
    check("state running task", len(st["running_tasks"]) == 1 and st["running_tasks"][0]["ips"] == [VIP])
    _, _, obj = a.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_B]})
    states = {i["PrivateIpAddress"]: i["State"] for i in obj["Response"]["NetworkInterfaceSet"][0]["PrivateIpAddressSet"]}
    check("ip MIGRATING during task", states.get(VIP) == "MIGRATING", states)
    _, _, obj = a.call("DescribeVpcTaskResult", {"TaskId": tid})
    check("task RUNNING", obj["Response"].get("Status") == "RUNNING", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", mig)
    check("MutexOperationTaskRunning", code_of(obj) == "UnsupportedOperation.MutexOperationTaskRunning", obj)
    res = wait_task(a, tid)
    check("task SUCCESS", res.get("Status") == "SUCCESS" and res.get("Output") == "SUCCESS", res)
    check("holder moved", e.holder(VIP) == ENI_A)
    check("metadata follows", e.md("network/interfaces/macs/52:54:00:00:00:0A/local-ipv4s/") == (200, "198.18.0.11/\n" + VIP + "/"))
    e.ctl("/_sim/config", {"task_seconds": 0})
    _, _, obj = a.call("MigratePrivateIpAddress", mig)
    check("not held by source", code_of(obj) == "UnauthorizedOperation.AttachmentNotFound", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", dict(mig, PrivateIpAddress="198.18.0.12"))
    check("primary IP", code_of(obj) == "UnsupportedOperation.PrimaryIp", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_A, "DestinationNetworkInterfaceId": ENI_C, "PrivateIpAddress": VIP})
    check("cross subnet", code_of(obj) == "UnsupportedOperation", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", dict(mig, PrivateIpAddress="198.18.0.300"))
    check("malformed ip", code_of(obj) == "InvalidParameterValue.Malformed", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", dict(mig, SourceNetworkInterfaceId="eni-zzzzzzzz"))
    check("unknown eni", code_of(obj) == "ResourceNotFound", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_A, "PrivateIpAddress": VIP})
    check("missing parameter", code_of(obj) == "MissingParameter", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_A, "DestinationNetworkInterfaceId": ENI_A, "PrivateIpAddress": VIP})
    check("migrate to itself UnsupportedOperation", code_of(obj) == "UnsupportedOperation", obj)
    _, _, obj = a.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_A, "DestinationNetworkInterfaceId": ENI_B, "PrivateIpAddress": VIP})
    check("migrate back", code_of(obj) is None and wait_task(a, obj["Response"]["RequestId"]).get("Status") == "SUCCESS"
          and e.holder(VIP) == ENI_B, obj)
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": [{"PrivateIpAddress": FREE}]})
    r = obj["Response"]
    check("assign accepted", code_of(obj) is None and r["PrivateIpAddressSet"][0]["PrivateIpAddress"] == FREE, obj)
    check("assign SUCCESS", wait_task(a, r.get("RequestId", "")).get("Status") == "SUCCESS" and e.holder(FREE) == ENI_A)
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": [{"PrivateIpAddress": VIP}]})
    check("assign in use", code_of(obj) == "ResourceInUse", obj)
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": [{"PrivateIpAddress": "198.18.1.50"}]})
    check("assign out of subnet", code_of(obj) == "InvalidParameterValue.Range", obj)
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": [{"PrivateIpAddress": "198.18.0.1"}]})
    check("assign reserved", code_of(obj) == "InvalidParameterValue.Reserved", obj)
    many = [{"PrivateIpAddress": "198.18.0.%d" % i} for i in range(150, 161)]
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": many})
    check("assign more than 10 IPs", code_of(obj) == "InvalidParameterValue.LimitExceeded", obj)
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": [{"PrivateIpAddress": "198.18.0.150", "Primary": True}]})
    check("assign primary refused", code_of(obj) == "UnsupportedOperation", obj)
    _, _, obj = a.call("AssignPrivateIpAddresses", {"NetworkInterfaceId": ENI_A, "SecondaryPrivateIpAddressCount": 1, "QosLevel": "GOLD"})
    check("assign bad QosLevel", code_of(obj) == "InvalidParameterValue.Range", obj)
    e.ctl("/_sim/config", {"task_seconds": 0.6})
    req = {"NetworkInterfaceId": ENI_A, "PrivateIpAddresses": [{"PrivateIpAddress": "198.18.0.150"}], "ClientToken": "tok-0001"}
    _, _, obj = a.call("AssignPrivateIpAddresses", req)
    r1 = obj["Response"]
    check("assign with ClientToken", code_of(obj) is None and r1["PrivateIpAddressSet"][0]["State"] == "PENDING"
          and r1["PrivateIpAddressSet"][0]["QosLevel"] == "DEFAULT", obj)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_A]})
    states = {i["PrivateIpAddress"]: i["State"] for i in obj["Response"]["NetworkInterfaceSet"][0]["PrivateIpAddressSet"]}
    check("ip PENDING during assign task", states.get("198.18.0.150") == "PENDING", states)
    _, _, obj = a.call("AssignPrivateIpAddresses", req)
    check("ClientToken replay idempotent", code_of(obj) is None
          and obj["Response"]["PrivateIpAddressSet"] == r1["PrivateIpAddressSet"], obj)
    _, _, obj = a.call("AssignPrivateIpAddresses", dict(req, PrivateIpAddresses=[{"PrivateIpAddress": "198.18.0.151"}]))
    check("ClientToken mismatch", code_of(obj) == "UnsupportedOperation.IdempotentParameterMismatch", obj)
    check("assign task SUCCESS", wait_task(a, r1.get("RequestId", "")).get("Status") == "SUCCESS" and e.holder("198.18.0.150") == ENI_A)
    e.ctl("/_sim/config", {"task_seconds": 0})
    e.ctl("/_sim/holder", {"ip": "198.18.0.150", "eni": None})
    _, _, obj = a.call("DescribeVpcTaskResult", {"TaskId": "not-a-task-id"})
    check("malformed TaskId InvalidParameterValue", code_of(obj) == "InvalidParameterValue", obj)
    _, _, obj = a.call("DescribeVpcTaskResult", {"TaskId": "00000000-0000-0000-0000-000000000000"})
    check("unknown task", code_of(obj) == "ResourceNotFound", obj)
    st, _ = e.ctl("/_sim/holder", {"ip": FREE, "eni": None})
    check("holder control free", st == 200 and e.holder(FREE) is None)
    _, _, obj = a.call("DescribeNetworkInterfaces", {"Filters": [{"Name": "address-ip", "Values": [FREE]}, {"Name": "ip-exact-match", "Values": ["true"]}]})
    check("freed ip has no holder", obj["Response"].get("TotalCount") == 0, obj)
    st, _ = e.ctl("/_sim/holder", {"ip": VIP, "eni": ENI_C})
    check("holder control refuses other subnet", st == 400)
    st, _ = e.ctl("/_sim/holder", {"ip": "198.18.0.11", "eni": ENI_B})
    check("holder control refuses primary", st == 400)
    a.close()


def raw_exchange(e, action):
    """Send one signed API 3 call on a fresh connection; return (status, body) or the exception name."""
    a = e.api()
    try:
        st, _, data = a.request(action, {})
        return st, data
    except (http.client.HTTPException, OSError) as ex:
        return type(ex).__name__, b""
    finally:
        a.close()


def test_faults(e):
    a = e.api()
    e.ctl("/_sim/fault", {"action": "DescribeNetworkInterfaces", "count": 2, "kind": "error",
                          "code": "RequestLimitExceeded", "message": "slow down"})
    c = [code_of(a.call("DescribeNetworkInterfaces", {})[2]) for _ in range(3)]
    check("fault error x2", c == ["RequestLimitExceeded", "RequestLimitExceeded", None], c)
    e.ctl("/_sim/fault", {"action": "*", "kind": "delay", "seconds": 0.5})
    t0 = time.monotonic()
    _, _, obj = a.call("DescribeNetworkInterfaces", {})
    check("fault delay", time.monotonic() - t0 >= 0.45 and code_of(obj) is None)
    a.close()
    e.ctl("/_sim/fault", {"action": "DescribeNetworkInterfaces", "kind": "drop"})
    st, _ = raw_exchange(e, "DescribeNetworkInterfaces")
    check("fault drop", st in ("RemoteDisconnected", "ConnectionResetError", "BadStatusLine"), st)
    e.ctl("/_sim/fault", {"action": "DescribeNetworkInterfaces", "kind": "http500"})
    st, _ = raw_exchange(e, "DescribeNetworkInterfaces")
    check("fault http500", st == 500, st)
    e.ctl("/_sim/fault", {"action": "DescribeNetworkInterfaces", "kind": "malformed"})
    st, body = raw_exchange(e, "DescribeNetworkInterfaces")
    try:
        json.loads(body.decode())
        bad = False
    except ValueError:
        bad = True
    check("fault malformed", st == 200 and bad, (st, body))
    e.ctl("/_sim/fault", {"action": "DescribeNetworkInterfaces", "kind": "truncated"})
    st, _ = raw_exchange(e, "DescribeNetworkInterfaces")
    check("fault truncated", st == "IncompleteRead", st)
    a = e.api()
    e.ctl("/_sim/fault", {"action": "MigratePrivateIpAddress", "kind": "taskfail", "output": "simulated: ENI busy"})
    _, _, obj = a.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_B, "DestinationNetworkInterfaceId": ENI_A, "PrivateIpAddress": VIP})
    res = wait_task(a, obj["Response"].get("RequestId", ""))
    check("fault taskfail", res.get("Status") == "FAILED" and res.get("Output") == "simulated: ENI busy" and e.holder(VIP) == ENI_B, res)
    e.ctl("/_sim/fault", {"action": "*", "count": 5, "kind": "error", "code": "InternalError"})
    e.ctl("/_sim/fault/clear", {})
    _, _, obj = a.call("DescribeNetworkInterfaces", {})
    check("fault clear", code_of(obj) is None, obj)
    check("bad fault kind", e.ctl("/_sim/fault", {"kind": "explode"})[0] == 400)
    a.close()
    e.ctl("/_sim/fault", {"action": "metadata", "kind": "http500"})
    check("metadata fault", e.md("instance-id")[0] == 500 and e.md("instance-id") == (200, "ins-simnodea"))
    kept = e.api()
    kept.call("DescribeNetworkInterfaces", {})
    e.ctl("/_sim/down", {"seconds": 1.0})
    st, _ = raw_exchange(e, "DescribeNetworkInterfaces")
    check("down drops connections", st not in (200, 500), st)
    try:
        kept.call("DescribeNetworkInterfaces", {})
        dropped = False
    except (http.client.HTTPException, OSError):
        dropped = True
    check("down drops kept-alive connections", dropped)
    kept.close()
    time.sleep(1.1)
    st, _ = raw_exchange(e, "DescribeNetworkInterfaces")
    check("up again", st == 200, st)


def test_api2(e):
    st, obj = e.api2("DescribeNetworkInterfaces", {"vpcId": "vpc-sim00001", "networkInterfaceId": ENI_B})
    d = obj.get("data", {})
    check("api2 describe", st == 200 and obj.get("code") == 0 and obj.get("codeDesc") == "Success"
          and d.get("totalNum") == 1 and d["data"][0]["networkInterfaceId"] == ENI_B, obj)
    item = d["data"][0] if d.get("data") else {}
    check("api2 ip set", [x["privateIpAddress"] for x in item.get("privateIpAddressesSet", [])] == ["198.18.0.12", VIP], item)
    check("api2 instanceSet", item.get("instanceSet", {}).get("instanceId") == "ins-simnodeb", item)
    st, obj = e.api2("DescribeNetworkInterfaces", {"instanceId": "ins-simnodea"}, sig_method="HmacSHA1", method="GET")
    check("api2 GET HmacSHA1", obj.get("code") == 0 and obj["data"]["totalNum"] == 1, obj)
    st, obj = e.api2("DescribeNetworkInterfaces", {}, region="gz")
    check("api2 legacy region alias", obj.get("code") == 0 and obj["data"]["totalNum"] == 3, obj)
    e.ctl("/_sim/config", {"task_seconds": 0.4})
    st, obj = e.api2("MigratePrivateIpAddress", {"vpcId": "vpc-sim00001", "privateIpAddress": VIP,
                                                 "oldNetworkInterfaceId": ENI_B, "newNetworkInterfaceId": ENI_A})
    tid = obj.get("data", {}).get("taskId")
    check("api2 migrate", obj.get("code") == 0 and isinstance(tid, int) and obj.get("taskId") == tid, obj)
    st, obj = e.api2("DescribeVpcTaskResult", {"taskId": str(tid)})
    check("api2 task running", obj.get("data", {}).get("status") == 2, obj)
    time.sleep(0.5)
    st, obj = e.api2("DescribeVpcTaskResult", {"taskId": str(tid)})
    check("api2 task done", obj.get("data", {}).get("status") == 0 and e.holder(VIP) == ENI_A, obj)
    e.ctl("/_sim/config", {"task_seconds": 0})
    st, obj = e.api2("AssignPrivateIpAddresses", {"vpcId": "vpc-sim00001", "networkInterfaceId": ENI_B,
                                                  "privateIpAddressSet.0.privateIpAddress": FREE})
    check("api2 assign", obj.get("code") == 0 and e.holder(FREE) == ENI_B, obj)
    st, obj = e.api2("MigratePrivateIpAddress", {"vpcId": "vpc-other001", "privateIpAddress": VIP,
                                                 "oldNetworkInterfaceId": ENI_A, "newNetworkInterfaceId": ENI_B})
    check("api2 bad vpc", obj.get("code") != 0 and obj.get("codeDesc") == "InvalidVpc.NotFound", obj)
    st, obj = e.api2("DescribeNetworkInterfaces", {}, secret_key="wrong")
    check("api2 SignatureFailure", obj.get("code") == 4100 and obj.get("codeDesc") == "AuthFailure.SignatureFailure", obj)
    st, obj = e.api2("DescribeNetworkInterfaces", {}, secret_id="AKIDnope", secret_key="x")
    check("api2 SecretIdNotFound", obj.get("code") == 4104 and obj.get("codeDesc") == "AuthFailure.SecretIdNotFound", obj)
    st, obj = e.api2("DescribeNetworkInterfaces", {}, timestamp=time.time() - 1000)
    check("api2 SignatureExpire", obj.get("code") == 4500 and obj.get("codeDesc") == "AuthFailure.SignatureExpire", obj)
    ts = int(time.time())
    st, obj1 = e.api2("DescribeNetworkInterfaces", {}, nonce=424242, timestamp=ts)
    st, obj2 = e.api2("DescribeNetworkInterfaces", {}, nonce=424242, timestamp=ts)
    check("api2 nonce replay", obj1.get("code") == 0 and obj2.get("code") == 4500
          and obj2.get("codeDesc") == "AuthFailure.NonceReplay", (obj1, obj2))
    st, obj = e.api2("MigratePrivateIpAddress", {"vpcId": "vpc-sim00001", "privateIpAddress": VIP,
                                                 "oldNetworkInterfaceId": ENI_A, "newNetworkInterfaceId": ENI_B},
                     secret_id=RO_ID, secret_key=RO_KEY)
    check("api2 UnauthorizedOperation", obj.get("code") == 4101 and obj.get("codeDesc") == "UnauthorizedOperation", obj)
    st, obj = e.api2("DeleteVpc", {})
    check("api2 InvalidAction", obj.get("codeDesc") == "InvalidAction" and obj.get("code") == 4000, obj)
    _, text = e.md("cam/security-credentials/tcvip-role")
    cred = json.loads(text)
    st, obj = e.api2("DescribeNetworkInterfaces", {}, secret_id=cred["TmpSecretId"], secret_key=cred["TmpSecretKey"])
    check("api2 role without Token", obj.get("codeDesc") == "AuthFailure.TokenFailure", obj)
    st, obj = e.api2("DescribeNetworkInterfaces", {}, secret_id=cred["TmpSecretId"], secret_key=cred["TmpSecretKey"], token=cred["Token"])
    check("api2 role with Token", obj.get("code") == 0, obj)
    e.ctl("/_sim/fault", {"action": "MigratePrivateIpAddress", "kind": "error", "code": "RequestLimitExceeded", "api": 2})
    st, obj = e.api2("MigratePrivateIpAddress", {"vpcId": "vpc-sim00001", "privateIpAddress": VIP,
                                                 "oldNetworkInterfaceId": ENI_A, "newNetworkInterfaceId": ENI_B})
    check("api2 fault error", obj.get("code") == 4400 and obj.get("codeDesc") == "RequestLimitExceeded", obj)


def test_log_reset(e):
    st, log = e.ctl("/_sim/log")
    last = log[-1] if log else {}
    check("log entries", st == 200 and len(log) > 20 and set(last) >= {"time", "api", "action", "source", "secret_id", "code", "ms"}, last)
    check("log has both apis", {x["api"] for x in log} == {2, 3})
    check("log never holds secrets", not any(MAIN_KEY in json.dumps(x) for x in log))
    e.ctl("/_sim/log/clear", {})
    check("log clear", e.ctl("/_sim/log")[1] == [])
    st, _ = e.ctl("/_sim/reset", {})
    check("reset", st == 200 and e.holder(VIP) == ENI_B and e.holder(FREE) is None)
    check("unknown control 404", e.ctl("/_sim/nope", {})[0] == 404)


def test_tls(e):
    ctx = ssl.create_default_context(cafile=e.ca)
    for name in ("vpc.tencentcloudapi.com", "vpc.internal.tencentcloudapi.com", "vpc.api.qcloud.com",
                 "vpc.api.tencentyun.com", "localhost"):
        ok = False
        try:
            with socket.create_connection(("127.0.0.1", e.api_port), 5) as s, ctx.wrap_socket(s, server_hostname=name):
                ok = True
        except (ssl.SSLError, OSError):
            pass
        check("tls verifies %s" % name, ok)
    try:
        with socket.create_connection(("127.0.0.1", e.api_port), 5) as s, ctx.wrap_socket(s, server_hostname="wrong.example.test"):
            bad = False
    except ssl.SSLCertVerificationError:
        bad = True
    check("tls rejects other name", bad)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True)
    ap.add_argument("--certs", required=True)
    args = ap.parse_args()
    e = Env(args.ready, args.certs)
    for fn in (test_vectors, lambda: test_role(e, test_metadata(e)), lambda: test_describe(e),
               lambda: test_auth(e), lambda: test_migrate_assign(e), lambda: test_faults(e),
               lambda: test_api2(e), lambda: test_log_reset(e), lambda: test_tls(e)):
        try:
            fn()
        except Exception as ex:      # a crash in one group is a failure, not the end of the run
            import traceback
            traceback.print_exc()
            check("no exception", False, repr(ex))
    print("selftest: %d passed, %d failed" % (T.passed, T.failed))
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())

# tcsign.py: tiny independent Tencent Cloud request signer/client (TC3-HMAC-SHA256 and legacy API 2.0) for tests.
"""Test-side signer, written apart from sim.py's verifier so each checks the other.

    c = Api3("127.0.0.1", port, cafile, "AKID...", "key")
    status, headers, obj = c.call("DescribeNetworkInterfaces", {"Limit": 5})
"""

import base64
import hashlib
import hmac
import http.client
import json
import random
import socket
import ssl
import time
import urllib.parse
from datetime import datetime, timezone

DEFAULT_HOST = "vpc.tencentcloudapi.com"


def _h(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_authorization(secret_id, secret_key, host, payload, timestamp, service="vpc",
                      content_type="application/json", extra=None):
    """Authorization header value; `extra` = {lower-case header: value} also signed."""
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    hdrs = {"content-type": content_type, "host": host}
    hdrs.update(extra or {})
    names = sorted(hdrs)
    canonical_headers = "".join("%s:%s\n" % (n, str(hdrs[n]).strip().lower()) for n in names)
    signed = ";".join(names)
    creq = "\n".join(["POST", "/", "", canonical_headers, signed,
                      hashlib.sha256(payload).hexdigest()])
    scope = "%s/%s/tc3_request" % (date, service)
    sts = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                     hashlib.sha256(creq.encode("utf-8")).hexdigest()])
    k = _h(_h(_h(("TC3" + secret_key).encode("utf-8"), date), service), "tc3_request")
    sig = hmac.new(k, sts.encode("utf-8"), hashlib.sha256).hexdigest()
    return "TC3-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        secret_id, scope, signed, sig), creq


def legacy_sign(secret_key, method, host, path, params, sig_method="HmacSHA1"):
    s = method + host + path + "?" + "&".join(
        "%s=%s" % (k.replace("_", "."), params[k]) for k in sorted(params, key=lambda k: k.replace("_", ".")))
    digest = hashlib.sha1 if sig_method == "HmacSHA1" else hashlib.sha256
    return base64.b64encode(hmac.new(secret_key.encode("utf-8"), s.encode("utf-8"), digest).digest()).decode()


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    return ctx


class Api3:
    """Keep-alive HTTPS client for API 3.0 against the simulator."""

    def __init__(self, addr, port, cafile, secret_id, secret_key, token=None,
                 region="ap-guangzhou", host=DEFAULT_HOST, timeout=10):
        self.addr, self.port, self.host = addr, port, host
        self.secret_id, self.secret_key, self.token = secret_id, secret_key, token
        self.region, self.timeout = region, timeout
        self.ctx = tls_context(cafile)
        self.conn = None

    def connect(self):
        self.conn = http.client.HTTPSConnection(self.addr, self.port, context=self.ctx,
                                                timeout=self.timeout)
        # verify the certificate against the API host name, not the loopback address
        sock = socket.create_connection((self.addr, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.conn.sock = self.ctx.wrap_socket(sock, server_hostname=self.host)
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, action, params, timestamp=None, secret_id=None, secret_key=None,
                token=None, region=None, version="2017-03-12", sign_host=None, body=None,
                headers=None, drop=(), host_header=None):
        """Send one call; returns (status, headers dict, raw body bytes)."""
        ts = int(time.time()) if timestamp is None else int(timestamp)
        payload = body if body is not None else json.dumps(params).encode("utf-8")
        host_header = host_header or "%s:%d" % (self.host, self.port)
        auth, _ = tc3_authorization(secret_id or self.secret_id, secret_key or self.secret_key,
                                    sign_host or self.host, payload, ts)
        h = {"Host": host_header, "Content-Type": "application/json", "Authorization": auth,
             "X-TC-Action": action, "X-TC-Version": version, "X-TC-Timestamp": str(ts),
             "X-TC-Region": region or self.region, "Content-Length": str(len(payload))}
        tok = token if token is not None else self.token
        if tok:
            h["X-TC-Token"] = tok
        h.update(headers or {})
        for k in drop:
            h.pop(k, None)
        if self.conn is None:
            self.connect()
        self.conn.putrequest("POST", "/", skip_host=True, skip_accept_encoding=True)
        for k, v in h.items():
            self.conn.putheader(k, v)
        self.conn.endheaders(payload)
        resp = self.conn.getresponse()
        data = resp.read()
        if resp.will_close:
            self.close()
        return resp.status, dict(resp.getheaders()), data

    def call(self, action, params=None, **kw):
        status, hdrs, data = self.request(action, params or {}, **kw)
        return status, hdrs, json.loads(data.decode("utf-8"))


def api2_call(addr, port, cafile, secret_id, secret_key, action, params, region="ap-guangzhou",
              host="vpc.api.qcloud.com", sig_method="HmacSHA256", timestamp=None, nonce=None,
              token=None, method="POST", tamper=None):
    p = {"Action": action, "Region": region, "SecretId": secret_id,
         "Timestamp": str(int(time.time()) if timestamp is None else int(timestamp)),
         "Nonce": str(nonce if nonce is not None else random.randint(1, 2 ** 31)),
         "SignatureMethod": sig_method}
    if token:
        p["Token"] = token
    p.update(params)
    p["Signature"] = legacy_sign(secret_key, method, host, "/v2/index.php", p, sig_method)
    if tamper:
        p.update(tamper)
    ctx = tls_context(cafile)
    sock = socket.create_connection((addr, port), 10)
    conn = http.client.HTTPSConnection(addr, port, context=ctx, timeout=10)
    conn.sock = ctx.wrap_socket(sock, server_hostname=host)
    form = urllib.parse.urlencode(p)
    try:
        if method == "POST":
            conn.request("POST", "/v2/index.php", body=form,
                         headers={"Host": "%s:%d" % (host, port),
                                  "Content-Type": "application/x-www-form-urlencoded"})
        else:
            conn.request("GET", "/v2/index.php?" + form, headers={"Host": "%s:%d" % (host, port)})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read().decode("utf-8"))
    finally:
        conn.close()

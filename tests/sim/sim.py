#!/usr/bin/env python3
# sim.py: protocol-faithful simulator of the Tencent Cloud VPC API (3.0 + legacy 2.0) and CVM metadata, for tcvip tests.
"""Tencent Cloud VPC API + CVM metadata simulator (Python 3 standard library only).

usage: sim.py --world WORLD.json --cert CRT --key KEY [--api-addr 127.0.0.1]
              [--api-port 8443] [--meta-addr 127.0.0.1] [--meta-port 8080]
              [--task-seconds 0] [--eip-on-migrate unbind|follow|stale]
              [--ready-file F] [-v]

Port 0 picks a free port; the ready file (JSON: api_port, meta_port, pid) tells
which.  See PROTOCOL.md beside this file for what is accepted and answered.
"""

import argparse
import base64
import collections
import datetime
import email.utils
import hashlib
import hmac
import http.server
import ipaddress
import json
import os
import re
import signal
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

API_VERSION = "2017-03-12"
SERVICE = "vpc"
SKEW_LIMIT = 300                  # seconds, API 3 and API 2
NONCE_WINDOW = 600                # seconds a legacy Nonce is remembered
MAX_BODY = 1 << 20
LOG_MAX = 10000
TASK_KEEP = 2000
TASK_ACTIONS = ("MigratePrivateIpAddress", "AssignPrivateIpAddresses", "AssociateAddress",
                "DisassociateAddress")
API2_ACTIONS = ("DescribeNetworkInterfaces", "MigratePrivateIpAddress",
                "AssignPrivateIpAddresses", "DescribeVpcTaskResult")
API3_ACTIONS = API2_ACTIONS + ("DescribeRouteTables", "CreateRoutes", "ReplaceRoutes",
                               "DescribeAddresses", "AssociateAddress", "DisassociateAddress",
                               "DescribeTaskResult")
EIP_ON_MIGRATE = ("unbind", "follow", "stale")      # see PROTOCOL.md "EIP and MigratePrivateIpAddress"
FAULT_KINDS = ("error", "delay", "drop", "http500", "malformed", "truncated", "taskfail")
ENI_RE = re.compile(r"^eni-[0-9a-z]{8}$")
RTB_RE = re.compile(r"^rtb-[0-9a-z]{8}$")
EIP_RE = re.compile(r"^eip-[0-9a-z]{8}$")
INS_RE = re.compile(r"^ins-[0-9a-z]{8}$")
REGION_RE = re.compile(r"^[a-z]{2,}-[a-z]+(-[a-z0-9]+)*$")
LEGACY_REGIONS = {"gz": "ap-guangzhou", "sh": "ap-shanghai", "bj": "ap-beijing",
                  "cd": "ap-chengdu", "cq": "ap-chongqing", "hk": "ap-hongkong",
                  "sg": "ap-singapore", "ca": "na-toronto", "shjr": "ap-shanghai-fsi",
                  "szjr": "ap-shenzhen-fsi"}
FIXED_TIME = "2024-01-01 00:00:00"
# Sources cited below (see PROTOCOL.md "Sources"):
#   [MODELS]  tencentcloud-sdk-python tencentcloud/vpc/v20170312/models.py (API 3 field docs)
#   [ERRS]    tencentcloud-sdk-go tencentcloud/vpc/v20170312/client.go (per-action error-code lists)
#   [EXAMPLES] tencentcloud-cli tccli/examples/vpc/v20170312/ACTION.md (the API doc examples)
#   [DNI]     https://cloud.tencent.com/document/api/215/15817 (DescribeNetworkInterfaces)
#   [META]    https://www.tencentcloud.com/document/product/213/4934 (Querying Instance Metadata)
#   [SPOT]    https://www.tencentcloud.com/document/product/213/32487 (Querying the Reclamation Status of a Spot Instance)
#   [ROLE]    tencentcloud-sdk-go tencentcloud/common/cvm_role_provider.go (role JSON fields)
#   [LEGACY]  https://doc.fincloud.tencent.cn/tcloud/NetWork/VPC/994362/ (API 2.0 MigratePrivateIpAddress)
#   [RTB]     https://www.tencentcloud.com/document/product/215/31810 (route tables: overview)
#   [RTBLIM]  https://www.tencentcloud.com/document/product/215/35501 (route tables: remarks, ECMP, quotas)
#   [SUBNET]  https://www.tencentcloud.com/document/api/215/15782 (CreateSubnet: a subnet's Zone)
#   [EIPAPI]  AssociateAddress / DisassociateAddress descriptions in [ERRS] client.go (who may be bound)
QOS_LEVELS = ("PT", "AU", "AG", "DEFAULT")          # [MODELS] AssignPrivateIpAddressesRequest.QosLevel
MAX_ASSIGN_IPS = 10                                 # [MODELS] PrivateIpAddresses: at most 10 per call
TASK_ID_RE = re.compile(r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]+)$")


class ApiError(Exception):
    """An API-level error: answered with HTTP 200 and an error code."""

    def __init__(self, code, message):
        super().__init__(code)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------
# Signature verification (independent of tests/sim/tcsign.py, the test signer)
# --------------------------------------------------------------------------

def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _hmac256(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_signing_key(secret_key, date, service):
    k_date = _hmac256(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac256(k_date, service)
    return _hmac256(k_service, "tc3_request")


def tc3_canonical_request(method, path, query, canon_headers, signed_headers, payload):
    """canon_headers: list of (lower-case name, value already trimmed/lower-cased)."""
    lines = "".join("%s:%s\n" % (n, v) for n, v in canon_headers)
    return "%s\n%s\n%s\n%s\n%s\n%s" % (method, path, query, lines, signed_headers,
                                       sha256_hex(payload))


def tc3_string_to_sign(timestamp, date, service, canonical_request):
    return "TC3-HMAC-SHA256\n%s\n%s/%s/tc3_request\n%s" % (
        timestamp, date, service, sha256_hex(canonical_request))


def tc3_signature(secret_key, date, service, string_to_sign):
    key = tc3_signing_key(secret_key, date, service)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def utc_date(ts):
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime("%Y-%m-%d")


def legacy_string_to_sign(method, host, path, params):
    """params: dict of every parameter except Signature; '_' in keys becomes '.'."""
    items = sorted((k.replace("_", "."), v) for k, v in params.items())
    return "%s%s%s?%s" % (method.upper(), host, path, "&".join("%s=%s" % kv for kv in items))


def legacy_signature(secret_key, string_to_sign, method="HmacSHA1"):
    digest = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256}[method]
    mac = hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def host_without_port(host):
    """The host name the signature covers: Host header minus any ':port'."""
    host = (host or "").strip()
    if host.startswith("["):
        end = host.find("]")
        return host[:end + 1] if end > 0 else host
    if host.count(":") == 1:
        name, _, port = host.partition(":")
        if port.isdigit():
            return name
    return host


def legacy_numeric_code(code):
    """Numeric legacy `code` for a codeDesc string (clients should use codeDesc)."""
    if code == "AuthFailure.SecretIdNotFound":
        return 4104
    if code in ("AuthFailure.SignatureExpire", "AuthFailure.NonceReplay"):
        return 4500
    if code.startswith("AuthFailure"):
        return 4100
    if code.startswith("UnauthorizedOperation"):
        return 4101
    if code.startswith(("InvalidParameter", "MissingParameter", "UnknownParameter",
                        "InvalidAction", "NoSuchVersion", "UnsupportedRegion")):
        return 4000
    if code.startswith(("RequestLimitExceeded", "LimitExceeded.ActionLimited")):
        return 4400
    if code.startswith(("InternalError", "ServiceUnavailable")):
        return 5100
    return 5000


def parse_ipv4(text):
    try:
        return ipaddress.IPv4Address(text)
    except (ipaddress.AddressValueError, ValueError, TypeError):
        return None


def iso8601(ts):
    return datetime.datetime.fromtimestamp(int(ts), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------
# World state
# --------------------------------------------------------------------------

def load_world(path):
    with open(path, "r", encoding="utf-8") as f:
        w = json.load(f)
    for key in ("region", "zone", "vpc", "subnets", "accounts", "instances"):
        if key not in w:
            raise ValueError("%s: missing key %r" % (path, key))
    return w


class Sim:
    """All simulated state; every method that touches it holds self.lock."""

    def __init__(self, world_path, task_seconds, verbose=False, eip_on_migrate=None):
        self.world_path = world_path
        self.base_task_seconds = float(task_seconds)
        self.base_eip_on_migrate = eip_on_migrate
        self.verbose = verbose
        self.lock = threading.RLock()
        self.reset()

    # ---- setup ---------------------------------------------------------
    def reset(self):
        w = load_world(self.world_path)
        with self.lock:
            self.world = w
            self.region = w["region"]
            self.zone = w["zone"]
            self.vpc_id = w["vpc"]["id"]
            self.vpc_cidr = ipaddress.ip_network(w["vpc"]["cidr"])
            self.subnets = collections.OrderedDict(
                (s["id"], ipaddress.ip_network(s["cidr"])) for s in w["subnets"])
            self.accounts = {}
            for a in w["accounts"]:
                self.accounts[a["secret_id"]] = {
                    "secret_key": a["secret_key"], "deny": set(a.get("deny", [])),
                    "deny_code": a.get("deny_code", "UnauthorizedOperation")}
            self.max_ips = int(w.get("max_ips_per_eni", 20))
            self.enis = collections.OrderedDict()
            self.instances = collections.OrderedDict()
            self.source_map = {}
            for ins in w["instances"]:
                sub = ins["subnet"]
                if sub not in self.subnets:
                    raise ValueError("instance %s: unknown subnet %s" % (ins["id"], sub))
                if ipaddress.ip_address(ins["primary_ip"]) not in self.subnets[sub]:
                    raise ValueError("instance %s: primary_ip outside %s" % (ins["id"], sub))
                self.instances[ins["id"]] = ins
                self.enis[ins["eni"]] = {
                    # World files may spell a MAC in either case; metadata ([META]) and the API's
                    # MacAddress ([EXAMPLES] DescribeNetworkInterfaces: "20:90:6F:F5:34:C7") use upper case.
                    "id": ins["eni"], "mac": ins["mac"].upper(), "instance": ins["id"],
                    "subnet": sub, "primary_ip": ins["primary_ip"],
                    "ips": collections.OrderedDict([(ins["primary_ip"], "AVAILABLE")])}
                for src in ins.get("source", []):
                    self.source_map[src] = ins["id"]
            for ip, eni_id in sorted(w.get("secondary", {}).items()):
                eni = self.enis.get(eni_id)
                if eni is None:
                    raise ValueError("secondary %s: unknown ENI %s" % (ip, eni_id))
                if self.holder_of(ip) is not None:
                    raise ValueError("secondary %s: address already held" % ip)
                eni["ips"][ip] = "AVAILABLE"
            self.meta_instance = w.get("metadata_default_instance") or next(iter(self.instances))
            self.spot_notice = {}       # [SPOT] instance id -> reclaim time text (UTC+8)
            self.tasks = collections.OrderedDict()
            self.client_tokens = {}
            self.qos = {}               # IP -> QosLevel asked for at assignment (default DEFAULT)
            self.legacy_seq = 16000
            self.faults = []
            self.log = []
            self.clock_offset = 0.0
            self.down_until = 0.0
            self.task_seconds = self.base_task_seconds
            self.tls_resume = True      # False: every connection meets a fresh session cache
            self.nonces = {}
            self.role = w.get("role")
            self.role_gens = []
            if self.role:
                self._issue_role(0)
            self.load_network(w)

    def _issue_role(self, gen, ttl=None):
        r = self.role
        if ttl is not None:
            r["ttl"] = int(ttl)
        sfx = "" if gen == 0 else "%04d" % gen
        cred = {"gen": gen, "secret_id": r["secret_id"] + sfx,
                "secret_key": r["secret_key"] + sfx, "token": r["token"] + sfx,
                "expired": int(self.now()) + int(r.get("ttl", 7200)), "revoked": False}
        self.role_gens.append(cred)
        return cred

    def current_role(self):
        cred = self.role_gens[-1]
        if self.now() >= cred["expired"] - 300:      # metadata renews ahead of expiry
            cred = self._issue_role(cred["gen"] + 1)
        return cred

    # ---- clock, downtime, tasks -----------------------------------------
    def now(self):
        return time.time() + self.clock_offset

    def is_down(self):
        return time.monotonic() < self.down_until

    def holder_of(self, ip):
        for eni in self.enis.values():
            if ip in eni["ips"]:
                return eni
        return None

    def busy(self, eni_id):
        for t in self.tasks.values():
            if t["status"] == "RUNNING" and eni_id in (t["src"], t["dst"]):
                return t
        return None

    def settle(self):
        now = time.monotonic()
        for t in self.tasks.values():
            if t["status"] == "RUNNING" and t["done_at"] <= now:
                self._finish(t, fail=t["fail"], output=t["fail_output"])
        for t in self.eip_tasks.values():
            if t["status"] == "RUNNING" and t["done_at"] <= now:
                self.finish_eip_task(t, fail=t["fail"], output=t["fail_output"])

    def _finish(self, t, fail, output):
        src = self.enis.get(t["src"]) if t["src"] else None
        dst = self.enis[t["dst"]]
        for ip in t["ips"]:
            if t["kind"] == "migrate":
                if fail:
                    src["ips"][ip] = "AVAILABLE"
                else:
                    src["ips"].pop(ip, None)
                    dst["ips"][ip] = "AVAILABLE"
                    self.eip_after_move(ip, src["id"], dst["id"])
            elif fail:
                dst["ips"].pop(ip, None)
                self.qos.pop(ip, None)
            else:
                dst["ips"][ip] = "AVAILABLE"
        t["status"] = "FAILED" if fail else "SUCCESS"
        t["output"] = output if fail else "SUCCESS"
        t["finished"] = self.now()

    def _new_task(self, kind, ips, src, dst, rid, fault):
        self.legacy_seq += 1
        t = {"id": rid, "legacy_id": self.legacy_seq, "kind": kind, "ips": list(ips),
             "src": src, "dst": dst, "status": "RUNNING", "output": "",
             "done_at": time.monotonic() + self.task_seconds, "created": self.now(),
             "ends": self.now() + self.task_seconds,     # when it is due (sim clock), for benchmarks
             "fail": fault is not None,
             "fail_output": (fault or {}).get("output", "simulated task failure")}
        self.tasks[rid] = t
        self.tasks[str(t["legacy_id"])] = t
        while len(self.tasks) > TASK_KEEP:
            self.tasks.popitem(last=False)
        return t

    # ---- faults and log ---------------------------------------------------
    def take_fault(self, action, api):
        with self.lock:
            for f in self.faults:
                if f["count"] <= 0:
                    continue
                if action == "metadata":
                    if f["action"] != "metadata":
                        continue
                elif f["action"] not in ("*", action):
                    continue
                if f.get("api") not in (None, api):
                    continue
                if f["kind"] == "taskfail" and action not in TASK_ACTIONS:
                    continue
                f["count"] -= 1
                self.faults = [x for x in self.faults if x["count"] > 0]
                return dict(f)
        return None

    def log_call(self, api, action, source, host, secret_id, code, t0, resumed=None):
        entry = {"time": round(self.now(), 3), "api": api, "action": action, "source": source,
                 "host": host, "secret_id": secret_id, "code": code,
                 "ms": round((time.monotonic() - t0) * 1000.0, 3)}
        if resumed is not None:
            entry["tls_resumed"] = resumed     # the call's TLS connection resumed a session
        with self.lock:
            self.log.append(entry)
            if len(self.log) > LOG_MAX:
                del self.log[:len(self.log) - LOG_MAX]
        if self.verbose:
            sys.stderr.write("sim: %s\n" % json.dumps(entry))

    # ---- credentials -------------------------------------------------------
    def lookup_secret(self, secret_id):
        """-> (secret_key, kind, record) or None.  kind: 'account' or 'role'."""
        acc = self.accounts.get(secret_id)
        if acc is not None:
            return acc["secret_key"], "account", acc
        for cred in self.role_gens:
            if cred["secret_id"] == secret_id and not cred["revoked"]:
                return cred["secret_key"], "role", cred
        return None

    def check_token(self, kind, rec, token):
        if kind != "role":
            return
        if not token:
            raise ApiError("AuthFailure.TokenFailure",
                           "The temporary credential requires a token (X-TC-Token / Token).")
        if not hmac.compare_digest(token, rec["token"]):
            raise ApiError("AuthFailure.TokenFailure", "The token is invalid.")
        if self.now() > rec["expired"]:
            raise ApiError("AuthFailure.TokenFailure", "The token has expired.")

    def check_deny(self, kind, rec, action):
        if kind == "account" and action in rec["deny"]:
            raise ApiError(rec["deny_code"],
                           "You are not authorized to perform operation (vpc:%s)." % action)
        if kind == "role" and action in set(self.role.get("deny", [])):
            raise ApiError("UnauthorizedOperation",
                           "You are not authorized to perform operation (vpc:%s)." % action)

    # ---- API 3.0 authentication ---------------------------------------------
    def auth3(self, headers, path, query, body):
        """Verify an API 3.0 request; returns (action, region, kind, record)."""
        action = headers.get("X-TC-Action")
        if not action:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Action`.")
        version = headers.get("X-TC-Version")
        if not version:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Version`.")
        if version != API_VERSION:
            raise ApiError("NoSuchVersion", "The API version `%s` does not exist." % version)
        ts_text = headers.get("X-TC-Timestamp")
        if not ts_text:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Timestamp`.")
        if not ts_text.strip().isdigit():
            raise ApiError("InvalidParameterValue", "Invalid Timestamp `%s`." % ts_text)
        ts = int(ts_text.strip())
        auth = headers.get("Authorization")
        cred = parse_tc3_authorization(auth)
        if cred is None:
            raise ApiError("AuthFailure.InvalidAuthorization", "Authorization in the request header is invalid.")
        secret = self.lookup_secret(cred["secret_id"])
        if secret is None:
            raise ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
        secret_key, kind, rec = secret
        now = self.now()
        if abs(ts - now) > SKEW_LIMIT:
            raise ApiError("AuthFailure.SignatureExpire",
                           "Signature expired. Timestamp and server time cannot differ by more "
                           "than five minutes (request timestamp %d, server time %d)." % (ts, int(now)))
        signed = cred["signed_headers"].split(";")
        if "content-type" not in signed or "host" not in signed:
            raise ApiError("AuthFailure.SignatureFailure", "SignedHeaders must include content-type and host.")
        if cred["date"] != utc_date(ts) or cred["service"] != SERVICE:
            raise ApiError("AuthFailure.SignatureFailure",
                           "The provided credentials could not be validated: credential scope "
                           "must be %s/%s/tc3_request." % (utc_date(ts), SERVICE))
        def expected(strip_port):
            canon = []
            for name in signed:
                value = headers.get(name)
                if value is None:
                    raise ApiError("AuthFailure.SignatureFailure", "Signed header `%s` is missing." % name)
                if name == "host" and strip_port:
                    value = host_without_port(value)
                canon.append((name, value.strip().lower()))
            creq = tc3_canonical_request("POST", path, query, canon, cred["signed_headers"], body)
            sts = tc3_string_to_sign(ts, cred["date"], cred["service"], creq)
            return tc3_signature(secret_key, cred["date"], cred["service"], sts)
        # The Host header exactly as sent; some SDKs sign the host without a custom port.
        if not (hmac.compare_digest(expected(False), cred["signature"]) or
                hmac.compare_digest(expected(True), cred["signature"])):
            raise ApiError("AuthFailure.SignatureFailure",
                           "The provided credentials could not be validated. Please check your signature is correct.")
        self.check_token(kind, rec, headers.get("X-TC-Token"))
        if action not in API3_ACTIONS:
            raise ApiError("InvalidAction", "The requested action `%s` does not exist." % action)
        self.check_deny(kind, rec, action)
        region = headers.get("X-TC-Region")
        if not region:
            raise ApiError("MissingParameter", "The request is missing a required parameter `Region`.")
        if not REGION_RE.match(region):
            raise ApiError("UnsupportedRegion", "The region `%s` is not supported." % region)
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise ApiError("InvalidParameter", "This simulator accepts Content-Type application/json only.")
        return action, region

    # ---- API 3.0 actions ---------------------------------------------------
    def dispatch3(self, action, region, params, rid, fault):
        if not isinstance(params, dict):
            raise ApiError("InvalidParameter", "The request body is not a JSON object.")
        fn = {"DescribeNetworkInterfaces": self.a3_describe,
              "MigratePrivateIpAddress": self.a3_migrate,
              "AssignPrivateIpAddresses": self.a3_assign,
              "DescribeVpcTaskResult": self.a3_task,
              "DescribeRouteTables": self.a3_describe_rtb,
              "CreateRoutes": self.a3_create_routes,
              "ReplaceRoutes": self.a3_replace_routes,
              "DescribeAddresses": self.a3_describe_eip,
              "AssociateAddress": self.a3_associate,
              "DisassociateAddress": self.a3_disassociate,
              "DescribeTaskResult": self.a3_eip_task}[action]
        return fn(params, region, rid, fault)

    def a3_describe(self, p, region, rid, fault):
        check_known(p, ("NetworkInterfaceIds", "Filters", "Offset", "Limit"))
        ids = opt_str_list(p, "NetworkInterfaceIds")
        filters = p.get("Filters")
        if ids is not None and filters is not None:
            raise ApiError("InvalidParameter.Coexist", "NetworkInterfaceIds and Filters cannot be specified together.")
        offset = opt_int(p, "Offset", 0)        # [MODELS] Offset: default 0
        limit = opt_int(p, "Limit", 20)         # [MODELS]/[DNI] Limit: default 20, maximum 100
        if offset < 0:
            raise ApiError("InvalidParameterValue.Range", "Offset must be >= 0.")
        if limit < 0 or limit > 100:
            raise ApiError("InvalidParameterValue.Range", "Limit must be between 0 and 100.")
        for i in ids or []:
            if not ENI_RE.match(i):
                raise ApiError("InvalidParameterValue.Malformed", "Invalid NetworkInterfaceId `%s`." % i)
        preds = parse_filters(filters)
        out = []
        if region == self.region:
            for eni in self.enis.values():
                if ids is not None and eni["id"] not in ids:
                    continue
                if all(pred(self, eni) for pred in preds):
                    out.append(eni)
        page = out[offset:offset + limit]
        return {"NetworkInterfaceSet": [self.eni3(e) for e in page], "TotalCount": len(out)}

    def eni3(self, eni):
        # Field set: [MODELS] NetworkInterface / PrivateIpAddressSpecification.  IP State values
        # ([MODELS] PrivateIpAddressSpecification.State): PENDING, MIGRATING, DELETING, AVAILABLE.
        ips = []
        for ip, state in eni["ips"].items():
            # [MODELS] PrivateIpAddressSpecification.PublicIpAddress / AddressId: the EIP bound here
            eip = self.eip_bound_at(eni["id"], ip)
            ips.append({"PrivateIpAddress": ip, "Primary": ip == eni["primary_ip"],
                        "PublicIpAddress": eip["ip"] if eip else "", "AddressId": eip["id"] if eip else "",
                        "Description": "",
                        "IsWanIpBlocked": False, "State": state,
                        "QosLevel": self.qos.get(ip, "DEFAULT")})
        return {"NetworkInterfaceId": eni["id"], "NetworkInterfaceName": "", "NetworkInterfaceDescription": "",
                "SubnetId": eni["subnet"], "VpcId": self.vpc_id, "GroupSet": [], "Primary": True,
                "MacAddress": eni["mac"], "State": "AVAILABLE", "NetworkInterfaceState": "AVAILABLE",
                "PrivateIpAddressSet": ips,
                "Attachment": {"InstanceId": eni["instance"], "DeviceIndex": 0,
                               "InstanceAccountId": "100000000001", "AttachTime": FIXED_TIME},
                "Zone": self.subnet_zone[eni["subnet"]], "CreatedTime": FIXED_TIME, "Ipv6AddressSet": [], "TagSet": [],
                # [MODELS] EniType: 0 secondary ENI, 1 primary ENI (every simulated ENI is primary)
                "EniType": 1, "Business": "cvm", "CdcId": "", "AttachType": 0, "ResourceId": "",
                "QosLevel": ""}

    def find_eni(self, eni_id, region, legacy=False):
        if not isinstance(eni_id, str) or not ENI_RE.match(eni_id):
            raise ApiError("InvalidParameterValue.Malformed", "Invalid NetworkInterfaceId `%s`." % eni_id)
        eni = self.enis.get(eni_id) if region == self.region else None
        if eni is None:
            raise ApiError("InvalidNetworkInterface.NotFound" if legacy else "ResourceNotFound",
                           "The network interface `%s` does not exist." % eni_id)
        return eni

    def do_migrate(self, src_id, dst_id, ip_text, region, rid, fault, legacy=False):
        if parse_ipv4(ip_text) is None:
            raise ApiError("InvalidParameterValue.Malformed", "Invalid PrivateIpAddress `%s`." % ip_text)
        ip = str(parse_ipv4(ip_text))
        src = self.find_eni(src_id, region, legacy)
        dst = self.find_eni(dst_id, region, legacy)
        if src is dst:
            # [ERRS] MigratePrivateIpAddress lists no bare InvalidParameterValue; of its codes
            # UnsupportedOperation fits (sim choice: the documents do not name this case).
            raise ApiError("UnsupportedOperation", "Source and destination network interface are the same.")
        for eni in (src, dst):
            if self.busy(eni["id"]):
                raise ApiError("UnsupportedOperation.MutexOperationTaskRunning",
                               "A mutually exclusive task is running on `%s`." % eni["id"])
        holder = self.holder_of(ip)
        if holder is not None and holder["primary_ip"] == ip:
            raise ApiError("UnsupportedOperation.PrimaryIp", "The primary IP `%s` cannot be migrated." % ip)
        if holder is not src:
            # [ERRS] lists UnauthorizedOperation.AttachmentNotFound for this action (没有找到绑定关系:
            # no such binding): the IP is not bound to the source ENI, e.g. a stale holder.
            raise ApiError("UnauthorizedOperation.AttachmentNotFound",
                           "The private IP `%s` is not bound to `%s`." % (ip, src["id"]))
        if src["subnet"] != dst["subnet"]:
            raise ApiError("UnsupportedOperation",
                           "The source and destination network interfaces must be in the same subnet.")
        src["ips"][ip] = "MIGRATING"        # [MODELS] State MIGRATING: 迁移中 (being migrated)
        return self._new_task("migrate", [ip], src["id"], dst["id"], rid, fault)

    def a3_migrate(self, p, region, rid, fault):
        check_known(p, ("SourceNetworkInterfaceId", "DestinationNetworkInterfaceId", "PrivateIpAddress"))
        src = req_str(p, "SourceNetworkInterfaceId")
        dst = req_str(p, "DestinationNetworkInterfaceId")
        ip = req_str(p, "PrivateIpAddress")
        self.do_migrate(src, dst, ip, region, rid, fault)
        return {}

    def do_assign(self, eni_id, ip_texts, count, region, rid, fault, legacy=False, qos="DEFAULT"):
        eni = self.find_eni(eni_id, region, legacy)
        if self.busy(eni["id"]):
            raise ApiError("UnsupportedOperation.MutexOperationTaskRunning",
                           "A mutually exclusive task is running on `%s`." % eni["id"])
        net = self.subnets[eni["subnet"]]
        reserved = {net.network_address, net.network_address + 1, net.broadcast_address}
        wanted = []
        for text in ip_texts:
            addr = parse_ipv4(text)
            if addr is None:
                raise ApiError("InvalidParameterValue.Malformed", "Invalid PrivateIpAddress `%s`." % text)
            if addr not in net:
                raise ApiError("InvalidParameterValue.Range",
                               "The IP `%s` is not in the subnet %s of `%s`." % (addr, net, eni["id"]))
            if addr in reserved:
                raise ApiError("InvalidParameterValue.Reserved", "The IP `%s` is reserved." % addr)
            if str(addr) in wanted:
                raise ApiError("InvalidParameterValue.DuplicatePara", "The IP `%s` is given twice." % addr)
            if self.holder_of(str(addr)) is not None:
                raise ApiError("ResourceInUse", "The IP `%s` is already in use." % addr)
            wanted.append(str(addr))
        for addr in net.hosts():
            if count <= 0:
                break
            if addr in reserved or str(addr) in wanted or self.holder_of(str(addr)) is not None:
                continue
            wanted.append(str(addr))
            count -= 1
        if count > 0:
            raise ApiError("ResourceInsufficient", "The subnet %s has no free address left." % net)
        if not wanted:
            raise ApiError("MissingParameter", "PrivateIpAddresses or SecondaryPrivateIpAddressCount is required.")
        if len(eni["ips"]) + len(wanted) > self.max_ips:
            raise ApiError("LimitExceeded", "`%s` cannot hold more than %d IPs." % (eni["id"], self.max_ips))
        for ip in wanted:
            eni["ips"][ip] = "PENDING"      # [MODELS] State PENDING: 生产中 (being created)
            self.qos[ip] = qos
        return self._new_task("assign", wanted, None, eni["id"], rid, fault)

    def a3_assign(self, p, region, rid, fault):
        # Parameters: [MODELS] AssignPrivateIpAddressesRequest (incl. ClientToken, QosLevel).
        check_known(p, ("NetworkInterfaceId", "PrivateIpAddresses", "SecondaryPrivateIpAddressCount",
                        "QosLevel", "ClientToken"))
        eni_id = req_str(p, "NetworkInterfaceId")
        specs = p.get("PrivateIpAddresses")
        count = opt_int(p, "SecondaryPrivateIpAddressCount", 0)
        if count < 0:
            raise ApiError("InvalidParameterValue.Range", "SecondaryPrivateIpAddressCount must be >= 0.")
        qos = opt_str(p, "QosLevel", "DEFAULT")
        if qos not in QOS_LEVELS:
            raise ApiError("InvalidParameterValue.Range", "QosLevel must be one of %s." % ", ".join(QOS_LEVELS))
        token = opt_str(p, "ClientToken", None)
        if token is not None and (len(token) > 64 or not token.isascii()):
            raise ApiError("InvalidParameterValue.Malformed", "ClientToken: at most 64 ASCII characters.")
        if token is not None and token in self.client_tokens:
            # [MODELS] ClientToken keeps the request idempotent; [ERRS] names the mismatch code.
            seen = self.client_tokens[token]
            if seen["params"] != p:
                raise ApiError("UnsupportedOperation.IdempotentParameterMismatch",
                               "ClientToken `%s` was used with other parameters." % token)
            return dict(seen["result"])
        texts = []
        if specs is not None:
            if not isinstance(specs, list):
                raise ApiError("InvalidParameter", "PrivateIpAddresses must be an array.")
            if len(specs) > MAX_ASSIGN_IPS:
                raise ApiError("InvalidParameterValue.LimitExceeded",
                               "At most %d PrivateIpAddresses per call." % MAX_ASSIGN_IPS)
            for s in specs:
                if not isinstance(s, dict):
                    raise ApiError("InvalidParameter", "PrivateIpAddresses items must be objects.")
                check_known(s, ("PrivateIpAddress", "Primary", "Description", "QosLevel",
                                "PublicIpAddress", "AddressId", "IsWanIpBlocked", "State"),
                            "PrivateIpAddresses.")
                if s.get("Primary") is True:
                    # [ERRS] AssignPrivateIpAddresses has no bare InvalidParameterValue; the
                    # doc says the primary IP cannot be changed: UnsupportedOperation (sim choice).
                    raise ApiError("UnsupportedOperation", "A primary IP cannot be assigned.")
                texts.append(req_str(s, "PrivateIpAddress"))
        t = self.do_assign(eni_id, texts, count, region, rid, fault, qos=qos)
        # Shape: [EXAMPLES] AssignPrivateIpAddresses (State PENDING, QosLevel DEFAULT).
        result = {"PrivateIpAddressSet": [
            {"PrivateIpAddress": ip, "Primary": False, "PublicIpAddress": "", "AddressId": "",
             "Description": "", "IsWanIpBlocked": False, "State": "PENDING", "QosLevel": qos}
            for ip in t["ips"]]}
        if token is not None:
            self.client_tokens[token] = {"params": json.loads(json.dumps(p)), "result": result}
        return result

    def a3_task(self, p, region, rid, fault):
        check_known(p, ("TaskId",))
        tid = req_str(p, "TaskId")
        if not TASK_ID_RE.match(tid):
            # [ERRS] DescribeVpcTaskResult lists InvalidParameterValue; a task id is a RequestId
            # ([MODELS] TaskId) or, for API 2 tasks, the numeric taskId ([LEGACY]).
            raise ApiError("InvalidParameterValue", "Invalid TaskId `%s`." % tid)
        t = self.tasks.get(tid)
        if t is None:
            raise ApiError("ResourceNotFound", "The task `%s` does not exist." % tid)
        return {"Status": t["status"], "Output": t["output"], "Result": []}

    def load_network(self, w):
        """Zones, route tables and EIPs of the world (after its ENIs)."""
        # [SUBNET] a subnet lives in one availability zone (CreateSubnet Zone); default: the world's zone
        self.subnet_zone = {s["id"]: s.get("zone", w["zone"]) for s in w["subnets"]}
        self.load_route_tables(w)
        self.load_addresses(w)

    # ---- route tables: [RTB], [RTBLIM], [MODELS] RouteTable/Route, [ERRS], [EXAMPLES] ------------
    def load_route_tables(self, w):
        self.route_seq = 10000          # RouteId: an integer ([EXAMPLES] 10262, 14915)
        self.max_routes = int(w.get("max_routes_per_table", 50))      # sim: quota
        self.route_tables = collections.OrderedDict()
        self.subnet_table = {}
        for t in w.get("route_tables", []):
            if not RTB_RE.match(t["id"]):
                raise ValueError("route table %r: ids look like rtb-xxxxxxxx" % t["id"])
            for sub in t.get("subnets", []):
                if sub not in self.subnets or sub in self.subnet_table:
                    # [RTB] "Each subnet can only be associated with one route table"
                    raise ValueError("route table %s: subnet %s unknown or in two tables" % (t["id"], sub))
                self.subnet_table[sub] = t["id"]
            rt = {"id": t["id"], "name": t.get("name", ""), "main": bool(t.get("main")), "routes": []}
            self.route_tables[t["id"]] = rt
            for r in t.get("routes", []):
                rt["routes"].append(self.new_route(
                    rt, str(ipaddress.IPv4Network(r["cidr"])), r.get("type", "NORMAL_CVM"), r["gateway"],
                    r.get("description", ""), r.get("enabled", True), r.get("route_type", "USER"),
                    r.get("item_id")))
        if self.route_tables and sum(1 for t in self.route_tables.values() if t["main"]) != 1:
            raise ValueError("route_tables: exactly one must be main (the VPC's default table)")

    def new_route(self, rt, dest, gtype, gateway, desc, enabled, route_type="USER", item_id=None):
        self.route_seq += 1
        return {"id": self.route_seq, "item_id": item_id or "rti-sim%05d" % (self.route_seq % 100000),
                "dest": dest, "type": gtype, "gateway": gateway, "description": desc,
                "enabled": bool(enabled), "route_type": route_type, "created": self.now()}

    def table_of_subnet(self, subnet_id):
        """[RTB] a subnet without a custom table uses the default (main) table."""
        if subnet_id in self.subnet_table:
            return self.route_tables[self.subnet_table[subnet_id]]
        for rt in self.route_tables.values():
            if rt["main"]:
                return rt
        return None

    def route3(self, rt, r):
        # Fields: [MODELS] Route; shape and values as in [EXAMPLES] DescribeRouteTables/ReplaceRoutes.
        return {"DestinationCidrBlock": r["dest"], "GatewayType": r["type"], "GatewayId": r["gateway"],
                "RouteId": r["id"], "RouteDescription": r["description"], "Enabled": r["enabled"],
                "RouteType": r["route_type"], "RouteTableId": rt["id"], "DestinationIpv6CidrBlock": "",
                "RouteItemId": r["item_id"], "PublishedToVbc": False,
                "CreatedTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r["created"])), "CdcId": ""}

    def rtb3(self, rt, with_routes):
        subs = [s for s in self.subnets if self.table_of_subnet(s) is rt]
        return {"VpcId": self.vpc_id, "RouteTableId": rt["id"], "RouteTableName": rt["name"],
                "AssociationSet": [{"SubnetId": s, "RouteTableId": rt["id"]} for s in subs],
                # [MODELS] NeedRouterInfo: routes are returned unless it is false
                "RouteSet": [self.route3(rt, r) for r in rt["routes"]] if with_routes else [],
                "Main": rt["main"], "CreatedTime": FIXED_TIME, "TagSet": [], "LocalCidrForCcn": []}

    def find_rtb(self, rtb_id, region):
        if not RTB_RE.match(rtb_id):
            raise ApiError("InvalidParameterValue.Malformed", "Invalid RouteTableId `%s`." % rtb_id)
        rt = self.route_tables.get(rtb_id) if region == self.region else None
        if rt is None:
            raise ApiError("ResourceNotFound", "The route table `%s` does not exist." % rtb_id)
        return rt

    def a3_describe_rtb(self, p, region, rid, fault):
        check_known(p, ("Filters", "RouteTableIds", "Offset", "Limit", "NeedRouterInfo"))
        ids = opt_str_list(p, "RouteTableIds")
        if ids is not None and p.get("Filters") is not None:
            # [MODELS] "参数不支持同时指定RouteTableIds和Filters" (not both)
            raise ApiError("InvalidParameter.Coexist", "RouteTableIds and Filters cannot be specified together.")
        offset = opt_digits(p, "Offset", 0)     # [MODELS] Offset and Limit are Strings
        limit = opt_digits(p, "Limit", 20)      # [MODELS] default 20, maximum 100
        if limit > 100:
            raise ApiError("InvalidParameterValue.Range", "Limit must be between 0 and 100.")
        need = opt_bool(p, "NeedRouterInfo", True)
        for i in ids or []:
            if not RTB_RE.match(i):
                raise ApiError("InvalidParameterValue.Malformed", "Invalid RouteTableId `%s`." % i)
        preds = rtb_filters(p.get("Filters"))
        out = [rt for rt in self.route_tables.values() if region == self.region
               and (ids is None or rt["id"] in ids) and all(f(self, rt) for f in preds)]
        return {"TotalCount": len(out),
                "RouteTableSet": [self.rtb3(rt, need) for rt in out[offset:offset + limit]]}

    def route_spec(self, s, rt, hop_code):
        """Checks one Routes item's destination and next hop -> (dest, type, gateway, desc, enabled)."""
        if s.get("RouteTableId") not in (None, rt["id"]):
            raise ApiError("InvalidParameterValue", "Routes.RouteTableId differs from RouteTableId.")
        if s.get("RouteType", "USER") != "USER":
            # [MODELS] Route.RouteType: "用户只能添加和操作 USER 类型的路由" (users add USER routes only)
            raise ApiError("InvalidParameterValue", "Only USER routes can be added or changed.")
        if opt_str(s, "DestinationIpv6CidrBlock", "") or opt_str(s, "CdcId", ""):
            raise ApiError("UnsupportedOperation", "IPv6 and CDC routes are not simulated.")
        dest = parse_cidr(req_str(s, "DestinationCidrBlock"))
        if dest.subnet_of(self.vpc_cidr):
            # [MODELS] Route.DestinationCidrBlock "取值不能在私有网络网段内"; [RTB] "The destination cannot
            # be an IP range of the VPC where the route table resides".  [ERRS]: VpcCidrConflict.
            raise ApiError("InvalidParameterValue.VpcCidrConflict",
                           "The destination %s is inside the VPC CIDR %s." % (dest, self.vpc_cidr))
        gtype, gateway = req_str(s, "GatewayType"), req_str(s, "GatewayId")
        if gtype not in GATEWAY_TYPES:
            raise ApiError("InvalidParameterValue", "Unknown GatewayType `%s`." % gtype)
        if gtype != "NORMAL_CVM" or not self.is_cvm_primary_ip(gateway):
            # [MODELS] Route.GatewayId: NORMAL_CVM takes the instance's private IP (sim: its primary
            # private IP in this VPC); the world has no gateways of the other types.
            raise ApiError(hop_code, "The next hop %s %s does not exist in %s." % (gtype, gateway, self.vpc_id))
        opt_bool(s, "PublishedToVbc", False)            # [MODELS] output only: ignored as input
        opt_str(s, "CreatedTime", "")
        return (str(dest), gtype, gateway, opt_str(s, "RouteDescription", ""), opt_bool(s, "Enabled", True))

    def is_cvm_primary_ip(self, ip):
        return any(e["primary_ip"] == ip for e in self.enis.values())

    def route_conflict(self, rt, dest, gtype, gateway, skip, planned=()):
        """[RTBLIM]: CVM next hops form ECMP with the same type, up to 8 routes to one destination
        (sim reading: "CVM" there is NORMAL_CVM, the console's 云服务器); the same next hop twice is
        InvalidParameterValue.Duplicate; any other mix UnsupportedOperation.Ecmp ([ERRS])."""
        same = [(r["type"], r["gateway"]) for r in rt["routes"] if all(r is not x for x in skip) and r["dest"] == dest]
        same += [(p[1], p[2]) for p in planned if p[0] == dest]
        if (gtype, gateway) in same:
            raise ApiError("InvalidParameterValue.Duplicate", "The route %s -> %s already exists." % (dest, gateway))
        if same and (gtype != "NORMAL_CVM" or any(t != "NORMAL_CVM" for t, _ in same) or len(same) >= ECMP_MAX):
            raise ApiError("UnsupportedOperation.Ecmp", "%s already has %d route(s) in %s." % (dest, len(same), rt["id"]))

    def a3_create_routes(self, p, region, rid, fault):
        check_known(p, ("RouteTableId", "Routes"))
        rt = self.find_rtb(req_str(p, "RouteTableId"), region)
        planned = []
        for s in route_items(p):
            for name in ("RouteId", "RouteItemId"):
                if name in s:
                    raise ApiError("InvalidParameterValue", "Routes.%s is assigned by CreateRoutes." % name)
            spec = self.route_spec(s, rt, "InvalidParameterValue.RouteNextHopInvalid")
            self.route_conflict(rt, spec[0], spec[1], spec[2], (), planned)
            planned.append(spec)
        if len(rt["routes"]) + len(planned) > self.max_routes:
            raise ApiError("LimitExceeded", "`%s` cannot hold more than %d routes." % (rt["id"], self.max_routes))
        for dest, gtype, gw, desc, enabled in planned:
            rt["routes"].append(self.new_route(rt, dest, gtype, gw, desc, enabled))
        # [MODELS] CreateRoutesResponse: TotalCount (routes added) and RouteTableSet
        return {"TotalCount": len(planned), "RouteTableSet": [self.rtb3(rt, True)]}

    def route_by_id(self, rt, s):
        """[MODELS] ReplaceRoutesRequest.Routes names its route by RouteId; [EXAMPLES] ReplaceRoutes by RouteItemId."""
        rid, item = s.get("RouteId"), s.get("RouteItemId")
        if rid is None and item is None:
            raise ApiError("MissingParameter", "Routes.RouteId or Routes.RouteItemId is required.")
        if rid is not None and (isinstance(rid, bool) or not isinstance(rid, int)):
            raise ApiError("InvalidParameter", "Routes.RouteId must be an integer.")
        if item is not None and not isinstance(item, str):
            raise ApiError("InvalidParameter", "Routes.RouteItemId must be a string.")
        if item is not None and not re.match(r"^rti-[0-9a-z]{8}$", item):
            raise ApiError("InvalidParameterValue.Malformed", "Invalid RouteItemId `%s`." % item)
        found = [r for r in rt["routes"] if (rid is None or r["id"] == rid) and (item is None or r["item_id"] == item)]
        if not found:
            raise ApiError("UnsupportedOperation.RecordNotExists",
                           "No route %s in `%s`." % (item if rid is None else rid, rt["id"]))
        if found[0]["route_type"] != "USER":
            raise ApiError("UnsupportedOperation.SystemRoute", "The %s route cannot be changed." % found[0]["route_type"])
        return found[0]

    def a3_replace_routes(self, p, region, rid, fault):
        check_known(p, ("RouteTableId", "Routes"))
        rt = self.find_rtb(req_str(p, "RouteTableId"), region)
        planned = []
        for s in route_items(p):
            r = self.route_by_id(rt, s)
            spec = self.route_spec(s, rt, "InvalidParameterValue")   # [ERRS] ReplaceRoutes has no RouteNextHopInvalid
            if any(r is x[0] for x in planned):
                raise ApiError("InvalidParameterValue.Duplicate", "Route %d is given twice." % r["id"])
            planned.append((r, spec))
        replaced = [r for r, _ in planned]
        for i, (r, spec) in enumerate(planned):
            # against the table as it will be: the replaced routes' old values no longer count
            self.route_conflict(rt, spec[0], spec[1], spec[2], replaced, [x[1] for x in planned[:i]])
        old = [self.route3(rt, r) for r, _ in planned]
        for r, (dest, gtype, gw, desc, enabled) in planned:
            # [EXAMPLES] ReplaceRoutes: RouteId and RouteItemId stay, CreatedTime is the change's time
            r.update(dest=dest, type=gtype, gateway=gw, description=desc, enabled=enabled, created=self.now())
        return {"OldRouteSet": old, "NewRouteSet": [self.route3(rt, r) for r, _ in planned]}

    def set_route(self, obj):
        """/_sim/route: someone else (console, another tool) sets or deletes a route."""
        rt = self.route_tables.get(obj.get("table"))
        if rt is None:
            raise ValueError("unknown route table %r" % obj.get("table"))
        if obj.get("gateway") is not None and parse_ipv4(obj["gateway"]) is None:
            raise ValueError("gateway must be an IPv4 address or null")
        dest = str(ipaddress.IPv4Network(obj["cidr"]))
        old = [r for r in rt["routes"] if r["dest"] == dest]
        if obj.get("gateway") is None:
            rt["routes"] = [r for r in rt["routes"] if r["dest"] != dest]
        elif old:
            old[0].update(gateway=obj["gateway"], type=obj.get("type", "NORMAL_CVM"), created=self.now())
        else:
            rt["routes"].append(self.new_route(rt, dest, obj.get("type", "NORMAL_CVM"), obj["gateway"], "", True))

    # ---- EIPs: [MODELS] Address, AssociateAddress, DisassociateAddress, DescribeTaskResult ---------
    def load_addresses(self, w):
        self.addresses = collections.OrderedDict()
        self.eip_tasks = collections.OrderedDict()
        self.eip_seq = 50121400                 # [EXAMPLES] AssociateAddress TaskId "50121411"
        mode = self.base_eip_on_migrate or w.get("eip_on_migrate", "unbind")
        if mode not in EIP_ON_MIGRATE:
            raise ValueError("eip_on_migrate must be one of %s" % ", ".join(EIP_ON_MIGRATE))
        self.eip_on_migrate = mode
        for a in w.get("addresses", []):
            if not EIP_RE.match(a["id"]) or parse_ipv4(a["ip"]) is None:
                raise ValueError("address %r: needs id eip-xxxxxxxx and an IPv4 ip" % a.get("id"))
            rec = {"id": a["id"], "ip": a["ip"], "name": a.get("name", ""), "status": "UNBIND",
                   "eni": None, "private_ip": None, "instance": None}
            self.addresses[a["id"]] = rec
            if a.get("eni"):
                eni = self.enis.get(a["eni"])
                if eni is None or a.get("private_ip") not in eni["ips"]:
                    raise ValueError("address %s: %s is not an IP of %s" % (a["id"], a.get("private_ip"), a["eni"]))
                self.bind(rec, eni, a["private_ip"], "BIND")

    def bind(self, a, eni, ip, status):
        a.update(status=status, eni=eni["id"] if eni else None, private_ip=ip if eni else None,
                 instance=eni["instance"] if eni else None)

    def eip_bound_at(self, eni_id, ip):
        for a in self.addresses.values():
            if a["status"] == "BIND" and a["eni"] == eni_id and a["private_ip"] == ip:
                return a
        return None

    def eip_field(self, eni_id, ip, key):
        a = self.eip_bound_at(eni_id, ip)
        return a[key] if a else ""

    def eip_after_move(self, ip, src_id, dst_id):
        """The secondary IP left src_id (for dst_id or nowhere): what its EIP does is undocumented,
        so it is the world's / CLI's / /_sim/config's choice: unbind (default), follow, stale."""
        for a in self.addresses.values():
            if a["status"] != "BIND" or a["eni"] != src_id or a["private_ip"] != ip:
                continue
            if self.eip_on_migrate == "follow" and dst_id is not None:
                self.bind(a, self.enis[dst_id], ip, "BIND")
            elif self.eip_on_migrate != "stale":
                self.bind(a, None, None, "UNBIND")

    def address3(self, a):
        # Fields: [MODELS] Address; values as in [EXAMPLES] DescribeAddresses.  Unbound: the ENI,
        # private IP, instance and instance type are null ([MODELS]: "null表示没有绑定").
        return {"AddressId": a["id"], "AddressName": a["name"], "AddressStatus": a["status"],
                "AddressIp": a["ip"], "InstanceId": a["instance"], "CreatedTime": "2024-01-01T00:00:00Z",
                "NetworkInterfaceId": a["eni"], "PrivateAddressIp": a["private_ip"], "IsArrears": False,
                "IsBlocked": False, "IsEipDirectConnection": False, "AddressType": "EIP",
                "CascadeRelease": False, "EipAlgType": {"Ftp": True, "Sip": True},
                "InternetServiceProvider": "BGP", "LocalBgp": False, "Bandwidth": 1,
                "InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "TagSet": [], "DeadlineDate": None,
                "InstanceType": "CVM" if a["instance"] else None, "Egress": "center_egress1",
                "AntiDDoSPackageId": "", "RenewFlag": "", "BandwidthPackageId": None, "UnVpcId": "",
                "DedicatedClusterId": ""}

    def find_eip(self, eip_id, region):
        if not EIP_RE.match(eip_id):
            raise ApiError("InvalidParameterValue.AddressIdMalformed", "Invalid AddressId `%s`." % eip_id)
        a = self.addresses.get(eip_id) if region == self.region else None
        if a is None:
            raise ApiError("InvalidAddressId.NotFound", "The EIP `%s` does not exist." % eip_id)
        return a

    def a3_describe_eip(self, p, region, rid, fault):
        check_known(p, ("AddressIds", "Filters", "Offset", "Limit"))
        ids = opt_str_list(p, "AddressIds")
        for i in ids or []:
            if not EIP_RE.match(i):
                raise ApiError("InvalidParameterValue.AddressIdMalformed", "Invalid AddressId `%s`." % i)
        preds, names = eip_filters(p.get("Filters"))
        if ids is not None and "address-id" in names:
            # [MODELS] "参数不支持同时指定AddressIds和Filters.address-id"
            raise ApiError("InvalidParameter", "AddressIds and the address-id filter cannot be used together.")
        offset, limit = opt_int(p, "Offset", 0), opt_int(p, "Limit", 20)   # [MODELS] default 20, max 100
        if offset < 0 or limit < 0 or limit > 100:
            raise ApiError("InvalidParameterValue.LimitExceeded", "Offset >= 0, Limit 0..100.")
        out = [a for a in self.addresses.values() if region == self.region
               and (ids is None or a["id"] in ids) and all(f(a) for f in preds)]
        return {"TotalCount": len(out), "AddressSet": [self.address3(a) for a in out[offset:offset + limit]]}

    def associate_target(self, p, region):
        """-> (eni, ip) named by InstanceId or NetworkInterfaceId + PrivateIpAddress ([MODELS])."""
        ins_id, eni_id = opt_str(p, "InstanceId", None), opt_str(p, "NetworkInterfaceId", None)
        ip = opt_str(p, "PrivateIpAddress", None)
        if ins_id is not None and eni_id is not None:
            # [ERRS] InvalidParameterConflict: "EIP只能绑定在实例上或指定网卡的指定内网 IP 上"
            raise ApiError("InvalidParameterConflict", "Give InstanceId or NetworkInterfaceId, not both.")
        if ins_id is None and eni_id is None:
            raise ApiError("InvalidParameterValue.MissingAssociateEntity", "InstanceId or NetworkInterfaceId is required.")
        if ins_id is not None:
            if ip is not None:
                raise ApiError("InvalidParameterValue.Combination", "PrivateIpAddress goes with NetworkInterfaceId.")
            if not INS_RE.match(ins_id):
                raise ApiError("InvalidParameterValue.InstanceIdMalformed", "Invalid InstanceId `%s`." % ins_id)
            ins = self.instances.get(ins_id) if region == self.region else None
            if ins is None:
                raise ApiError("InvalidInstanceId.NotFound", "The instance `%s` does not exist." % ins_id)
            return self.enis[ins["eni"]], ins["primary_ip"]
        if ip is None:
            # [MODELS] "如果指定了 NetworkInterfaceId 则也必须指定 PrivateIpAddress"
            raise ApiError("MissingParameter", "PrivateIpAddress is required with NetworkInterfaceId.")
        eni = self.enis.get(eni_id) if region == self.region else None
        if eni is None or ip not in eni["ips"]:
            # [ERRS] AssociateAddress: InvalidParameterValue.NetworkInterfaceNotFound "未找到网络接口ID，
            # 或私有IP地址未在网络接口配置" (no such ENI, or the private IP is not on it)
            raise ApiError("InvalidParameterValue.NetworkInterfaceNotFound", "%s is not an IP of `%s`." % (ip, eni_id))
        return eni, ip

    def a3_associate(self, p, region, rid, fault):
        check_known(p, ("AddressId", "InstanceId", "NetworkInterfaceId", "PrivateIpAddress",
                        "EipDirectConnection", "InstanceRegion"))
        a = self.find_eip(req_str(p, "AddressId"), region)
        if opt_bool(p, "EipDirectConnection", False) or opt_str(p, "InstanceRegion", ""):
            raise ApiError("InvalidParameterValue.Combination", "EIP direct connection and GAAP are not simulated.")
        eni, ip = self.associate_target(p, region)
        if a["status"] in ("BINDING", "UNBINDING") or eni["ips"][ip] != "AVAILABLE":
            # [ERRS] OperationDenied.MutexTaskRunning (互斥的任务正在执行); sim: a MIGRATING/PENDING IP counts too
            raise ApiError("OperationDenied.MutexTaskRunning", "A task is running on `%s` or %s." % (a["id"], ip))
        if a["status"] == "BIND" and a["eni"] != eni["id"]:
            # [ERRS] InvalidParameterValue.NetworkInterfaceIdNotMatch: already bound to another ENI
            raise ApiError("InvalidParameterValue.NetworkInterfaceIdNotMatch",
                           "`%s` is bound to `%s`; disassociate it first." % (a["id"], a["eni"]))
        if a["status"] == "BIND" and a["private_ip"] != ip:
            # [ERRS] InvalidParameterValue.PrivateIpAddressNotMatch: already bound to another private IP
            raise ApiError("InvalidParameterValue.PrivateIpAddressNotMatch",
                           "`%s` is bound to %s; disassociate it first." % (a["id"], a["private_ip"]))
        if a["status"] != "UNBIND":
            # AssociateAddress doc: "只有状态为 UNBIND 的 EIP 才能够被绑定"; of [ERRS]'s codes for the
            # action UnsupportedOperation.AddressStatusNotPermit (该地址状态不支持此操作) says it.
            raise ApiError("UnsupportedOperation.AddressStatusNotPermit",
                           "`%s` is %s; only UNBIND can be bound." % (a["id"], a["status"]))
        for other in self.addresses.values():
            if other["eni"] == eni["id"] and other["private_ip"] == ip:
                raise ApiError("InvalidInstanceId.AlreadyBindEip" if "InstanceId" in p else "InvalidPrivateIpAddress.AlreadyBindEip",
                               "%s on `%s` already has EIP `%s`." % (ip, eni["id"], other["id"]))
        self.bind(a, eni, ip, "BINDING")        # [MODELS] AddressStatus BINDING (绑定中)
        return {"TaskId": str(self.new_eip_task("associate", a, fault))}

    def a3_disassociate(self, p, region, rid, fault):
        check_known(p, ("AddressId", "ReallocateNormalPublicIp"))
        a = self.find_eip(req_str(p, "AddressId"), region)
        realloc = opt_bool(p, "ReallocateNormalPublicIp", False)
        if a["status"] in ("BINDING", "UNBINDING"):
            raise ApiError("OperationDenied.MutexTaskRunning", "A task is running on `%s`." % a["id"])
        if a["status"] != "BIND":
            raise ApiError("InvalidAddressIdStatus.NotPermit", "`%s` is %s, not bound." % (a["id"], a["status"]))
        eni = self.enis.get(a["eni"])
        if realloc and (eni is None or a["private_ip"] != eni["primary_ip"]):
            # [MODELS] ReallocateNormalPublicIp: only for the EIP on the primary ENI's primary IP
            raise ApiError("InvalidParameterValue.OnlySupportedForMasterNetworkCard",
                           "ReallocateNormalPublicIp is for the primary IP of the primary ENI only.")
        a["status"] = "UNBINDING"               # [MODELS] AddressStatus UNBINDING (解绑中)
        return {"TaskId": str(self.new_eip_task("disassociate", a, fault))}

    def new_eip_task(self, kind, a, fault):
        self.eip_seq += 1
        t = {"id": self.eip_seq, "kind": kind, "eip": a["id"], "status": "RUNNING", "output": "",
             "done_at": time.monotonic() + self.task_seconds, "fail": fault is not None,
             "fail_output": (fault or {}).get("output", "simulated task failure")}
        self.eip_tasks[str(t["id"])] = t
        while len(self.eip_tasks) > TASK_KEEP:
            self.eip_tasks.popitem(last=False)
        return t["id"]

    def finish_eip_task(self, t, fail, output):
        a = self.addresses[t["eip"]]
        if t["kind"] == "associate":
            eni = self.enis.get(a["eni"] or "")
            if not fail and (eni is None or eni["ips"].get(a["private_ip"]) != "AVAILABLE"):
                fail, output = True, "the private IP left the network interface"
            if fail:
                self.bind(a, None, None, "UNBIND")
            else:
                a["status"] = "BIND"
        elif fail:
            a["status"] = "BIND"
        else:
            self.bind(a, None, None, "UNBIND")
        t["status"] = "FAILED" if fail else "SUCCESS"
        t["output"] = output if fail else "SUCCESS"

    def a3_eip_task(self, p, region, rid, fault):
        check_known(p, ("TaskId", "DealName"))
        if "DealName" in p:
            raise ApiError("InvalidParameter", "DealName: no orders are simulated; use TaskId.")
        if "TaskId" not in p:
            raise ApiError("MissingParameter", "The request is missing a required parameter `TaskId`.")
        tid = p["TaskId"]
        if isinstance(tid, bool) or not isinstance(tid, int) or tid < 0:
            # [MODELS] DescribeTaskResultRequest.TaskId is an integer (uint64), [EXAMPLES] 12566700
            raise ApiError("InvalidParameter", "TaskId must be a non-negative integer.")
        t = self.eip_tasks.get(str(tid))
        if t is None:
            raise ApiError("InvalidParameter", "The task %d does not exist." % tid)
        # [MODELS] Result: SUCCESS, FAILED, RUNNING; [EXAMPLES] TaskId answered as a number
        return {"TaskId": tid, "Result": t["status"]}

    def set_eip(self, obj):
        """/_sim/eip: someone else binds (eni + ip) or unbinds (eni null) an EIP; cancels its task."""
        a = self.addresses.get(obj.get("id"))
        if a is None:
            raise ValueError("unknown EIP %r" % obj.get("id"))
        eni = None
        if obj.get("eni") is not None:
            eni = self.enis.get(obj["eni"])
            if eni is None or obj.get("ip") not in eni["ips"]:
                raise ValueError("%r is not an IP of %r" % (obj.get("ip"), obj.get("eni")))
        for t in self.eip_tasks.values():
            if t["eip"] == a["id"] and t["status"] == "RUNNING":
                t["status"], t["output"] = "FAILED", "superseded by /_sim/eip"
        self.bind(a, eni, obj.get("ip"), "BIND" if eni else "UNBIND")

    # ---- API 2.0 (legacy) ------------------------------------------------------
    def auth2(self, method, host, params):
        for name in ("Action", "Nonce", "Region", "SecretId", "Signature", "Timestamp"):
            if not params.get(name):
                raise ApiError("MissingParameter", "The request is missing a required parameter `%s`." % name)
        smethod = params.get("SignatureMethod", "HmacSHA1")
        if smethod not in ("HmacSHA1", "HmacSHA256"):
            raise ApiError("InvalidParameterValue", "SignatureMethod must be HmacSHA1 or HmacSHA256.")
        if not params["Nonce"].isdigit() or not params["Timestamp"].isdigit():
            raise ApiError("InvalidParameterValue", "Nonce and Timestamp must be positive integers.")
        secret = self.lookup_secret(params["SecretId"])
        if secret is None:
            raise ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        secret_key, kind, rec = secret
        ts, now = int(params["Timestamp"]), self.now()
        if abs(ts - now) > SKEW_LIMIT:
            raise ApiError("AuthFailure.SignatureExpire",
                           "Signature expired (request timestamp %d, server time %d)." % (ts, int(now)))
        unsigned = {k: v for k, v in params.items() if k != "Signature"}
        # The Host header as sent, or without a custom port as the legacy SDK signs it.
        wants = [legacy_signature(secret_key, legacy_string_to_sign(method, h, "/v2/index.php", unsigned), smethod)
                 for h in (host, host_without_port(host))]
        if not any(hmac.compare_digest(w, params["Signature"]) for w in wants):
            raise ApiError("AuthFailure.SignatureFailure", "Signature verification failed.")
        key = (params["SecretId"], params["Nonce"], params["Timestamp"])
        for k in [k for k, exp in self.nonces.items() if exp < now]:
            del self.nonces[k]
        if key in self.nonces:
            raise ApiError("AuthFailure.NonceReplay", "Replayed request: Nonce already used.")
        self.nonces[key] = now + NONCE_WINDOW
        self.check_token(kind, rec, params.get("Token"))
        action = params["Action"]
        if action not in API2_ACTIONS:      # API 2 serves the four ENI actions only
            raise ApiError("InvalidAction", "The requested action `%s` does not exist." % action)
        self.check_deny(kind, rec, action)
        region = LEGACY_REGIONS.get(params["Region"], params["Region"])
        if not REGION_RE.match(region):
            raise ApiError("UnsupportedRegion", "The region `%s` is not supported." % params["Region"])
        return action, region

    def dispatch2(self, action, region, p, rid, fault):
        fn = {"DescribeNetworkInterfaces": self.a2_describe,
              "MigratePrivateIpAddress": self.a2_migrate,
              "AssignPrivateIpAddresses": self.a2_assign,
              "DescribeVpcTaskResult": self.a2_task}[action]
        return fn(p, region, rid, fault)

    def check_vpc2(self, p, required):
        vpc = p.get("vpcId")
        if required and not vpc:
            raise ApiError("MissingParameter", "The request is missing a required parameter `vpcId`.")
        if vpc and vpc != self.vpc_id:
            raise ApiError("InvalidVpc.NotFound", "The VPC `%s` does not exist." % vpc)

    def a2_describe(self, p, region, rid, fault):
        self.check_vpc2(p, False)
        offset = legacy_int(p, "offset", 0)
        limit = legacy_int(p, "limit", 20)
        if offset < 0 or limit < 0 or limit > 50:
            raise ApiError("InvalidParameterValue.Range", "offset must be >= 0 and limit between 0 and 50.")
        out = []
        if region == self.region:
            for eni in self.enis.values():
                if p.get("networkInterfaceId") and eni["id"] != p["networkInterfaceId"]:
                    continue
                if p.get("instanceId") and eni["instance"] != p["instanceId"]:
                    continue
                out.append(eni)
        page = out[offset:offset + limit]
        return {"data": {"totalNum": len(out), "data": [self.eni2(e) for e in page]}}

    def eni2(self, eni):
        return {"vpcId": self.vpc_id, "subnetId": eni["subnet"], "zoneId": 100003,
                "eniName": "", "eniDescription": "", "networkInterfaceId": eni["id"],
                # sim: the API 2 documents show no macAddress example; kept lower case as the
                # seed kit's vip.py saw it.  Clients compare MACs case-insensitively.
                "primary": True, "macAddress": eni["mac"].lower(),
                "privateIpAddressesSet": [
                    {"privateIpAddress": ip, "primary": ip == eni["primary_ip"],
                     "wanIp": self.eip_field(eni["id"], ip, "ip"), "eipId": self.eip_field(eni["id"], ip, "id")}
                    for ip in eni["ips"]],
                "instanceSet": {"instanceId": eni["instance"], "attachTime": FIXED_TIME},
                "groupSet": []}

    def a2_migrate(self, p, region, rid, fault):
        self.check_vpc2(p, True)
        for name in ("privateIpAddress", "oldNetworkInterfaceId", "newNetworkInterfaceId"):
            if not p.get(name):
                raise ApiError("MissingParameter", "The request is missing a required parameter `%s`." % name)
        t = self.do_migrate(p["oldNetworkInterfaceId"], p["newNetworkInterfaceId"],
                            p["privateIpAddress"], region, rid, fault, legacy=True)
        return {"taskId": t["legacy_id"], "data": {"taskId": t["legacy_id"]}}

    def a2_assign(self, p, region, rid, fault):
        self.check_vpc2(p, True)
        if not p.get("networkInterfaceId"):
            raise ApiError("MissingParameter", "The request is missing a required parameter `networkInterfaceId`.")
        texts, i = [], 0
        while True:
            base = "privateIpAddressSet.%d" % i
            v = p.get(base + ".privateIpAddress", p.get(base))
            if v is None:
                break
            if p.get(base + ".primary", "").lower() in ("true", "1"):
                raise ApiError("InvalidParameterValue", "A primary IP cannot be assigned.")
            texts.append(v)
            i += 1
        count = legacy_int(p, "secondaryPrivateIpAddressCount", 0)
        t = self.do_assign(p["networkInterfaceId"], texts, count, region, rid, fault, legacy=True)
        return {"taskId": t["legacy_id"], "data": {"taskId": t["legacy_id"]}}

    def a2_task(self, p, region, rid, fault):
        tid = p.get("taskId")
        if not tid:
            raise ApiError("MissingParameter", "The request is missing a required parameter `taskId`.")
        t = self.tasks.get(tid)
        if t is None:
            raise ApiError("ResourceNotFound", "The task `%s` does not exist." % tid)
        status = {"SUCCESS": 0, "FAILED": 1, "RUNNING": 2}[t["status"]]
        return {"data": {"status": status, "output": t["output"]}}

    # ---- metadata --------------------------------------------------------------
    def metadata(self, source, path):
        """-> (status, text)."""
        ins_id = self.source_map.get(source, self.meta_instance)
        ins = self.instances.get(ins_id)
        if ins is None:
            return 404, "Not Found"
        eni = self.enis[ins["eni"]]
        # [META]: paths are the documented ones only, matched exactly (case-sensitive).  The MAC is
        # upper case in the answer of `mac` and in the macs/ paths (a lower-case MAC path is 404).
        mac = eni["mac"]
        macdir = "network/interfaces/macs/%s/" % mac
        net = self.subnets[eni["subnet"]]
        avail = [ip for ip, st in eni["ips"].items() if st == "AVAILABLE"]
        files = {
            "instance-id": ins["id"], "mac": mac, "local-ipv4": eni["primary_ip"],
            "placement/region": self.region, "placement/zone": self.subnet_zone[eni["subnet"]],
            macdir + "mac": mac,
            macdir + "vpc-id": self.vpc_id, macdir + "subnet-id": eni["subnet"],
            macdir + "primary-local-ipv4": eni["primary_ip"],
        }
        # [META] local-ipv4s/ is a directory: one `IP/` per private IP, each with gateway,
        # local-ipv4, subnet-mask (public-ipv4*: none here, so absent).
        for ip in avail:
            d = macdir + "local-ipv4s/%s/" % ip
            files[d + "gateway"] = str(net.network_address + 1)
            files[d + "local-ipv4"] = ip
            files[d + "subnet-mask"] = str(net.netmask)
        if self.role:
            # [ROLE] / tencentcloud-sdk-python common/credential.py: TmpSecretId, TmpSecretKey,
            # ExpiredTime (unix), Expiration (RFC 3339), Token, Code "Success".
            cred = self.current_role()
            files["cam/security-credentials/"] = self.role["name"]
            files["cam/security-credentials/" + self.role["name"]] = json.dumps({
                "TmpSecretId": cred["secret_id"], "TmpSecretKey": cred["secret_key"],
                "ExpiredTime": cred["expired"], "Expiration": iso8601(cred["expired"]),
                "Token": cred["token"], "Code": "Success"}, indent=2)
        # [SPOT] spot/termination-time: the reclaim time ("2018-08-18 12:05:33", UTC+8) once a
        # spot instance is to be reclaimed; 404 when it is not spot or not to be reclaimed.
        if ins_id in self.spot_notice:
            files["spot/termination-time"] = self.spot_notice[ins_id]
        if path in files:
            return 200, files[path]
        if path == "" or path.endswith("/"):
            children = []
            for name in files:
                if name.startswith(path) and name != path:
                    rest = name[len(path):]
                    child = rest.split("/", 1)[0] + ("/" if "/" in rest else "")
                    if child not in children:
                        children.append(child)
            if children:
                return 200, "\n".join(children)
        return 404, "Not Found"

    # ---- control ---------------------------------------------------------------
    def state(self):
        self.settle()
        now = time.monotonic()
        enis = []
        holders = {}
        for eni in self.enis.values():
            ips = []
            for ip, st in eni["ips"].items():
                ips.append({"ip": ip, "primary": ip == eni["primary_ip"], "state": st})
                if ip != eni["primary_ip"]:
                    holders[ip] = eni["id"]
            enis.append({"id": eni["id"], "instance": eni["instance"], "mac": eni["mac"],
                         "subnet": eni["subnet"], "primary_ip": eni["primary_ip"], "ips": ips})
        seen, tasks = set(), []
        for t in self.tasks.values():
            if id(t) in seen:
                continue
            seen.add(id(t))
            tasks.append({"id": t["id"], "legacy_id": t["legacy_id"], "kind": t["kind"], "ips": t["ips"],
                          "src": t["src"], "dst": t["dst"], "status": t["status"], "output": t["output"],
                          "remaining": round(max(0.0, t["done_at"] - now), 3) if t["status"] == "RUNNING" else 0,
                          # created, due, and when a request first found it ended (sim clock)
                          "created": round(t["created"], 4), "ends": round(t["ends"], 4),
                          "finished": round(t["finished"], 4) if t.get("finished") else None})
        role = None
        if self.role:
            cur = self.role_gens[-1]
            role = {"name": self.role["name"], "secret_id": cur["secret_id"], "expired": cur["expired"],
                    "generation": cur["gen"]}
        return {"now": round(self.now(), 3), "clock_offset": self.clock_offset,
                "task_seconds": self.task_seconds, "tls_resume": self.tls_resume, "down": self.is_down(),
                "down_remaining": round(max(0.0, self.down_until - now), 3),
                "region": self.region, "vpc": self.vpc_id, "meta_instance": self.meta_instance,
                "enis": enis, "holders": holders,
                "running_tasks": [t for t in tasks if t["status"] == "RUNNING"], "tasks": tasks[-50:],
                "faults": self.faults, "role": role,
                "subnets": collections.OrderedDict(
                    (sid, {"cidr": str(net), "zone": self.subnet_zone[sid],
                           "route_table": (self.table_of_subnet(sid) or {}).get("id")})
                    for sid, net in self.subnets.items()),
                "route_tables": self.routes_state(), "addresses": self.addresses_state(),
                "eip_on_migrate": self.eip_on_migrate}

    def routes_state(self):
        """{table id: {"main", "subnets", "routes": [{"id", "item_id", "cidr", "type", "gateway", "enabled"}]}}"""
        out = collections.OrderedDict()
        for rt in self.route_tables.values():
            out[rt["id"]] = {"main": rt["main"], "subnets": [s for s in self.subnets if self.table_of_subnet(s) is rt],
                             "routes": [{"id": r["id"], "item_id": r["item_id"], "cidr": r["dest"], "type": r["type"],
                                         "gateway": r["gateway"], "enabled": r["enabled"],
                                         "route_type": r["route_type"]} for r in rt["routes"]]}
        return out

    def addresses_state(self):
        """{EIP id: {"ip", "status", "eni", "private_ip", "instance"}}"""
        return collections.OrderedDict(
            (a["id"], {"ip": a["ip"], "status": a["status"], "eni": a["eni"], "private_ip": a["private_ip"],
                       "instance": a["instance"]}) for a in self.addresses.values())

    def route_lookup(self, subnet_id, dst_text):
        """The route a packet from subnet_id to dst takes: longest prefix among enabled routes of the
        subnet's table ([RTB]); -> route dict or None (no route: local VPC traffic or dropped)."""
        rt = self.table_of_subnet(subnet_id)
        addr = parse_ipv4(dst_text)
        if rt is None or addr is None:
            return None
        best = None
        for r in rt["routes"]:
            net = ipaddress.IPv4Network(r["dest"])
            if r["enabled"] and addr in net and (best is None or net.prefixlen > best[0]):
                best = (net.prefixlen, r)
        return best[1] if best else None

    def control(self, path, obj):
        """POST /_sim/... -> dict; raises ValueError on a bad request."""
        if path == "/_sim/log/clear":
            self.log = []
        elif path == "/_sim/fault":
            kind = obj.get("kind")
            if kind not in FAULT_KINDS:
                raise ValueError("kind must be one of %s" % ", ".join(FAULT_KINDS))
            f = dict(obj)
            f.setdefault("action", "*")
            f["count"] = int(f.get("count", 1))
            if kind == "delay":
                f["seconds"] = float(f.get("seconds", 1.0))
            if kind == "error":
                f.setdefault("code", "InternalError")
                f.setdefault("message", "simulated fault")
            if f["count"] > 0:
                self.faults.append(f)
        elif path == "/_sim/fault/clear":
            self.faults = []
        elif path == "/_sim/clock":
            self.clock_offset = float(obj["offset"])
        elif path == "/_sim/down":
            self.down_until = time.monotonic() + float(obj["seconds"])
        elif path == "/_sim/config":
            if "task_seconds" in obj:
                self.task_seconds = float(obj["task_seconds"])
            if "tls_resume" in obj:
                self.tls_resume = bool(obj["tls_resume"])
            if "eip_on_migrate" in obj:
                if obj["eip_on_migrate"] not in EIP_ON_MIGRATE:
                    raise ValueError("eip_on_migrate must be one of %s" % ", ".join(EIP_ON_MIGRATE))
                self.eip_on_migrate = obj["eip_on_migrate"]
            for sid, actions in obj.get("deny", {}).items():
                if sid not in self.accounts:
                    raise ValueError("unknown account %s" % sid)
                self.accounts[sid]["deny"] = set(actions)
        elif path == "/_sim/holder":
            self.set_holder(obj.get("ip"), obj.get("eni"))
        elif path == "/_sim/spot":
            if obj.get("instance") not in self.instances:
                raise ValueError("unknown instance %s" % obj.get("instance"))
            when = obj.get("time")
            if when is None:
                self.spot_notice.pop(obj["instance"], None)
            elif not (isinstance(when, str) and re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", when)):
                raise ValueError("time: 'YYYY-MM-DD hh:mm:ss' (UTC+8) or null")
            else:
                self.spot_notice[obj["instance"]] = when
        elif path == "/_sim/meta_instance":
            if obj.get("id") not in self.instances:
                raise ValueError("unknown instance %s" % obj.get("id"))
            self.meta_instance = obj["id"]
        elif path == "/_sim/role/rotate":
            if not self.role:
                raise ValueError("the world has no role")
            if obj.get("revoke_old"):
                for cred in self.role_gens:
                    cred["revoked"] = True
            cur = self._issue_role(self.role_gens[-1]["gen"] + 1, obj.get("ttl"))
            return {"ok": True, "secret_id": cur["secret_id"], "expired": cur["expired"]}
        elif path in ("/_sim/route", "/_sim/eip", "/_sim/route/lookup"):
            return self.control_network(path, obj)
        elif path == "/_sim/reset":
            self.reset()
        else:
            return None
        return {"ok": True}

    def control_network(self, path, obj):
        """/_sim/route, /_sim/eip, /_sim/route/lookup (see PROTOCOL.md section 6)."""
        if path == "/_sim/route":
            self.set_route(obj)
        elif path == "/_sim/eip":
            self.set_eip(obj)
        else:
            r = self.route_lookup(obj.get("subnet"), obj.get("dst"))
            return {"ok": True, "route": None if r is None else
                    {"id": r["id"], "cidr": r["dest"], "type": r["type"], "gateway": r["gateway"]}}
        return {"ok": True}

    def set_holder(self, ip_text, eni_id):
        addr = parse_ipv4(ip_text)
        if addr is None:
            raise ValueError("bad ip %r" % ip_text)
        ip = str(addr)
        holder = self.holder_of(ip)
        if holder is not None and holder["primary_ip"] == ip:
            raise ValueError("%s is the primary IP of %s" % (ip, holder["id"]))
        if eni_id is not None and eni_id not in self.enis:
            raise ValueError("unknown ENI %s" % eni_id)
        if eni_id is not None and addr not in self.subnets[self.enis[eni_id]["subnet"]]:
            raise ValueError("%s is outside the subnet of %s" % (ip, eni_id))
        for t in self.tasks.values():
            if t["status"] == "RUNNING" and ip in t["ips"]:
                t["status"], t["output"] = "FAILED", "superseded by /_sim/holder"
                for other in t["ips"]:
                    if other != ip:
                        e = self.enis[t["src"] or t["dst"]]
                        if t["kind"] == "assign":
                            e["ips"].pop(other, None)
                        else:
                            e["ips"][other] = "AVAILABLE"
        old = holder["id"] if holder is not None else None
        for eni in self.enis.values():
            eni["ips"].pop(ip, None)
        if eni_id is not None:
            self.enis[eni_id]["ips"][ip] = "AVAILABLE"
        if old is not None and old != eni_id:
            self.eip_after_move(ip, old, eni_id)      # moved out of band: the same undocumented choice


# --------------------------------------------------------------------------
# Request parameter helpers (API 3 JSON, API 2 form)
# --------------------------------------------------------------------------

def check_known(p, names, prefix=""):
    for k in p:
        if k not in names:
            raise ApiError("UnknownParameter", "The parameter `%s%s` is not recognized." % (prefix, k))


def req_str(p, name):
    if name not in p or p[name] is None:
        raise ApiError("MissingParameter", "The request is missing a required parameter `%s`." % name)
    v = p[name]
    if not isinstance(v, str):
        raise ApiError("InvalidParameter", "The parameter `%s` must be a string." % name)
    if v == "":
        raise ApiError("InvalidParameterValue", "The parameter `%s` must not be empty." % name)
    return v


def opt_str(p, name, default):
    if name not in p:
        return default
    v = p[name]
    if not isinstance(v, str):
        raise ApiError("InvalidParameter", "The parameter `%s` must be a string." % name)
    return v


def opt_int(p, name, default):
    if name not in p:
        return default
    v = p[name]
    if isinstance(v, bool) or not isinstance(v, int):
        raise ApiError("InvalidParameter", "The parameter `%s` must be an integer." % name)
    return v


def opt_str_list(p, name):
    if name not in p:
        return None
    v = p[name]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ApiError("InvalidParameter", "The parameter `%s` must be an array of strings." % name)
    if len(v) > 100:
        raise ApiError("InvalidParameterValue.LimitExceeded", "At most 100 `%s`." % name)
    return v


def legacy_int(p, name, default):
    v = p.get(name)
    if v is None or v == "":
        return default
    if not re.match(r"^-?\d+$", v):
        raise ApiError("InvalidParameterValue", "The parameter `%s` must be an integer." % name)
    return int(v)


def opt_digits(p, name, default):
    """[MODELS] DescribeRouteTablesRequest.Offset/Limit are Strings: a JSON string of digits."""
    if name not in p:
        return default
    v = p[name]
    if not isinstance(v, str):
        raise ApiError("InvalidParameter", "The parameter `%s` must be a string." % name)
    if not v.isdigit():
        raise ApiError("InvalidParameterValue.Malformed", "The parameter `%s` must be a number." % name)
    return int(v)


def opt_bool(p, name, default):
    if name not in p:
        return default
    v = p[name]
    if not isinstance(v, bool):
        raise ApiError("InvalidParameter", "The parameter `%s` must be a boolean." % name)
    return v


def parse_cidr(text):
    """An IPv4 CIDR with no host bits set (strict: the documents give network addresses only)."""
    try:
        return ipaddress.IPv4Network(text, strict=True)
    except (ipaddress.AddressValueError, ipaddress.NetmaskValueError, ValueError, TypeError):
        raise ApiError("InvalidParameterValue.Malformed", "Invalid DestinationCidrBlock `%s`." % text)


# [MODELS] Route.GatewayType: every documented next hop type (the world has NORMAL_CVM next hops only).
GATEWAY_TYPES = ("CVM", "VPN", "DIRECTCONNECT", "PEERCONNECTION", "HAVIP", "NAT", "NORMAL_CVM", "EIP",
                 "LOCAL_GATEWAY", "INTRANAT", "USER_CCN", "GWLB_ENDPOINT")
# [MODELS] Route: the fields a Routes item may carry.
ROUTE_FIELDS = ("DestinationCidrBlock", "GatewayType", "GatewayId", "RouteId", "RouteDescription", "Enabled",
                "RouteType", "RouteTableId", "DestinationIpv6CidrBlock", "RouteItemId", "PublishedToVbc",
                "CreatedTime", "CdcId")
MAX_ROUTES_PER_CALL = 100       # sim: the documents give no per-call maximum
ECMP_MAX = 8                    # [RTBLIM] CVM routes: "Up to 8 for the same type"


def route_items(p):
    """CreateRoutes/ReplaceRoutes Routes: a non-empty array of Route objects ([MODELS])."""
    if "Routes" not in p:
        raise ApiError("MissingParameter", "The request is missing a required parameter `Routes`.")
    items = p["Routes"]
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise ApiError("InvalidParameter", "The parameter `Routes` must be an array of objects.")
    if not items:
        raise ApiError("InvalidParameterValue", "The parameter `Routes` must not be empty.")
    if len(items) > MAX_ROUTES_PER_CALL:
        raise ApiError("LimitExceeded", "At most %d Routes per call." % MAX_ROUTES_PER_CALL)
    for i, s in enumerate(items):
        check_known(s, ROUTE_FIELDS, "Routes.%d." % i)
    return items


def filter_list(filters, bad_key_code, too_many_code, names, prefix_ok=("tag:",)):
    """Common Filters checks ([MODELS] Filter: AND between filters, OR between Values) -> {name: values}."""
    if filters is None:
        return {}
    if not isinstance(filters, list):
        raise ApiError("InvalidParameter", "Filters must be an array.")
    if len(filters) > 10:
        raise ApiError(too_many_code, "At most 10 Filters.")
    by_name = collections.OrderedDict()
    for f in filters:
        if not isinstance(f, dict):
            raise ApiError("InvalidParameter.FilterNotDict" if bad_key_code.endswith("InvalidKey")
                           else "InvalidParameter", "Each filter must be an object.")
        check_known(f, ("Name", "Values"), "Filters.")
        name, values = f.get("Name"), f.get("Values")
        known = isinstance(name, str) and (name in names or any(
            name.startswith(x) and len(name) > len(x) for x in prefix_ok))
        if not known:
            raise ApiError(bad_key_code, "Invalid filter name `%s`." % name)
        if not isinstance(values, list) or not all(isinstance(x, str) for x in values):
            raise ApiError("InvalidParameter.FilterValuesNotList" if bad_key_code.endswith("InvalidKey")
                           else "InvalidParameter", "Filter `%s` Values must be an array of strings." % name)
        if len(values) > 100:
            raise ApiError("InvalidParameterValue.LimitExceeded", "At most 100 Values per filter.")
        by_name.setdefault(name, []).extend(values)
    return by_name


# [MODELS] DescribeRouteTablesRequest.Filters: every documented name.
RTB_FILTER_NAMES = ("route-table-id", "route-table-name", "vpc-id", "association.main", "tag-key",
                    "visible", "next-hop-type")


def rtb_filters(filters):
    """-> predicates pred(sim, table).  Booleans: "TRUE"/"FALSE" any case ([MODELS] Filter.Values)."""
    by_name = filter_list(filters, "InvalidParameter.FilterInvalidKey", "InvalidParameterValue.LimitExceeded",
                          RTB_FILTER_NAMES)
    if "next-hop-type" in by_name and not ("route-table-id" in by_name and "vpc-id" in by_name):
        # [MODELS] "使用next-hop-type进行过滤时，必须同时携带route-table-id与vpc-id"; [ERRS] FilterMissParameter
        raise ApiError("InvalidParameter.FilterMissParameter",
                       "The next-hop-type filter needs the route-table-id and vpc-id filters too.")
    preds = []
    for name, vals in by_name.items():
        low = [x.lower() for x in vals]
        if name == "route-table-id":
            preds.append(lambda s, t, v=vals: t["id"] in v)
        elif name == "route-table-name":
            preds.append(lambda s, t, v=vals: t["name"] in v)
        elif name == "vpc-id":
            preds.append(lambda s, t, v=vals: s.vpc_id in v)
        elif name == "association.main":
            preds.append(lambda s, t, v=low: ("true" if t["main"] else "false") in v)
        elif name == "visible":
            preds.append(lambda s, t, v=low: "true" in v)           # every simulated table is visible
        elif name == "next-hop-type":
            preds.append(lambda s, t, v=vals: any(r["type"] in v for r in t["routes"]))
        else:
            preds.append(lambda s, t: False)                        # tag-key, tag:KEY: no tags here
    return preds


# [MODELS] DescribeAddressesRequest.Filters: every documented name.
EIP_FILTER_NAMES = ("address-id", "address-name", "address-ip", "address-status", "instance-id",
                    "private-ip-address", "network-interface-id", "is-arrears", "instance-type",
                    "address-type", "address-isp", "dedicated-cluster-id", "tag-key", "tag-value")


def eip_filters(filters):
    """-> (predicates pred(address), names used).  [MODELS]: address-name and private-ip-address use
    the first value only; without address-type, every type but WanIP (all simulated ones are EIP)."""
    by_name = filter_list(filters, "InvalidParameter.InvalidFilter", "LimitExceeded.NumberOfFilters",
                          EIP_FILTER_NAMES)
    preds = []
    for name, vals in by_name.items():
        first = vals[:1]
        if name == "address-id":
            preds.append(lambda a, v=vals: a["id"] in v)
        elif name == "address-name":
            preds.append(lambda a, v=first: a["name"] in v)
        elif name == "address-ip":
            preds.append(lambda a, v=vals: a["ip"] in v)
        elif name == "address-status":
            preds.append(lambda a, v=vals: a["status"] in v)
        elif name == "instance-id":
            preds.append(lambda a, v=vals: a["instance"] in v)
        elif name == "private-ip-address":
            preds.append(lambda a, v=first: a["private_ip"] in v)
        elif name == "network-interface-id":
            preds.append(lambda a, v=vals: a["eni"] in v)
        elif name == "is-arrears":
            preds.append(lambda a, v=vals: "false" in [x.lower() for x in v])
        elif name == "instance-type":
            preds.append(lambda a, v=vals: a["instance"] is not None and "CVM" in v)
        elif name == "address-type":
            preds.append(lambda a, v=vals: "EIP" in v)
        elif name == "address-isp":
            preds.append(lambda a, v=vals: "BGP" in v)
        else:
            preds.append(lambda a: False)        # dedicated-cluster-id, tags: none here
    return preds, list(by_name)


# [MODELS]/[DNI] DescribeNetworkInterfacesRequest.Filters: every documented filter name.
FILTER_NAMES = ("vpc-id", "subnet-id", "network-interface-id", "attachment.instance-id",
                "groups.security-group-id", "network-interface-name", "network-interface-description",
                "address-ip", "ip-exact-match", "tag-key", "is-primary", "eni-type", "eni-qos",
                "address-ipv6", "public-address-ip", "address-type", "termination-protection",
                "traffic-protection")


def parse_filters(filters):
    """-> list of predicates pred(sim, eni); raises ApiError like the real API."""
    if filters is None:
        return []
    if not isinstance(filters, list):
        raise ApiError("InvalidParameter", "Filters must be an array.")
    if len(filters) > 10:
        raise ApiError("InvalidParameterValue.LimitExceeded", "At most 10 Filters.")
    by_name, exact = {}, False
    for f in filters:
        if not isinstance(f, dict):
            raise ApiError("InvalidParameter.FilterNotDict", "Each filter must be an object.")
        check_known(f, ("Name", "Values"), "Filters.")
        name, values = f.get("Name"), f.get("Values")
        if not isinstance(name, str):
            raise ApiError("InvalidParameter.FilterInvalidKey", "Filter Name must be a string.")
        if name not in FILTER_NAMES and not (name.startswith("tag:") and len(name) > 4):
            raise ApiError("InvalidParameter.FilterInvalidKey", "Invalid filter name `%s`." % name)
        if not isinstance(values, list) or not all(isinstance(x, str) for x in values):
            raise ApiError("InvalidParameter.FilterValuesNotList", "Filter `%s` Values must be an array of strings." % name)
        if name == "ip-exact-match":
            # [DNI] ip-exact-match: with several values only the first counts.
            exact = bool(values) and values[0].lower() == "true"
            continue
        by_name.setdefault(name, []).extend(values)
    preds = []
    for name, values in by_name.items():
        vals = list(values)
        if name == "vpc-id":
            preds.append(lambda s, e, v=vals: s.vpc_id in v)
        elif name == "subnet-id":
            preds.append(lambda s, e, v=vals: e["subnet"] in v)
        elif name == "network-interface-id":
            preds.append(lambda s, e, v=vals: e["id"] in v)
        elif name == "attachment.instance-id":
            preds.append(lambda s, e, v=vals: e["instance"] in v)
        elif name in ("network-interface-name", "network-interface-description"):
            preds.append(lambda s, e, v=vals: "" in v)         # simulated ENIs have empty names
        elif name == "is-primary":
            # [DNI] true: primary ENIs only; false: secondary ENIs only.  Every simulated ENI is primary.
            preds.append(lambda s, e, v=vals: any(x.lower() == "true" for x in v))
        elif name == "eni-type":
            preds.append(lambda s, e, v=vals: "1" in v)         # [MODELS] "1" = primary ENI
        elif name == "eni-qos":
            preds.append(lambda s, e, v=vals: "DEFAULT" in v)
        elif name in ("termination-protection", "traffic-protection"):
            preds.append(lambda s, e, v=vals: "false" in [x.lower() for x in v])
        elif name == "address-ip":
            if exact or len(vals) > 1:
                # [DNI] several IPs match exactly; one IP with ip-exact-match true matches exactly.
                preds.append(lambda s, e, v=vals: any(ip in v for ip in e["ips"]))
            else:
                # [DNI] "A single IP will be fuzzily matched with the suffix" (单IP后缀模糊匹配):
                # the value with a wildcard suffix, i.e. a prefix match.
                preds.append(lambda s, e, v=vals: any(ip.startswith(v[0]) for ip in e["ips"]) if v else False)
        else:
            # groups.security-group-id, tag-key, tag:KEY, address-ipv6, public-address-ip,
            # address-type: simulated ENIs have no groups, tags, IPv6 or public addresses.
            preds.append(lambda s, e: False)
    return preds


def parse_tc3_authorization(auth):
    if not auth:
        return None
    alg, _, rest = auth.strip().partition(" ")
    if alg != "TC3-HMAC-SHA256":
        return None
    fields = {}
    for part in rest.split(","):
        k, _, v = part.strip().partition("=")
        fields[k] = v
    try:
        sid, date, service, term = fields["Credential"].split("/")
        signed, sig = fields["SignedHeaders"], fields["Signature"]
    except (KeyError, ValueError):
        return None
    if term != "tc3_request" or not sid or not re.match(r"^[0-9a-f]{64}$", sig) \
            or not re.match(r"^[a-z0-9.;-]+$", signed):
        return None
    return {"secret_id": sid, "date": date, "service": service,
            "signed_headers": signed, "signature": sig}


def secret_id_hint(auth):
    cred = parse_tc3_authorization(auth)
    return cred["secret_id"] if cred else ""


# --------------------------------------------------------------------------
# HTTP layer
# --------------------------------------------------------------------------

class BadRequest(Exception):
    pass


class BaseHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tcvip-sim/1"
    disable_nagle_algorithm = True      # headers and body leave at once (no delayed-ACK stalls)
    sys_version = ""
    timeout = 30                        # idle keep-alive connections close after this

    def log_message(self, fmt, *args):
        if self.server.sim.verbose:
            sys.stderr.write("sim %s: %s\n" % (self.address_string(), fmt % args))

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(self.server.sim.now(), usegmt=True)

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise BadRequest("chunked request bodies are not supported")
        n = self.headers.get("Content-Length")
        if n is None:
            return b""
        if not n.strip().isdigit() or int(n) > MAX_BODY:
            raise BadRequest("bad Content-Length")
        return self.rfile.read(int(n))

    def send_body(self, status, body, ctype, length=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self._headers_buffer.append(b"\r\n" + body)   # head and body in one write/TLS record
        self.flush_headers()

    def bad_request(self, why):
        self.close_connection = True
        self.send_body(400, (why + "\n").encode(), "text/plain; charset=utf-8")


class ApiHandler(BaseHandler):
    abrupt = False      # the connection is dropped, not closed: no TLS close_notify

    def resumed(self):
        """True if this connection's TLS handshake resumed a cached session (RFC 5246 7.3)."""
        return bool(getattr(self.connection, "session_reused", False))

    def handle_one_request(self):
        if self.server.sim.is_down():
            self.close_connection = self.abrupt = True     # API "down": drop without answering
            return
        super().handle_one_request()

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        t0 = time.monotonic()
        if self.server.sim.is_down():       # went down while this connection sat idle
            self.close_connection = self.abrupt = True
            return
        path, _, query = self.path.partition("?")
        try:
            body = self.read_body()
        except BadRequest as e:
            self.bad_request(str(e))
            return
        if path == "/v2/index.php":
            self.api2(method, query, body, t0)
        elif path == "/" and method == "POST":
            self.api3(path, query, body, t0)
        elif path == "/":
            self.reply3(str(uuid.uuid4()), ApiError("InvalidParameter", "This simulator serves API 3.0 over POST only."))
        else:
            self.send_body(404, b"Not Found\n", "text/plain; charset=utf-8")

    def transport_fault(self, fault, sample):
        """Apply delay/drop/http500/malformed/truncated; True if the exchange is over."""
        kind = fault["kind"]
        if kind == "delay":
            time.sleep(min(max(fault["seconds"], 0.0), 120.0))
            return False
        if kind == "drop":
            self.close_connection = self.abrupt = True
        elif kind == "http500":
            self.send_body(500, b"<html><body>500 Internal Server Error</body></html>\n", "text/html")
        elif kind == "malformed":
            self.send_body(200, sample[:max(1, len(sample) // 2)], "application/json")
        elif kind == "truncated":
            self.send_body(200, sample[:max(1, len(sample) // 2)], "application/json", length=len(sample))
            self.close_connection = self.abrupt = True
        else:
            return False
        return True

    def reply3(self, rid, result):
        if isinstance(result, ApiError):
            resp = {"Error": {"Code": result.code, "Message": result.message}}
        else:
            resp = dict(result)
        resp["RequestId"] = rid
        self.send_body(200, json.dumps({"Response": resp}).encode(), "application/json")

    def api3(self, path, query, body, t0):
        sim = self.server.sim
        rid = str(uuid.uuid4())
        action = self.headers.get("X-TC-Action") or ""
        sid = secret_id_hint(self.headers.get("Authorization"))
        host = self.headers.get("Host") or ""
        fault = sim.take_fault(action, 3)
        if fault:
            sample = json.dumps({"Response": {"RequestId": rid, "TotalCount": 0}}).encode()
            if self.transport_fault(fault, sample):
                sim.log_call(3, action, self.client_address[0], host, sid, "fault:" + fault["kind"], t0,
                             self.resumed())
                return
        try:
            with sim.lock:
                sim.settle()
                if fault and fault["kind"] == "error":
                    raise ApiError(fault["code"], fault["message"])
                action, region = sim.auth3(self.headers, path, query, body)
                try:
                    params = json.loads(body.decode("utf-8")) if body else {}
                except (UnicodeDecodeError, ValueError):
                    raise ApiError("InvalidParameter", "The request body is not valid JSON.")
                result = sim.dispatch3(action, region, params, rid,
                                       fault if fault and fault["kind"] == "taskfail" else None)
            code = "Success"
        except ApiError as e:
            result, code = e, e.code
        self.reply3(rid, result)
        sim.log_call(3, action, self.client_address[0], host, sid, code, t0, self.resumed())

    def api2(self, method, query, body, t0):
        sim = self.server.sim
        raw = body.decode("utf-8", "replace") if method == "POST" else query
        params = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
        action = params.get("Action", "")
        sid = params.get("SecretId", "")
        host = self.headers.get("Host") or ""
        fault = sim.take_fault(action, 2)
        if fault:
            sample = json.dumps({"code": 0, "message": "", "codeDesc": "Success", "data": {}}).encode()
            if self.transport_fault(fault, sample):
                sim.log_call(2, action, self.client_address[0], host, sid, "fault:" + fault["kind"], t0,
                             self.resumed())
                return
        try:
            with sim.lock:
                sim.settle()
                if fault and fault["kind"] == "error":
                    raise ApiError(fault["code"], fault["message"])
                action, region = sim.auth2(method, host, params)
                result = sim.dispatch2(action, region, params, str(uuid.uuid4()),
                                       fault if fault and fault["kind"] == "taskfail" else None)
            resp = {"code": 0, "message": "", "codeDesc": "Success"}
            resp.update(result)
            code = "Success"
        except ApiError as e:
            num = fault.get("legacy_code") if fault and fault["kind"] == "error" else None
            resp = {"code": int(num or legacy_numeric_code(e.code)), "message": e.message, "codeDesc": e.code}
            code = e.code
        self.send_body(200, json.dumps(resp).encode(), "application/json")
        sim.log_call(2, action, self.client_address[0], host, sid, code, t0, self.resumed())


class MetaHandler(BaseHandler):
    def do_GET(self):
        sim = self.server.sim
        path = self.path.split("?", 1)[0]
        if path == "/_sim/state":
            with sim.lock:
                obj = sim.state()
            self.send_body(200, json.dumps(obj, indent=1).encode(), "application/json")
            return
        if path == "/_sim/log":
            with sim.lock:
                obj = list(sim.log)
            self.send_body(200, json.dumps(obj).encode(), "application/json")
            return
        prefix = "/latest/meta-data/"
        if path == "/latest/meta-data":
            path = prefix
        if not path.startswith(prefix):
            self.send_body(404, b"Not Found", "text/plain; charset=utf-8")
            return
        fault = sim.take_fault("metadata", None)
        if fault:
            if fault["kind"] == "error":
                self.send_body(404, b"Not Found", "text/plain; charset=utf-8")
                return
            if ApiHandler.transport_fault(self, fault, b"simulated-metadata-value"):
                return
        with sim.lock:
            status, text = sim.metadata(self.client_address[0], path[len(prefix):])
        self.send_body(status, text.encode(), "text/plain; charset=utf-8")

    def do_POST(self):
        sim = self.server.sim
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_body()
            obj = json.loads(body.decode("utf-8")) if body.strip() else {}
            if not isinstance(obj, dict):
                raise ValueError("body must be a JSON object")
            with sim.lock:
                res = sim.control(path, obj)
        except (BadRequest, ValueError, KeyError, TypeError) as e:
            self.send_body(400, json.dumps({"ok": False, "error": str(e)}).encode(), "application/json")
            return
        if res is None:
            self.send_body(404, json.dumps({"ok": False, "error": "unknown endpoint"}).encode(), "application/json")
            return
        self.send_body(200, json.dumps(res).encode(), "application/json")


class SimHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, handler, sim, tls_ctx=None, tls_ctx_new=None):
        self.sim = sim
        self.tls_ctx = tls_ctx
        self.tls_ctx_new = tls_ctx_new      # makes a context with an empty session cache
        super().__init__(addr, handler)

    def verify_request(self, request, client_address):
        return not (self.tls_ctx is not None and self.sim.is_down())

    def finish_request(self, request, client_address):
        """Runs in the connection's own thread: TLS handshake here, not in accept()."""
        if self.tls_ctx is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(10)
        # tls_resume off: a front end whose every connection lands on a server that shares no
        # session cache (RFC 5246 7.4.1.3: the server may always start a new session).
        ctx = self.tls_ctx if self.sim.tls_resume else self.tls_ctx_new()
        try:
            conn = ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            handler = self.RequestHandlerClass(conn, client_address, self)
            if not handler.abrupt:
                close_notify(conn)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.sim.verbose:
            super().handle_error(request, client_address)


def close_notify(conn):
    """An orderly close sends TLS close_notify first (RFC 5246 7.2.1: "each party is required to
    send a close_notify alert before closing the write side"), as web servers do (nginx's
    ngx_ssl_shutdown). Without it OpenSSL drops the session from its cache (ssl_clear_bad_session),
    so no client could ever resume one (RFC 5246 7.3's abbreviated handshake, by session id).
    Whether Tencent's front ends resume is undocumented: a client must work either way.
    Non-blocking: the peer's own close_notify is not waited for (RFC 5246 7.2.1 allows that)."""
    try:
        conn.setblocking(False)
        conn.unwrap()
    except (ssl.SSLError, OSError, ValueError):
        pass


def write_ready(path, api_port, meta_port):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"api_port": api_port, "meta_port": meta_port, "pid": os.getpid()}, f)
        f.write("\n")
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Tencent Cloud VPC API + CVM metadata simulator")
    ap.add_argument("--world", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--api-addr", default="127.0.0.1")
    ap.add_argument("--api-port", type=int, default=8443)
    ap.add_argument("--meta-addr", default="127.0.0.1")
    ap.add_argument("--meta-port", type=int, default=8080)
    ap.add_argument("--task-seconds", type=float, default=0.0)
    ap.add_argument("--eip-on-migrate", choices=EIP_ON_MIGRATE)
    ap.add_argument("--ready-file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    try:
        sim = Sim(args.world, args.task_seconds, args.verbose, args.eip_on_migrate)
        def tls_context():
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(args.cert, args.key)
            return ctx
        api = SimHTTPServer((args.api_addr, args.api_port), ApiHandler, sim, tls_context(), tls_context)
        meta = SimHTTPServer((args.meta_addr, args.meta_port), MetaHandler, sim)
    except (OSError, ValueError, KeyError, ssl.SSLError) as e:
        sys.stderr.write("sim.py: %s\n" % e)
        return 1

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
               for s in (api, meta)]
    for t in threads:
        t.start()
    api_port, meta_port = api.server_address[1], meta.server_address[1]
    if args.ready_file:
        write_ready(args.ready_file, api_port, meta_port)
    if args.verbose:
        sys.stderr.write("sim: api https://%s:%d meta http://%s:%d\n"
                         % (args.api_addr, api_port, args.meta_addr, meta_port))
    while not stop.wait(0.5):
        pass
    for s in (api, meta):
        s.shutdown()
        s.server_close()
    if args.ready_file:
        try:
            os.unlink(args.ready_file)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

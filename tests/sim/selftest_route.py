#!/usr/bin/env python3
# selftest_route.py: route-table and EIP self test of the simulator (signed API 3 calls against world-route.json).
"""usage: selftest_route.py --ready READY_FILE --certs CERT_DIR   (prints "selftest: N passed, N failed")"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import selftest as B     # noqa: E402  (Env, checks, account constants)

check, code_of = B.check, B.code_of
VIP = "198.19.0.100/32"                 # outside the VPC 198.18.0.0/16, inside 198.18.0.0/15
NODE_A, NODE_B, NODE_D = "198.18.0.11", "198.18.1.12", "198.18.0.14"
MAIN, CLNT = "rtb-simmain0", "rtb-simclnt0"
EIP1, EIP2, EIP_IP1 = "eip-simeip01", "eip-simeip02", "198.19.255.1"
ENI_A, ENI_D, SEC = "eni-simnodea", "eni-simnoded", "198.18.0.100"


def resp(obj):
    return obj.get("Response", {})


def route(cidr, gw, **kw):
    r = {"DestinationCidrBlock": cidr, "GatewayType": "NORMAL_CVM", "GatewayId": gw}
    r.update(kw)
    return r


def test_describe_rtb(env, api):
    _, _, obj = api.call("DescribeRouteTables", {})
    r = resp(obj)
    check("rtb: both tables", r.get("TotalCount") == 2 and [t["RouteTableId"] for t in r["RouteTableSet"]] == [MAIN, CLNT], obj)
    main = r["RouteTableSet"][0]
    check("rtb: main", main["Main"] is True and main["VpcId"] == "vpc-sim00001", main)
    check("rtb: main serves the subnets without a table",
          [a["SubnetId"] for a in main["AssociationSet"]] == ["subnet-sim00001", "subnet-sim00002"], main)
    rt = main["RouteSet"][0]
    check("rtb: route fields", rt["DestinationCidrBlock"] == VIP and rt["GatewayType"] == "NORMAL_CVM"
          and rt["GatewayId"] == NODE_A and isinstance(rt["RouteId"], int) and rt["RouteItemId"].startswith("rti-")
          and rt["RouteType"] == "USER" and rt["Enabled"] is True and rt["RouteTableId"] == MAIN, rt)
    _, _, obj = api.call("DescribeRouteTables", {"RouteTableIds": [CLNT], "NeedRouterInfo": False})
    r = resp(obj)
    check("rtb: by id, no routes", r.get("TotalCount") == 1 and r["RouteTableSet"][0]["RouteSet"] == [], obj)
    _, _, obj = api.call("DescribeRouteTables", {"Filters": [{"Name": "association.main", "Values": ["TRUE"]}]})
    check("rtb: filter association.main", [t["RouteTableId"] for t in resp(obj).get("RouteTableSet", [])] == [MAIN], obj)
    _, _, obj = api.call("DescribeRouteTables", {"Filters": [
        {"Name": "vpc-id", "Values": ["vpc-sim00001"]}, {"Name": "route-table-id", "Values": [CLNT]},
        {"Name": "next-hop-type", "Values": ["NORMAL_CVM"]}]})
    check("rtb: filter next-hop-type with its companions", resp(obj).get("TotalCount") == 1, obj)
    _, _, obj = api.call("DescribeRouteTables", {"Offset": "1", "Limit": "1"})
    check("rtb: Offset/Limit strings page", [t["RouteTableId"] for t in resp(obj).get("RouteTableSet", [])] == [CLNT]
          and resp(obj).get("TotalCount") == 2, obj)
    _, _, obj = api.call("DescribeRouteTables", {}, region="ap-shanghai")
    check("rtb: other region empty", resp(obj).get("TotalCount") == 0, obj)
    errors = [
        ({"Limit": 5}, "InvalidParameter"),
        ({"Limit": "101"}, "InvalidParameterValue.Range"),
        ({"RouteTableIds": [MAIN], "Filters": []}, "InvalidParameter.Coexist"),
        ({"RouteTableIds": ["rtb-BAD"]}, "InvalidParameterValue.Malformed"),
        ({"Filters": [{"Name": "route-table-idx", "Values": []}]}, "InvalidParameter.FilterInvalidKey"),
        ({"Filters": ["x"]}, "InvalidParameter.FilterNotDict"),
        ({"Filters": [{"Name": "vpc-id", "Values": "vpc-sim00001"}]}, "InvalidParameter.FilterValuesNotList"),
        ({"Filters": [{"Name": "next-hop-type", "Values": ["NORMAL_CVM"]}]}, "InvalidParameter.FilterMissParameter"),
        ({"NeedRouterInfo": "false"}, "InvalidParameter"),
        ({"Bogus": 1}, "UnknownParameter"),
    ]
    for params, code in errors:
        _, _, obj = api.call("DescribeRouteTables", params)
        check("rtb error %s %s" % (code, sorted(params)), code_of(obj) == code, obj)
    _, _, obj = api.call("DescribeRouteTables", {"RouteTableIds": ["rtb-notthere"]})
    check("rtb: unknown id absent", resp(obj).get("TotalCount") == 0, obj)


def table_routes(env, table):
    _, st = env.ctl("/_sim/state")
    return st["route_tables"][table]["routes"]


def test_create(env, api):
    _, _, obj = api.call("CreateRoutes", {"RouteTableId": CLNT, "Routes": [route("198.19.1.0/24", NODE_B, RouteDescription="x")]})
    r = resp(obj)
    check("create: TotalCount 1 and the table", r.get("TotalCount") == 1 and r["RouteTableSet"][0]["RouteTableId"] == CLNT, obj)
    new = [x for x in table_routes(env, CLNT) if x["cidr"] == "198.19.1.0/24"]
    check("create: in the sim's table", len(new) == 1 and new[0]["gateway"] == NODE_B, new)
    # [RTBLIM] CVM next hops form ECMP: a second NORMAL_CVM route to the same destination is accepted
    _, _, obj = api.call("CreateRoutes", {"RouteTableId": CLNT, "Routes": [route("198.19.1.0/24", NODE_D)]})
    check("create: ECMP second CVM next hop", resp(obj).get("TotalCount") == 1, obj)
    check("create: two routes now", len([x for x in table_routes(env, CLNT) if x["cidr"] == "198.19.1.0/24"]) == 2)
    errors = [
        ({"RouteTableId": CLNT, "Routes": [route("198.19.1.0/24", NODE_B)]}, "InvalidParameterValue.Duplicate"),
        ({"RouteTableId": CLNT, "Routes": [route("198.18.9.0/24", NODE_B)]}, "InvalidParameterValue.VpcCidrConflict"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", "198.18.0.99")]}, "InvalidParameterValue.RouteNextHopInvalid"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", SEC)]}, "InvalidParameterValue.RouteNextHopInvalid"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.1/24", NODE_B)]}, "InvalidParameterValue.Malformed"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", NODE_B, GatewayType="WARP")]}, "InvalidParameterValue"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", NODE_B, RouteType="NETD")]}, "InvalidParameterValue"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", NODE_B, RouteId=5)]}, "InvalidParameterValue"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", NODE_B, Color="red")]}, "UnknownParameter"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", NODE_B, Enabled="yes")]}, "InvalidParameter"),
        ({"RouteTableId": CLNT, "Routes": [route("198.19.3.0/24", NODE_B), route("198.19.3.0/24", NODE_B)]},
         "InvalidParameterValue.Duplicate"),
        ({"RouteTableId": CLNT, "Routes": []}, "InvalidParameterValue"),
        ({"RouteTableId": CLNT}, "MissingParameter"),
        ({"Routes": [route("198.19.2.0/24", NODE_B)]}, "MissingParameter"),
        ({"RouteTableId": "rtb-notthere", "Routes": [route("198.19.2.0/24", NODE_B)]}, "ResourceNotFound"),
        ({"RouteTableId": "rtb_bad", "Routes": [route("198.19.2.0/24", NODE_B)]}, "InvalidParameterValue.Malformed"),
        ({"RouteTableId": 7, "Routes": [route("198.19.2.0/24", NODE_B)]}, "InvalidParameter"),
    ]
    before = len(table_routes(env, CLNT))
    for params, code in errors:
        _, _, obj = api.call("CreateRoutes", params)
        check("create error %s" % code, code_of(obj) == code, (params, obj))
    check("create: nothing added by refused calls", len(table_routes(env, CLNT)) == before)
    _, _, obj = api.call("CreateRoutes", {"RouteTableId": CLNT, "Routes": [route("198.19.2.0/24", NODE_B)]},
                         region="ap-shanghai")
    check("create: other region ResourceNotFound", code_of(obj) == "ResourceNotFound", obj)


def test_replace(env, api):
    main = [x for x in table_routes(env, MAIN) if x["cidr"] == VIP][0]
    _, _, obj = api.call("ReplaceRoutes", {"RouteTableId": MAIN, "Routes": [
        route(VIP, NODE_B, RouteId=main["id"], RouteDescription="tcvip VIP")]})
    r = resp(obj)
    check("replace: old and new", r.get("OldRouteSet", [{}])[0].get("GatewayId") == NODE_A
          and r.get("NewRouteSet", [{}])[0].get("GatewayId") == NODE_B, obj)
    check("replace: RouteId and RouteItemId kept", r["NewRouteSet"][0]["RouteId"] == main["id"]
          and r["NewRouteSet"][0]["RouteItemId"] == main["item_id"], obj)
    now = [x for x in table_routes(env, MAIN) if x["cidr"] == VIP]
    check("replace: sim table points at B", len(now) == 1 and now[0]["gateway"] == NODE_B, now)
    _, _, obj = api.call("ReplaceRoutes", {"RouteTableId": MAIN, "Routes": [
        route(VIP, NODE_A, RouteItemId=main["item_id"])]})
    check("replace: by RouteItemId ([EXAMPLES])", resp(obj).get("NewRouteSet", [{}])[0].get("GatewayId") == NODE_A, obj)
    _, _, obj = api.call("DescribeRouteTables", {"RouteTableIds": [MAIN]})
    rt = resp(obj)["RouteTableSet"][0]["RouteSet"]
    check("replace: describe agrees", [(x["RouteId"], x["GatewayId"]) for x in rt if x["DestinationCidrBlock"] == VIP]
          == [(main["id"], NODE_A)], rt)
    errors = [
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B)]}, "MissingParameter"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B, RouteId=999999)]}, "UnsupportedOperation.RecordNotExists"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B, RouteItemId="rti-notthere")]}, "UnsupportedOperation.RecordNotExists"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B, RouteItemId="rti-x")]}, "InvalidParameterValue.Malformed"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B, RouteId=str(main["id"]))]}, "InvalidParameter"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, "198.18.0.99", RouteId=main["id"])]}, "InvalidParameterValue"),
        ({"RouteTableId": MAIN, "Routes": [route("198.18.0.0/24", NODE_B, RouteId=main["id"])]}, "InvalidParameterValue.VpcCidrConflict"),
        ({"RouteTableId": CLNT, "Routes": [route(VIP, NODE_B, RouteId=main["id"])]}, "UnsupportedOperation.RecordNotExists"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B, RouteId=main["id"]),
                                           route(VIP, NODE_D, RouteId=main["id"])]}, "InvalidParameterValue.Duplicate"),
        ({"RouteTableId": "rtb-notthere", "Routes": [route(VIP, NODE_B, RouteId=main["id"])]}, "ResourceNotFound"),
        ({"RouteTableId": MAIN, "Routes": [route(VIP, NODE_B, RouteId=main["id"])], "DryRun": True}, "UnknownParameter"),
    ]
    for params, code in errors:
        _, _, obj = api.call("ReplaceRoutes", params)
        check("replace error %s" % code, code_of(obj) == code, (params, obj))
    now = [x for x in table_routes(env, MAIN) if x["cidr"] == VIP]
    check("replace: refused calls changed nothing", [x["gateway"] for x in now] == [NODE_A], now)
    # one call may swap two routes' next hops to one destination set: judged on the table as it will be
    api.call("CreateRoutes", {"RouteTableId": MAIN, "Routes": [route("198.19.5.0/24", NODE_B)]})
    other = [x for x in table_routes(env, MAIN) if x["cidr"] == "198.19.5.0/24"][0]
    _, _, obj = api.call("ReplaceRoutes", {"RouteTableId": MAIN, "Routes": [
        route("198.19.5.0/24", NODE_A, RouteId=main["id"]), route(VIP, NODE_B, RouteId=other["id"])]})
    check("replace: swap in one call", len(resp(obj).get("NewRouteSet", [])) == 2, obj)
    got = sorted((x["id"], x["cidr"], x["gateway"]) for x in table_routes(env, MAIN))
    check("replace: swapped", got == sorted([(main["id"], "198.19.5.0/24", NODE_A), (other["id"], VIP, NODE_B)]), got)


def addr(api, eip):
    _, _, obj = api.call("DescribeAddresses", {"AddressIds": [eip]})
    return resp(obj)["AddressSet"][0]


def test_describe_eip(env, api):
    _, _, obj = api.call("DescribeAddresses", {})
    r = resp(obj)
    check("eip: both", r.get("TotalCount") == 2 and [a["AddressId"] for a in r["AddressSet"]] == [EIP1, EIP2], obj)
    a1, a2 = r["AddressSet"]
    check("eip: bound fields", a1["AddressStatus"] == "BIND" and a1["AddressIp"] == EIP_IP1
          and a1["NetworkInterfaceId"] == ENI_A and a1["PrivateAddressIp"] == SEC and a1["InstanceId"] == "ins-simnodea", a1)
    check("eip: unbound is null", a2["AddressStatus"] == "UNBIND" and a2["NetworkInterfaceId"] is None
          and a2["PrivateAddressIp"] is None, a2)
    for flt, want in ((["address-status", "UNBIND"], [EIP2]), (["private-ip-address", SEC], [EIP1]),
                      (["network-interface-id", ENI_A], [EIP1]), (["address-ip", EIP_IP1], [EIP1]),
                      (["address-id", EIP2], [EIP2]), (["tag-key", "x"], [])):
        _, _, obj = api.call("DescribeAddresses", {"Filters": [{"Name": flt[0], "Values": [flt[1]]}]})
        check("eip filter %s" % flt[0], [a["AddressId"] for a in resp(obj).get("AddressSet", [])] == want, obj)
    _, _, obj = api.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_A]})
    ips = {x["PrivateIpAddress"]: x for x in resp(obj)["NetworkInterfaceSet"][0]["PrivateIpAddressSet"]}
    check("eip: ENI shows PublicIpAddress/AddressId", ips[SEC]["PublicIpAddress"] == EIP_IP1
          and ips[SEC]["AddressId"] == EIP1 and ips["198.18.0.11"]["AddressId"] == "", ips)
    check("eip: zone per subnet", resp(obj)["NetworkInterfaceSet"][0]["Zone"] == "ap-guangzhou-3")
    _, _, obj = api.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": ["eni-simnodeb"]})
    check("eip: node B in the other zone", resp(obj)["NetworkInterfaceSet"][0]["Zone"] == "ap-guangzhou-4", obj)
    errors = [
        ({"AddressIds": ["eip-BAD"]}, "InvalidParameterValue.AddressIdMalformed"),
        ({"AddressIds": [EIP1], "Filters": [{"Name": "address-id", "Values": [EIP1]}]}, "InvalidParameter"),
        ({"Filters": [{"Name": "color", "Values": ["x"]}]}, "InvalidParameter.InvalidFilter"),
        ({"Filters": [{"Name": "address-ip", "Values": ["x"]}] * 11}, "LimitExceeded.NumberOfFilters"),
        ({"Limit": 101}, "InvalidParameterValue.LimitExceeded"),
        ({"Limit": "5"}, "InvalidParameter"),
        ({"Bogus": 1}, "UnknownParameter"),
    ]
    for params, code in errors:
        _, _, obj = api.call("DescribeAddresses", params)
        check("eip error %s" % code, code_of(obj) == code, (params, obj))


def task_result(api, tid):
    _, _, obj = api.call("DescribeTaskResult", {"TaskId": int(tid)})
    return resp(obj)


def test_associate(env, api):
    _, _, obj = api.call("AssociateAddress", {"AddressId": EIP2, "InstanceId": "ins-simnodeb"})
    tid = resp(obj).get("TaskId")
    check("assoc: TaskId is a string of digits ([MODELS])", isinstance(tid, str) and tid.isdigit(), obj)
    t = task_result(api, tid)
    check("assoc: task SUCCESS", t.get("Result") == "SUCCESS" and t.get("TaskId") == int(tid), t)
    a = addr(api, EIP2)
    check("assoc: by instance = primary IP of the primary ENI", a["AddressStatus"] == "BIND"
          and a["NetworkInterfaceId"] == "eni-simnodeb" and a["PrivateAddressIp"] == NODE_B, a)
    errors = [
        ({"AddressId": EIP2, "InstanceId": "ins-simnodea"}, "InvalidParameterValue.NetworkInterfaceIdNotMatch"),
        ({"AddressId": EIP1, "NetworkInterfaceId": ENI_A, "PrivateIpAddress": NODE_A}, "InvalidParameterValue.PrivateIpAddressNotMatch"),
        ({"AddressId": EIP1, "NetworkInterfaceId": ENI_A, "PrivateIpAddress": SEC}, "UnsupportedOperation.AddressStatusNotPermit"),
        ({"AddressId": EIP1, "InstanceId": "ins-simnodea", "NetworkInterfaceId": ENI_A}, "InvalidParameterConflict"),
        ({"AddressId": EIP1}, "InvalidParameterValue.MissingAssociateEntity"),
        ({"AddressId": EIP1, "NetworkInterfaceId": ENI_A}, "MissingParameter"),
        ({"AddressId": EIP1, "InstanceId": "ins-simnodea", "PrivateIpAddress": NODE_A}, "InvalidParameterValue.Combination"),
        ({"AddressId": EIP1, "InstanceId": "ins-BAD"}, "InvalidParameterValue.InstanceIdMalformed"),
        ({"AddressId": EIP1, "InstanceId": "ins-notthere"}, "InvalidInstanceId.NotFound"),
        ({"AddressId": EIP1, "NetworkInterfaceId": ENI_D, "PrivateIpAddress": SEC}, "InvalidParameterValue.NetworkInterfaceNotFound"),
        ({"AddressId": EIP1, "NetworkInterfaceId": "eni-notthere", "PrivateIpAddress": SEC}, "InvalidParameterValue.NetworkInterfaceNotFound"),
        ({"AddressId": "eip-notthere"}, "InvalidAddressId.NotFound"),
        ({"AddressId": "eip_bad"}, "InvalidParameterValue.AddressIdMalformed"),
        ({}, "MissingParameter"),
        ({"AddressId": EIP1, "InstanceId": "ins-simnodea", "Force": True}, "UnknownParameter"),
    ]
    for params, code in errors:
        _, _, obj = api.call("AssociateAddress", params)
        check("assoc error %s" % code, code_of(obj) == code, (params, obj))
    _, _, obj = api.call("DisassociateAddress", {"AddressId": EIP2})
    t = task_result(api, resp(obj).get("TaskId", "0"))
    check("disassoc: SUCCESS and UNBIND", t.get("Result") == "SUCCESS" and addr(api, EIP2)["AddressStatus"] == "UNBIND", t)
    # a primary IP that holds an EIP refuses a second one
    _, _, obj = api.call("AssociateAddress", {"AddressId": EIP2, "NetworkInterfaceId": ENI_A, "PrivateIpAddress": SEC})
    check("assoc: IP already has an EIP", code_of(obj) == "InvalidPrivateIpAddress.AlreadyBindEip", obj)
    for params, code in (({"AddressId": EIP2}, "InvalidAddressIdStatus.NotPermit"),
                         ({"AddressId": EIP1, "ReallocateNormalPublicIp": True}, "InvalidParameterValue.OnlySupportedForMasterNetworkCard"),
                         ({"AddressId": EIP1, "ReallocateNormalPublicIp": "TRUE"}, "InvalidParameter"),
                         ({"AddressId": "eip-notthere"}, "InvalidAddressId.NotFound"),
                         ({}, "MissingParameter")):
        _, _, obj = api.call("DisassociateAddress", params)
        check("disassoc error %s" % code, code_of(obj) == code, (params, obj))
    for params, code in (({"TaskId": "50121401"}, "InvalidParameter"), ({"TaskId": 1}, "InvalidParameter"),
                         ({}, "MissingParameter"), ({"TaskId": 1, "X": 1}, "UnknownParameter")):
        _, _, obj = api.call("DescribeTaskResult", params)
        check("task error %s %s" % (code, params), code_of(obj) == code, (params, obj))


def test_tasks_and_faults(env, api):
    env.ctl("/_sim/config", {"task_seconds": 30})
    _, _, obj = api.call("AssociateAddress", {"AddressId": EIP2, "InstanceId": "ins-simnoded"})
    tid = resp(obj).get("TaskId", "0")
    check("slow task RUNNING", task_result(api, tid).get("Result") == "RUNNING")
    check("BINDING while it runs", addr(api, EIP2)["AddressStatus"] == "BINDING")
    _, _, obj = api.call("DisassociateAddress", {"AddressId": EIP2})
    check("mutex while BINDING", code_of(obj) == "OperationDenied.MutexTaskRunning", obj)
    env.ctl("/_sim/config", {"task_seconds": 0})
    env.ctl("/_sim/eip", {"id": EIP2, "eni": None})
    check("/_sim/eip cancels the task", task_result(api, tid).get("Result") == "FAILED"
          and addr(api, EIP2)["AddressStatus"] == "UNBIND")
    env.ctl("/_sim/fault", {"action": "AssociateAddress", "kind": "taskfail"})
    _, _, obj = api.call("AssociateAddress", {"AddressId": EIP2, "InstanceId": "ins-simnoded"})
    t = task_result(api, resp(obj).get("TaskId", "0"))
    check("taskfail: FAILED and still UNBIND", t.get("Result") == "FAILED" and addr(api, EIP2)["AddressStatus"] == "UNBIND", t)
    ro = env.api(secret_id=B.RO_ID, secret_key=B.RO_KEY)
    for action, params in (("ReplaceRoutes", {"RouteTableId": MAIN, "Routes": []}),
                           ("CreateRoutes", {"RouteTableId": MAIN, "Routes": []}),
                           ("AssociateAddress", {"AddressId": EIP2}), ("DisassociateAddress", {"AddressId": EIP1})):
        _, _, obj = ro.call(action, params)
        check("read-only denied %s" % action, code_of(obj) == "UnauthorizedOperation", obj)
    _, _, obj = ro.call("DescribeRouteTables", {})
    check("read-only may describe", resp(obj).get("TotalCount") == 2, obj)
    ro.close()


def migrate_a_to_d(api):
    _, _, obj = api.call("MigratePrivateIpAddress", {"SourceNetworkInterfaceId": ENI_A,
                                                      "DestinationNetworkInterfaceId": ENI_D, "PrivateIpAddress": SEC})
    return code_of(obj)


def test_eip_on_migrate(env, api):
    st, _ = env.ctl("/_sim/state")
    check("default eip_on_migrate is unbind", env.ctl("/_sim/state")[1]["eip_on_migrate"] == "unbind")
    check("migrate ok", migrate_a_to_d(api) is None)
    a = addr(api, EIP1)
    check("unbind: the EIP is UNBIND after the move", a["AddressStatus"] == "UNBIND" and a["NetworkInterfaceId"] is None, a)
    _, _, obj = api.call("AssociateAddress", {"AddressId": EIP1, "NetworkInterfaceId": ENI_D, "PrivateIpAddress": SEC})
    task_result(api, resp(obj).get("TaskId", "0"))
    check("unbind: re-bound on the new ENI", addr(api, EIP1)["NetworkInterfaceId"] == ENI_D)
    env.ctl("/_sim/reset", {})
    code, _ = env.ctl("/_sim/config", {"eip_on_migrate": "follow"})
    check("config follow", code == 200)
    migrate_a_to_d(api)
    a = addr(api, EIP1)
    check("follow: bound on the new ENI", a["AddressStatus"] == "BIND" and a["NetworkInterfaceId"] == ENI_D
          and a["PrivateAddressIp"] == SEC and a["InstanceId"] == "ins-simnoded", a)
    env.ctl("/_sim/reset", {})
    check("reset restores unbind", env.ctl("/_sim/state")[1]["eip_on_migrate"] == "unbind")
    env.ctl("/_sim/config", {"eip_on_migrate": "stale"})
    migrate_a_to_d(api)
    a = addr(api, EIP1)
    check("stale: still names the old ENI", a["AddressStatus"] == "BIND" and a["NetworkInterfaceId"] == ENI_A, a)
    _, _, obj = api.call("AssociateAddress", {"AddressId": EIP1, "NetworkInterfaceId": ENI_D, "PrivateIpAddress": SEC})
    check("stale: associate refused until disassociated", code_of(obj) == "InvalidParameterValue.NetworkInterfaceIdNotMatch", obj)
    _, _, obj = api.call("DescribeNetworkInterfaces", {"NetworkInterfaceIds": [ENI_D]})
    ips = {x["PrivateIpAddress"]: x for x in resp(obj)["NetworkInterfaceSet"][0]["PrivateIpAddressSet"]}
    check("stale: new ENI shows no EIP", ips[SEC]["AddressId"] == "", ips)
    env.ctl("/_sim/reset", {})
    env.ctl("/_sim/holder", {"ip": SEC, "eni": ENI_D})
    check("out-of-band move (/_sim/holder) follows the switch", addr(api, EIP1)["AddressStatus"] == "UNBIND")
    code, _ = env.ctl("/_sim/config", {"eip_on_migrate": "sideways"})
    check("config rejects an unknown mode", code == 400)
    env.ctl("/_sim/reset", {})


def test_control(env, api):
    code, _ = env.ctl("/_sim/route", {"table": MAIN, "cidr": VIP, "gateway": NODE_B})
    check("/_sim/route sets", code == 200 and [x["gateway"] for x in table_routes(env, MAIN) if x["cidr"] == VIP] == [NODE_B])
    _, res = env.ctl("/_sim/route/lookup", {"subnet": "subnet-sim00003", "dst": "198.19.0.100"})
    check("lookup: client subnet uses its own table", res.get("route", {}).get("gateway") == NODE_A, res)
    _, res = env.ctl("/_sim/route/lookup", {"subnet": "subnet-sim00002", "dst": "198.19.0.100"})
    check("lookup: main table", res.get("route", {}).get("gateway") == NODE_B, res)
    _, res = env.ctl("/_sim/route/lookup", {"subnet": "subnet-sim00002", "dst": "198.19.9.9"})
    check("lookup: no route", res.get("route", 1) is None, res)
    code, _ = env.ctl("/_sim/route", {"table": MAIN, "cidr": VIP, "gateway": None})
    check("/_sim/route deletes", code == 200 and [x for x in table_routes(env, MAIN) if x["cidr"] == VIP] == [])
    code, _ = env.ctl("/_sim/route", {"table": "rtb-notthere", "cidr": VIP, "gateway": NODE_A})
    check("/_sim/route unknown table 400", code == 400)
    code, _ = env.ctl("/_sim/eip", {"id": EIP2, "eni": ENI_D, "ip": NODE_D})
    check("/_sim/eip binds", code == 200 and env.ctl("/_sim/state")[1]["addresses"][EIP2]["eni"] == ENI_D)
    code, _ = env.ctl("/_sim/eip", {"id": EIP2, "eni": ENI_D, "ip": NODE_A})
    check("/_sim/eip refuses an IP not on the ENI", code == 400)
    env.ctl("/_sim/reset", {})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True)
    ap.add_argument("--certs", required=True)
    args = ap.parse_args()
    env = B.Env(args.ready, args.certs)
    api = env.api()
    for fn in (test_describe_rtb, test_create, test_replace, test_describe_eip, test_associate,
               test_tasks_and_faults, test_eip_on_migrate, test_control):
        env.ctl("/_sim/reset", {})
        try:
            fn(env, api)
        except Exception as e:          # a crash in one group is a failure, not the end of the run
            check("%s raised %r" % (fn.__name__, e), False)
            api.close()
    api.close()
    print("selftest: %d passed, %d failed" % (B.T.passed, B.T.failed))
    return 1 if B.T.failed else 0


if __name__ == "__main__":
    sys.exit(main())

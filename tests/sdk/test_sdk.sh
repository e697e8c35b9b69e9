#!/bin/sh
# test_sdk.sh: the official tencentcloud-sdk-nodejs-common against the simulator (see sdk_check.sh).
exec sh "$(dirname "$0")/sdk_check.sh" "$@"

#!/usr/bin/env bash
# Registers with the Lambda Extensions API from the launcher, before the JVM starts: Lambda holds the
# function's runtime back until every extension has registered, and a shell is ready in milliseconds
# where a JVM needs a hundred or more. The Java entry point adopts the identifier.
#
# In:  AWS_LAMBDA_RUNTIME_API (host:port), REGISTER_NAME, REGISTER_EVENTS (e.g. "INVOKE","SHUTDOWN")
# Out: three lines on stdout: the HTTP status, the Lambda-Extension-Identifier (may be empty), the
#      body on one line. Exit 0 when an answer was read, 1 when none was (then nothing was decided
#      and the JVM registers itself).
set -u
api=${AWS_LAMBDA_RUNTIME_API:?}
host=${api%:*}
port=${api##*:}
body="{\"events\":[${REGISTER_EVENTS:?}]}"
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'POST /2020-01-01/extension/register HTTP/1.1\r\nHost: %s\r\nLambda-Extension-Name: %s\r\nLambda-Extension-Accept-Feature: accountId\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
  "$api" "${REGISTER_NAME:?}" "${#body}" "$body" >&3 || exit 1
IFS= read -r -t 5 status_line <&3 || exit 1
# The reason phrase is optional (RFC 9112: "HTTP/1.1 200\r" is a valid status line): drop the CR
# before taking the code, or it would stick to the code when no phrase follows.
status_line=${status_line%$'\r'}
status=${status_line#* }
status=${status%% *}
id=
length=
while IFS= read -r -t 5 line <&3; do
  line=${line%$'\r'}
  [ -z "$line" ] && break
  name=${line%%:*}
  value=${line#*:}
  value=${value# }
  case "${name,,}" in
    lambda-extension-identifier) id=$value ;;
    content-length) length=$value ;;
  esac
done
answer=
if [ -n "$length" ] && [ "$length" -gt 0 ] 2>/dev/null; then
  IFS= read -r -t 5 -N "$length" answer <&3 || true
else
  # No length: the server closes the connection after the body (we asked for Connection: close).
  answer=$(cat <&3 2>/dev/null || true)
fi
exec 3<&-
printf '%s\n%s\n%s\n' "$status" "$id" "$(printf '%s' "$answer" | tr -d '\r\n')"

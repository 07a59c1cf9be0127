#!/usr/bin/env bash
# The honest baseline: the sequential curl + jq step a team would write instead of using the action.
# Same lookups and calls as the action, one request after another, each curl a fresh process and a fresh
# TLS connection:
#   1. POST /account/login                        -> accessToken
#   2. POST /git/organizations/getmany            (every page, pageCount) -> organization by name (any case) or id,
#                                                 and the plan from its `plans` (name, any case, or id)
#   3. POST /git/repositories/getmany             (Name filter, every page) -> the repository, name checked exactly
#   4. POST /plans/listassignedtoorganization     (every page) -> is it attached to the plan?
#   5. POST /git/repositories/activate            only when isProtected is false (per-id `error` checked)
#   6. POST /plans/attachgitrepository            only when not attached
#   A repository that is unknown: POST /git/repositories/sync, then poll step 3 until it appears.
#
# Inputs (environment):
#   XOPERO_SERVER_URL, XOPERO_EMAIL, XOPERO_PASSWORD, XOPERO_ORGANIZATION, XOPERO_REPOSITORY (owner/name or name),
#   XOPERO_PLAN (optional: no plan, no attach), XOPERO_CA_FILE (optional: CA bundle for curl --cacert),
#   XOPERO_POLL_INTERVAL (seconds between polls after a sync, default 5), XOPERO_WAIT_TIMEOUT (seconds, default 300).
# Needs curl >= 7.76 (--fail-with-body) and jq.
set -euo pipefail

: "${XOPERO_SERVER_URL:?XOPERO_SERVER_URL is required}"
: "${XOPERO_EMAIL:?XOPERO_EMAIL is required}"
: "${XOPERO_PASSWORD:?XOPERO_PASSWORD is required}"
: "${XOPERO_ORGANIZATION:?XOPERO_ORGANIZATION is required}"
: "${XOPERO_REPOSITORY:?XOPERO_REPOSITORY is required}"
plan_wanted="${XOPERO_PLAN:-}"
poll_interval="${XOPERO_POLL_INTERVAL:-5}"
wait_timeout="${XOPERO_WAIT_TIMEOUT:-300}"
server="${XOPERO_SERVER_URL%/}"
page_size=1000

# Secrets stay out of argv (visible in ps): request bodies go on stdin, the bearer header in a private file.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
auth_header="$workdir/auth"
: >"$auth_header"

curl_args=(-sS --fail-with-body -X POST -H 'Content-Type: application/json' -H 'Accept: application/json' -H "@$auth_header")
if [[ -n "${XOPERO_CA_FILE:-}" ]]; then curl_args+=(--cacert "$XOPERO_CA_FILE"); fi

# api PATH JSON: prints the response body; a non-2xx answer (or no answer) fails the step with the server's body.
api() {
  local response
  if ! response="$(curl "${curl_args[@]}" --data-binary @- "$server$1" <<<"$2")"; then
    echo "::error::POST $1 failed${response:+: $response}" >&2
    return 1
  fi
  printf '%s\n' "$response"
}

fail() {
  echo "::error::$*" >&2
  exit 1
}

# 1. Sign in.
login_body="$(jq -nc --arg email "$XOPERO_EMAIL" --arg password "$XOPERO_PASSWORD" '{email: $email, password: $password, rememberMe: false}')"
token="$(api /account/login "$login_body" | jq -r '.accessToken // empty')"
[[ -n "$token" ]] || fail "Login answered without an access token."
[[ -n "${GITHUB_ACTIONS:-}" ]] && echo "::add-mask::$token"
printf 'Authorization: Bearer %s\n' "$token" >"$auth_header"

# 2. The organization (name in any case, or id), following pageCount; its plans come with it.
org=""
page=1
while :; do
  response="$(api /git/organizations/getmany "{\"limit\":$page_size,\"page\":$page,\"orderby\":\"Name\",\"ordertype\":\"asc\"}")"
  { read -r page_count; read -r org; } < <(jq -rc --arg wanted "$XOPERO_ORGANIZATION" '
    (.pageCount // 1),
    ([.result[]? | select((.name | ascii_downcase) == ($wanted | ascii_downcase) or (.id | ascii_downcase) == ($wanted | ascii_downcase))] | first // "")
  ' <<<"$response")
  [[ -n "$org" || $page -ge $page_count ]] && break
  page=$((page + 1))
done
[[ -n "$org" ]] || fail "Organization '$XOPERO_ORGANIZATION' not found."
{ read -r org_id; read -r org_name; } < <(jq -r '.id, .name' <<<"$org")
echo "Organization: $org_name ($org_id)"

plan_id=""
if [[ -n "$plan_wanted" ]]; then
  plan_id="$(jq -r --arg wanted "$plan_wanted" '
    [.plans[]? | select((.name | ascii_downcase) == ($wanted | ascii_downcase) or (.id | ascii_downcase) == ($wanted | ascii_downcase))]
    | first | .id // empty' <<<"$org")"
  [[ -n "$plan_id" ]] || fail "Plan '$plan_wanted' not found in organization '$org_name'."
  echo "Plan: $plan_wanted ($plan_id)"
fi

if [[ "$XOPERO_REPOSITORY" == */* ]]; then full_name="$XOPERO_REPOSITORY"; else full_name="$org_name/$XOPERO_REPOSITORY"; fi

# 3. The repository: the server's Name filter is a substring match, so the name is checked here; every page read.
# Sets repo (JSON of the live repository, or empty).
find_repository() {
  local page=1 page_count response found
  repo=""
  local body
  while :; do
    body="$(jq -nc --arg org "$org_id" --arg name "$full_name" --argjson page "$page" --argjson limit "$page_size" \
      '{id: $org, limit: $limit, page: $page, orderby: "Name", ordertype: "asc", filters: [{property: "Name", operator: "eq", value: $name}]}')"
    response="$(api /git/repositories/getmany "$body")"
    { read -r page_count; read -r found; } < <(jq -rc --arg name "$full_name" '
      (.pageCount // 1),
      ([.result.repositories[]? | select((.name | ascii_downcase) == ($name | ascii_downcase) and (.isRemoved | not))] | first // "")
    ' <<<"$response")
    [[ -n "$found" ]] && repo="$found"
    [[ -n "$repo" || $page -ge $page_count ]] && break
    page=$((page + 1))
  done
}

find_repository
changed=false
if [[ -z "$repo" ]]; then
  # Unknown to Xopero ONE: synchronize the organization and wait for the repository to appear.
  api /git/repositories/sync "{\"id\":\"$org_id\"}" >/dev/null
  changed=true
  echo "Started a synchronization of $org_name; waiting up to $wait_timeout s for $full_name."
  deadline=$((SECONDS + wait_timeout))
  while [[ -z "$repo" ]]; do
    ((SECONDS < deadline)) || fail "'$full_name' did not appear in '$org_name' within $wait_timeout s of synchronizing."
    sleep "$poll_interval"
    find_repository
  done
fi
{ read -r repo_id; read -r repo_protected; } < <(jq -r '.id, .isProtected' <<<"$repo")
echo "Repository: $full_name ($repo_id), isProtected=$repo_protected"

# 4. Plan membership: a plan with no repositories yet is not listed at all.
attached=true
if [[ -n "$plan_id" ]]; then
  attached=false
  page=1
  while :; do
    response="$(api /plans/listassignedtoorganization "{\"organizationid\":\"$org_id\",\"limit\":$page_size,\"page\":$page}")"
    { read -r page_count; read -r found; } < <(jq -r --arg plan "$plan_id" --arg repo "$repo_id" '
      (.pageCount // 1),
      ([.result[]? | select((.id | ascii_downcase) == ($plan | ascii_downcase))
        | select(.includeAllRepositories or any(.repositoryIds[]?; ascii_downcase == ($repo | ascii_downcase)))] | length > 0)
    ' <<<"$response")
    [[ "$found" == true ]] && attached=true
    [[ "$attached" == true || $page -ge $page_count ]] && break
    page=$((page + 1))
  done
fi

# 5. Activate the license (answers 200 even when it fails: the per-id error list is the answer).
if [[ "$repo_protected" != true ]]; then
  response="$(api /git/repositories/activate "{\"Ids\":[\"$repo_id\"]}")"
  error_code="$(jq -r --arg id "$repo_id" '[.error[]? | select((.id | ascii_downcase) == ($id | ascii_downcase)) | .errorCode] | first // empty' <<<"$response")"
  [[ -z "$error_code" ]] || fail "License activation of '$full_name' failed: $error_code."
  changed=true
  echo "Activated the license of $full_name."
fi

# 6. Attach to the plan.
if [[ "$attached" != true ]]; then
  api /plans/attachgitrepository "{\"planid\":\"$plan_id\",\"repositoryid\":\"$repo_id\"}" >/dev/null
  changed=true
  echo "Attached $full_name to plan $plan_wanted."
fi

[[ "$changed" == true ]] || echo "Nothing to change: already protected."
echo "organization-id=$org_id"
echo "repository-id=$repo_id"
echo "plan-id=$plan_id"
echo "changed=$changed"

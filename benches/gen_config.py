"""Write a generated AWS config with N SSO profiles over 10 sso-sessions, plus a valid cached token
per session, under HOME; print the name of the middle profile. Usage: gen_config.py HOME N"""
import datetime
import hashlib
import json
import os
import sys

ROLES = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing"]


def write(home, n):
    """Write HOME/.aws/config with n profiles and the sessions' tokens; return the middle name."""
    os.makedirs(os.path.join(home, ".aws", "sso", "cache"), exist_ok=True)
    lines = []
    sessions = [f"corp{i}" for i in range(10)]
    exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    for s in sessions:
        lines += [f"[sso-session {s}]", f"sso_start_url = https://{s}.awsapps.com/start",
                  "sso_region = us-east-1", "sso_registration_scopes = sso:account:access", ""]
        name = hashlib.sha1(s.encode()).hexdigest() + ".json"
        with open(os.path.join(home, ".aws", "sso", "cache", name), "w") as f:
            json.dump({"startUrl": f"https://{s}.awsapps.com/start", "region": "us-east-1",
                       "accessToken": "bench", "expiresAt": exp}, f)
    for i in range(n):
        lines += [f"[profile {name_of(i)}]", f"sso_session = {sessions[i % 10]}",
                  f"sso_account_id = {100000000000 + i // 4}", f"sso_role_name = {ROLES[i % 4]}",
                  "region = us-east-1", "output = json", ""]
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("\n".join(lines))
    return name_of(n // 2)


def name_of(i):
    return f"p{i:05d}_{ROLES[i % 4].lower()}"


if __name__ == "__main__":
    print(write(sys.argv[1], int(sys.argv[2])))

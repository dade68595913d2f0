"""Write a generated AWS config with N SSO profiles over 10 sso-sessions, plus a valid cached token
per session, under HOME. Usage: gen_config.py HOME N"""
import hashlib, json, os, sys, datetime

home, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(home, ".aws", "sso", "cache"), exist_ok=True)
lines = []
sessions = [f"corp{i}" for i in range(10)]
exp = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
for s in sessions:
    lines += [f"[sso-session {s}]", f"sso_start_url = https://{s}.awsapps.com/start",
              "sso_region = us-east-1", "sso_registration_scopes = sso:account:access", ""]
    name = hashlib.sha1(s.encode()).hexdigest() + ".json"
    with open(os.path.join(home, ".aws", "sso", "cache", name), "w") as f:
        json.dump({"startUrl": f"https://{s}.awsapps.com/start", "region": "us-east-1",
                   "accessToken": "bench", "expiresAt": exp}, f)
roles = ["AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing"]
for i in range(n):
    lines += [f"[profile p{i:05d}_{roles[i % 4].lower()}]", f"sso_session = {sessions[i % 10]}",
              f"sso_account_id = {100000000000 + i // 4}", f"sso_role_name = {roles[i % 4]}",
              "region = us-east-1", "output = json", ""]
with open(os.path.join(home, ".aws", "config"), "w") as f:
    f.write("\n".join(lines))
print(f"p{n // 2:05d}_{roles[(n // 2) % 4].lower()}")

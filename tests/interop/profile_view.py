"""botocore's view of profiles, for comparing with ssox's (tests/integration/shapes.rs): for each
profile named on the command line, one JSON object with the region, the sso_account_id and the
credentials botocore resolves (their method and access key id), or the name of the exception it
raises. Endpoints come from AWS_ENDPOINT_URL_* (the fake), files from HOME or AWS_CONFIG_FILE."""

import json
import sys

import botocore.session


def view(profile: str) -> dict:
    out = {"profile": profile}
    try:
        session = botocore.session.Session(profile=profile)
        out["region"] = session.get_config_variable("region")
        out["sso_account_id"] = session.get_scoped_config().get("sso_account_id")
        creds = session.get_credentials()
        if creds is None:
            out["error"] = "NoCredentials"
            return out
        out["method"] = creds.method
        out["access_key"] = creds.get_frozen_credentials().access_key
    except Exception as e:  # the test compares the exception's name
        out["error"] = type(e).__name__
    return out


def main() -> int:
    for profile in sys.argv[1:]:
        print(json.dumps(view(profile), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

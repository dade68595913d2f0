"""botocore configured exactly as the AWS CLI v2 configures it: the SSO credential provider with a
JSONFileCache on ~/.aws/cli/cache.

Usage: creds_cli_role_cache.py PROFILE
Prints the access key id botocore resolved for PROFILE, then one line per cache file:
"<name> same" when the file is byte-identical to what botocore's JSONFileCache would write for
its contents (json.dumps with default separators), else "<name> differs".
"""

import json
import os
import sys

import botocore.session
from botocore.utils import JSONFileCache

CACHE_DIR = os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


def main() -> int:
    session = botocore.session.Session(profile=sys.argv[1])
    # What awscli/customizations/assumerole.py and sso do: share one file cache.
    session.get_component("credential_provider").get_provider("sso").cache = JSONFileCache(
        CACHE_DIR
    )
    creds = session.get_credentials()
    if creds is None:
        print("botocore found no credentials", file=sys.stderr)
        return 1
    print(creds.get_frozen_credentials().access_key)
    for name in sorted(os.listdir(CACHE_DIR)):
        with open(os.path.join(CACHE_DIR, name), encoding="utf-8") as f:
            text = f.read()
        print(name, "same" if json.dumps(json.loads(text)) == text else "differs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
